// A case's evidence is a function of the set of its events: any order, any repeats, same case.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CaseEvidence,
  compareTriggers,
  mergeEvidence,
  sameEvidence,
} from "#shared/domain/case-evidence.ts";

const evidence = (
  eventId: string,
  occurredAt: string,
  extra: { declaredValue?: number; tier?: "vip" | "regular"; name?: string } = {},
): CaseEvidence => ({
  trigger: { detailType: "Parcel Damaged", eventId, occurredAt },
  customer: { id: "cust-1", name: extra.name ?? null, phone: null, tier: extra.tier ?? "regular" },
  facts: {
    description: `report ${eventId}`,
    ...(extra.declaredValue !== undefined ? { declaredValue: extra.declaredValue } : {}),
  },
});

const arbitraryEvidence = fc
  .record({
    eventId: fc.constantFrom("e-1", "e-2", "e-3", "e-4"),
    // Few distinct instants, written with different offsets: ties and equal instants happen.
    at: fc.constantFrom(
      "2026-11-23T10:00:00+08:00",
      "2026-11-23T02:00:00Z",
      "2026-11-23T11:00:00+08:00",
      "2026-11-23T01:00:00Z",
    ),
    declaredValue: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
    tier: fc.constantFrom("vip" as const, "regular" as const),
    name: fc.constantFrom("Li Lei", "Han Meimei"),
  })
  .map((r) => evidence(r.eventId, r.at, r));

const fold = (items: readonly CaseEvidence[]) =>
  items.slice(1).reduce(mergeEvidence, items[0] as CaseEvidence);

describe("mergeEvidence", () => {
  it("takes the earliest event as the trigger, with its customer and facts", () => {
    const late = evidence("e-9", "2026-11-23T12:00:00+08:00", { name: "Late" });
    const early = evidence("e-5", "2026-11-23T03:00:00Z", { name: "Early" }); // 11:00 +08:00
    const merged = mergeEvidence(late, early);
    expect(merged.trigger.eventId).toBe("e-5");
    expect(merged.customer.name).toBe("Early");
    expect(merged.facts.description).toBe("report e-5");
  });

  it("breaks a tie of the same instant by event id, whatever the offset it was written in", () => {
    const a = evidence("e-2", "2026-11-23T10:00:00+08:00");
    const b = evidence("e-1", "2026-11-23T02:00:00Z");
    expect(compareTriggers(a.trigger, b.trigger)).toBeGreaterThan(0);
    expect(mergeEvidence(a, b).trigger.eventId).toBe("e-1");
    expect(mergeEvidence(b, a).trigger.eventId).toBe("e-1");
  });

  it("keeps the highest declared value and VIP when any event said so", () => {
    const first = evidence("e-1", "2026-11-23T01:00:00Z", { declaredValue: 120 });
    const later = evidence("e-2", "2026-11-23T05:00:00Z", { declaredValue: 800, tier: "vip" });
    const merged = mergeEvidence(first, later);
    expect(merged.trigger.eventId).toBe("e-1");
    expect(merged.facts.declaredValue).toBe(800);
    expect(merged.customer.tier).toBe("vip");
  });

  it("gives the same evidence for any order and any repeats of the same events", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryEvidence, { minLength: 1, maxLength: 8 }),
        fc.integer(),
        (items, seed) => {
          const shuffled = [...items, ...items.slice(0, 3)].sort(
            (x, y) => (hash(x.trigger.eventId + seed) - hash(y.trigger.eventId + seed)) | 0 || 0,
          );
          // Events with one id are one event: the arbitrary must not give one id two contents.
          const byId = new Map(items.map((e) => [e.trigger.eventId, e]));
          const unique = [...byId.values()];
          const once = fold(unique);
          const again = fold(shuffled.map((e) => byId.get(e.trigger.eventId) as CaseEvidence));
          expect(sameEvidence(once, again)).toBe(true);
        },
      ),
    );
  });

  it("is commutative, associative and idempotent", () => {
    fc.assert(
      fc.property(arbitraryEvidence, arbitraryEvidence, arbitraryEvidence, (a, b, c) => {
        fc.pre(distinctIds(a, b, c));
        expect(sameEvidence(mergeEvidence(a, b), mergeEvidence(b, a))).toBe(true);
        expect(
          sameEvidence(
            mergeEvidence(mergeEvidence(a, b), c),
            mergeEvidence(a, mergeEvidence(b, c)),
          ),
        ).toBe(true);
        expect(sameEvidence(mergeEvidence(a, a), a)).toBe(true);
      }),
    );
  });

  it("tells a change from a repeat", () => {
    const a = evidence("e-1", "2026-11-23T01:00:00Z", { declaredValue: 100 });
    expect(sameEvidence(mergeEvidence(a, a), a)).toBe(true);
    const higher = evidence("e-2", "2026-11-23T02:00:00Z", { declaredValue: 900 });
    expect(sameEvidence(mergeEvidence(a, higher), a)).toBe(false);
  });
});

function distinctIds(...items: CaseEvidence[]): boolean {
  return new Set(items.map((e) => e.trigger.eventId)).size === items.length;
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h;
}
