// Applying a classification to a case: first time, no change, and a change later on.
import { describe, expect, it } from "vitest";
import { parcelDamaged } from "#events/index.ts";
import { DEFAULT_CALENDAR } from "#shared/domain/business-time.ts";
import type { Case } from "#shared/domain/case.ts";
import { withClassification } from "#shared/domain/case-classification.ts";
import { classifyEventCase } from "#shared/domain/classify-event.ts";
import { caseFromUpstreamEvent } from "#shared/domain/open-case.ts";

const opened = caseFromUpstreamEvent(
  "Parcel Damaged",
  { ...parcelDamaged.example, declaredValue: 100 },
  new Date("2026-11-23T02:00:00Z"), // Monday 10:00 in Shanghai
) as Case;
const classify = (c: Case) =>
  classifyEventCase({
    category: c.category,
    customerTier: c.customer.tier,
    ...(c.facts.declaredValue !== undefined ? { declaredValue: c.facts.declaredValue } : {}),
  });

describe("withClassification", () => {
  it("classifies a new case once, with SLA deadlines from when it opened", () => {
    const at = "2026-11-23T02:00:01.000Z";
    const first = withClassification(opened, classify(opened), at, DEFAULT_CALENDAR) as Case;
    expect(first).toMatchObject({ severity: "general", priority: "urgent", classifiedAt: at });
    expect(first.reclassifiedAt).toBeUndefined();
    expect(first.sla.firstResponseDue).toBe("2026-11-23T02:15:00.000Z");
    expect(
      withClassification(first, classify(first), "2026-11-23T03:00:00Z", DEFAULT_CALENDAR),
    ).toBeNull();
  });

  it("records a later change as a reclassification and keeps the first classification time", () => {
    const first = withClassification(
      opened,
      classify(opened),
      "2026-11-23T02:00:01.000Z",
      DEFAULT_CALENDAR,
    ) as Case;
    const richer: Case = { ...first, facts: { ...first.facts, declaredValue: 900 } };
    const later = "2026-11-23T04:00:00.000Z";
    const again = withClassification(richer, classify(richer), later, DEFAULT_CALENDAR) as Case;
    expect(again).toMatchObject({
      severity: "severe",
      classifiedAt: "2026-11-23T02:00:01.000Z",
      reclassifiedAt: later,
      updatedAt: later,
    });
  });
});
