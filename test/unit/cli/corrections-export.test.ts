// The corrections export: which days it reads, and the labelled line it prints.
import { describe, expect, it } from "vitest";
import { correctionDays, exportLine } from "#infra/cli/corrections-export.ts";
import type { CorrectionRecord } from "#shared/adapters/case-store.ts";
import { maskFreeText } from "#shared/domain/masking.ts";

describe("the days of an export", () => {
  it("runs from --since to --until, both included, across a month end", () => {
    expect(correctionDays("2026-11-29", "2026-12-02")).toEqual([
      "2026-11-29",
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
    ]);
  });

  it.each([
    [undefined, "2026-12-01", /--since needs a date/],
    ["2026-02-30", "2026-12-01", /--since needs a date/],
    ["2026-12-02", "2026-12-01", /before --since/],
    ["2020-01-01", "2026-12-01", /At most 400 days/],
  ])("refuses since %s until %s", (since, until, message) => {
    expect(() => correctionDays(since, until)).toThrow(message);
  });
});

describe("a line of the export", () => {
  const record: CorrectionRecord = {
    caseId: "CS-AAAAAAAAAAAAAAAA",
    version: 4,
    at: "2026-12-01T02:00:00.000Z",
    by: "agent-care-1",
    text: "请回电 13812345678，包裹三天没更新",
    channel: "phone",
    context: { customerTier: "vip", declaredValue: 800 },
    from: { category: "delay", severity: "general" },
    expected: { category: "information", severity: "severe", feedbackType: "service" },
  };

  it("is a labelled sample with the phone number masked", () => {
    expect(exportLine(record, maskFreeText)).toEqual({
      text: "请回电 138****5678，包裹三天没更新",
      channel: "phone",
      context: { customerTier: "vip", declaredValue: 800 },
      expected: { category: "information", severity: "severe", feedbackType: "service" },
      was: { category: "delay", severity: "general" },
      caseId: "CS-AAAAAAAAAAAAAAAA",
      correctedBy: "agent-care-1",
      correctedAt: "2026-12-01T02:00:00.000Z",
    });
  });

  it("is left out when the correction concerned no text (an event without description)", () => {
    expect(exportLine({ ...record, text: null }, maskFreeText)).toBeNull();
  });
});

describe("masking free text", () => {
  it("masks phone numbers, ID numbers and e-mail addresses, and keeps the rest", () => {
    expect(maskFreeText("call +86 138-1234-5678 or mail li.lei@example.com, order 12345")).toBe(
      "call +86 138-****-5678 or mail l***@example.com, order 12345",
    );
    expect(maskFreeText("身份证 110101199003071234 已提供")).toBe(
      "身份证 **************1234 已提供",
    );
  });
});
