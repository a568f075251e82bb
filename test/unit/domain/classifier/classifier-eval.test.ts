// The CLI's logic (infra/cli/classifier-eval.ts): input validation, output lines, and the
// evaluation math — accuracy per field, confusion tables, misclassified lines.
import { describe, expect, it } from "vitest";
import {
  confusion,
  type EvalItem,
  evaluate,
  formatReport,
  InputLine,
  type LabelledLine,
  parseLine,
  processLine,
} from "#infra/cli/classifier-eval.ts";
import type { MessageClassification } from "#shared/domain/classifier/index.ts";

describe("input lines", () => {
  it("classifies a valid line into the contract's output", () => {
    const r = processLine(
      JSON.stringify({ text: "快递丢了", channel: "phone", context: { customerTier: "vip" } }),
      1,
    );
    expect(r?.ok).toBe(true);
    expect(JSON.parse(r!.out)).toEqual({
      category: "loss",
      severity: "severe",
      priority: "urgent",
      feedbackType: "quality",
      confidence: expect.any(Number),
    });
  });

  it("skips blank lines", () => {
    expect(processLine("   ", 3)).toBeNull();
  });

  it.each([
    ['{"channel":"phone"}', "line 4: text: "],
    ['{"text":"x","channel":"fax"}', "line 4: channel: "],
    ['{"text":"x","context":{"declaredValue":-1}}', "line 4: context.declaredValue: "],
    ['{"text":"x","context":{"customerTier":"gold"}}', "line 4: context.customerTier: "],
    ["not json", "line 4: (line): not valid JSON"],
    ["[1,2]", "line 4: (line): "],
  ])("reports %s as an error naming the line and the field", (line, prefix) => {
    const r = processLine(line, 4);
    expect(r?.ok).toBe(false);
    expect(JSON.parse(r!.out).error).toMatch(new RegExp(`^${prefix.replace(/[().]/g, "\\$&")}`));
  });

  it("accepts unknown fields", () => {
    expect(parseLine(InputLine, '{"text":"hi","extra":1}', 1).ok).toBe(true);
  });
});

describe("evaluation", () => {
  const line = (text: string, expected: LabelledLine["expected"]): LabelledLine => ({
    text,
    expected,
  });
  const got = (c: Partial<MessageClassification>): MessageClassification => ({
    category: "other",
    severity: "minor",
    priority: "routine",
    feedbackType: "other",
    reasons: [],
    confidence: 0.5,
    signals: [],
    ...c,
  });
  const items: EvalItem[] = [
    {
      lineNo: 1,
      line: line("a", { category: "delay", severity: "general", feedbackType: "service" }),
    },
    {
      lineNo: 2,
      line: line("b", {
        category: "delay",
        severity: "general",
        feedbackType: "service",
        priority: "high",
      }),
    },
    {
      lineNo: 3,
      line: line("c", {
        category: "loss",
        severity: "severe",
        feedbackType: "quality",
        priority: "urgent",
      }),
    },
    {
      lineNo: 5,
      line: line("d", { category: "inquiry", severity: "minor", feedbackType: "other" }),
    },
  ];
  const answers: Record<string, MessageClassification> = {
    a: got({ category: "delay", severity: "general", feedbackType: "service", priority: "high" }),
    b: got({
      category: "information",
      severity: "general",
      feedbackType: "service",
      priority: "high",
    }),
    c: got({ category: "loss", severity: "severe", feedbackType: "quality", priority: "urgent" }),
    d: got({ category: "inquiry", severity: "general", feedbackType: "other" }),
  };
  const report = evaluate(items, (input) => answers[input.text]!);

  it("counts accuracy per field, priority only where labelled", () => {
    expect(report.total).toBe(4);
    expect(report.fields.category).toEqual({ correct: 3, total: 4, accuracy: 0.75 });
    expect(report.fields.severity).toEqual({ correct: 3, total: 4, accuracy: 0.75 });
    expect(report.fields.feedbackType).toEqual({ correct: 4, total: 4, accuracy: 1 });
    expect(report.fields.priority).toEqual({ correct: 2, total: 2, accuracy: 1 });
  });

  it("builds confusion tables with rows expected and columns predicted", () => {
    const { labels, counts } = report.confusion.category;
    const at = (e: string, g: string) =>
      counts[labels.indexOf(e as never)]![labels.indexOf(g as never)];
    expect(at("delay", "delay")).toBe(1);
    expect(at("delay", "information")).toBe(1);
    expect(at("information", "delay")).toBe(0);
    expect(at("loss", "loss")).toBe(1);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.confusion.severity.counts).toEqual([
      [1, 0, 0],
      [0, 2, 0],
      [0, 1, 0],
    ]);
  });

  it("lists the misclassified lines with the fields that are wrong", () => {
    expect(report.misclassified.map((m) => [m.lineNo, m.fields])).toEqual([
      [2, ["category"]],
      [5, ["severity"]],
    ]);
  });

  it("ignores labels outside the table and handles an empty set", () => {
    expect(confusion(["a", "b"], [["a", "c" as "a"]]).counts).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const empty = evaluate([]);
    expect(empty.fields.category.accuracy).toBeNull();
    expect(formatReport(empty)).toMatch(/^0 labelled lines/);
  });

  it("prints accuracies, both tables and the misclassified lines, truncated to 60 characters", () => {
    const long = "很".repeat(80);
    const printed = formatReport(
      evaluate(
        [
          {
            lineNo: 9,
            line: line(long, { category: "delay", severity: "general", feedbackType: "service" }),
          },
        ],
        () => got({}),
      ),
    );
    expect(printed).toContain("category        0.0 %  (0/1)");
    expect(printed).toContain("category (rows expected, columns predicted)");
    expect(printed).toContain("severity (rows expected, columns predicted)");
    expect(printed).toContain(`line 9: expected delay/general/service, got other/minor/other`);
    expect(printed).toContain("很".repeat(60) + "…");
    expect(printed).not.toContain("很".repeat(61));
    expect(printed).not.toMatch(/^priority/m);
  });
});
