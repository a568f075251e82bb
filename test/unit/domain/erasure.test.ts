// What an erasure leaves of a case, a timeline entry and a merge of evidence: no name, phone or
// words; ids, codes, times and amounts kept; once erased, always erased, in any order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Case } from "#shared/domain/case.ts";
import { type CaseEvidence, mergeEvidence, sameEvidence } from "#shared/domain/case-evidence.ts";
import {
  ERASED,
  erasedCase,
  erasedEntryData,
  erasedFacts,
  mergedEntryPrefix,
} from "#shared/domain/erasure.ts";

const AT = "2026-12-01T02:00:00.000Z";

const base: Case = {
  caseId: "CS-AAAAAAAAAAAAAAAA",
  waybillNo: "SF1234567891",
  status: "resolved",
  category: "damage",
  severity: "general",
  priority: "urgent",
  feedbackType: "quality",
  team: "claims",
  assignee: "agent-claims-1",
  escalated: false,
  customer: { id: "cust-1", name: "Han Meimei", phone: "13987654321", tier: "vip" },
  source: "feedback",
  channel: "phone",
  sla: { firstResponseDue: null, resolutionDue: null, firstRespondedAt: null, breached: false },
  trigger: { detailType: "Customer Message", eventId: "msg-1", occurredAt: AT },
  facts: { declaredValue: 320, description: "Han Meimei 13987654321", outletId: "SH-PD-017" },
  createdAt: AT,
  updatedAt: AT,
  classifiedAt: AT,
  routedAt: AT,
  routeReason: "least-loaded-agent",
  text: "我是Han Meimei，电话13987654321",
  textSignals: ["complaint"],
  resolution: "paid; called 13987654321",
  waitingReason: null,
  correction: {
    by: "agent-claims-1",
    at: AT,
    severity: { from: "minor", to: "general" },
    text: "x",
  },
  version: 7,
};

describe("erasedCase", () => {
  it("drops the customer's name and phone and every word, and keeps the rest", () => {
    const erased = erasedCase(base, "cust-1", AT) as Case;
    expect(erased.customer).toEqual({
      id: "cust-1",
      name: null,
      phone: null,
      tier: "vip",
      erasedAt: AT,
    });
    expect(erased.text).toBe(ERASED);
    expect(erased.resolution).toBe(ERASED);
    expect(erased.waitingReason).toBeNull();
    expect(erased.facts).toEqual({
      declaredValue: 320,
      description: ERASED,
      outletId: "SH-PD-017",
    });
    expect(erased.correction?.text).toBeNull();
    expect(erased.correction?.severity).toEqual(base.correction?.severity);
    expect(erased).toMatchObject({ category: "damage", textSignals: ["complaint"], version: 7 });
    expect(JSON.stringify(erased)).not.toMatch(/Han Meimei|13987654321/);
  });

  it("is done once: erasing again changes nothing", () => {
    const erased = erasedCase(base, "cust-1", AT) as Case;
    expect(erasedCase(erased, "cust-1", "2027-01-01T00:00:00.000Z")).toBeNull();
  });

  it("erases the words but keeps the customer of a case that is another customer's", () => {
    const erased = erasedCase(base, "cust-2", AT) as Case;
    expect(erased.customer).toEqual(base.customer);
    expect(erased.text).toBe(ERASED);
  });
});

describe("erasedEntryData", () => {
  it.each([
    ["responded", { text: "call 139", first: true }, { text: ERASED, first: true }],
    ["waiting", { reason: "customer at 139" }, { reason: ERASED }],
    [
      "escalated",
      { reason: "manual", text: "words", level: 1 },
      { reason: "manual", text: ERASED, level: 1 },
    ],
    ["resolved", { resolution: "paid", late: false }, { resolution: ERASED, late: false }],
    [
      "follow-up-completed",
      { comment: "ok", result: "satisfied" },
      { comment: ERASED, result: "satisfied" },
    ],
    [
      "event-attached",
      { facts: { reason: "not home", attempt: 2 } },
      { facts: { reason: ERASED, attempt: 2 } },
    ],
  ])("erases the words of a %s entry", (kind, data, erased) => {
    expect(erasedEntryData(kind, data)).toEqual(erased);
  });

  it.each([
    ["queued", { reason: "no-agent-available", team: "claims" }],
    ["classified", { category: "damage" }],
    ["contact-read", { via: "case" }],
    ["responded", { text: ERASED }],
  ])("leaves a %s entry without words alone", (kind, data) => {
    expect(erasedEntryData(kind, data)).toBeNull();
  });

  it("names the entries a merge copied", () => {
    expect(mergedEntryPrefix("CS-A")).toBe("from#CS-A#");
  });
});

describe("mergeEvidence of an erased case", () => {
  const evidence = fc
    .record({
      eventId: fc.constantFrom("e-1", "e-2", "e-3"),
      at: fc.constantFrom("2026-11-23T01:00:00Z", "2026-11-23T02:00:00Z", "2026-11-23T03:00:00Z"),
      erasedAt: fc.option(fc.constantFrom("2026-12-01T00:00:00.000Z", "2026-12-02T00:00:00.000Z"), {
        nil: undefined,
      }),
    })
    .map((r): CaseEvidence => ({
      trigger: { detailType: "Parcel Damaged", eventId: r.eventId, occurredAt: r.at },
      customer: r.erasedAt
        ? { id: "cust-1", name: null, phone: null, tier: "regular", erasedAt: r.erasedAt }
        : { id: "cust-1", name: "Han Meimei", phone: "13987654321", tier: "regular" },
      facts: r.erasedAt
        ? erasedFacts({ description: "d" })
        : { description: `Han Meimei ${r.eventId}` },
    }));

  it("stays erased, whatever arrives and in whatever order: no name, phone or words come back", () => {
    fc.assert(
      fc.property(evidence, evidence, evidence, (a, b, c) => {
        fc.pre(new Set([a, b, c].map((e) => e.trigger.eventId)).size === 3);
        const merged = mergeEvidence(mergeEvidence(a, b), c);
        expect(sameEvidence(merged, mergeEvidence(a, mergeEvidence(b, c)))).toBe(true);
        expect(sameEvidence(mergeEvidence(a, b), mergeEvidence(b, a))).toBe(true);
        const erasedAts = [a, b, c].flatMap((e) =>
          e.customer.erasedAt ? [e.customer.erasedAt] : [],
        );
        if (erasedAts.length === 0) return;
        expect(merged.customer).toMatchObject({
          name: null,
          phone: null,
          erasedAt: erasedAts.sort()[0],
        });
        expect(JSON.stringify(merged)).not.toContain("Han Meimei");
      }),
    );
  });
});
