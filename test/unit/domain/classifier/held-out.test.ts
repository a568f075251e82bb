// The rules against labelled messages written for this test (held-out.jsonl: hotline notes,
// chat, app and email in simplified and traditional Chinese and English).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATEGORIES } from "#shared/domain/case.ts";
import { evaluate, formatReport, LabelledLine, parseLine } from "#infra/cli/classifier-eval.ts";

const lines = readFileSync(new URL("./held-out.jsonl", import.meta.url), "utf8").split("\n");
const items = lines.flatMap((line, i) => {
  if (line.trim() === "") return [];
  const parsed = parseLine(LabelledLine, line, i + 1);
  if (!parsed.ok) throw new Error(parsed.error);
  return [{ lineNo: i + 1, line: parsed.value }];
});

describe("the held-out set", () => {
  it("covers every category in all three scripts", () => {
    expect(items.length).toBeGreaterThanOrEqual(120);
    const traditional = /[們這說還體們與現東們裡過單會氣時簽]/;
    for (const c of CATEGORIES) {
      const texts = items.filter((i) => i.line.expected.category === c).map((i) => i.line.text);
      expect(
        texts.some((t) => /^[\x20-\x7e’]+$/.test(t)),
        `${c} in English`,
      ).toBe(true);
      expect(
        texts.some((t) => traditional.test(t)),
        `${c} in traditional Chinese`,
      ).toBe(true);
      expect(
        texts.some((t) => /[\u4e00-\u9fff]/.test(t) && !traditional.test(t)),
        `${c} in simplified`,
      ).toBe(true);
    }
  });

  it("is classified with category accuracy ≥ 0.9 and severity ≥ 0.85", () => {
    const report = evaluate(items);
    const summary = formatReport(report);
    expect(report.fields.category.accuracy, summary).toBeGreaterThanOrEqual(0.9);
    expect(report.fields.severity.accuracy, summary).toBeGreaterThanOrEqual(0.85);
  });
});
