// The event contract: every example satisfies its schema, the schemas refuse what the contract
// forbids, and the committed catalog is what the definitions say.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCatalog } from "#events/catalog.ts";
import { allEvents, deliveryAttemptFailed, parcelDamaged } from "#events/index.ts";

describe("event definitions", () => {
  it.each(allEvents.map((e) => [e.detailType, e] as const))(
    "%s: its example satisfies its schema",
    (_, event) => {
      expect(event.schema.safeParse(event.example).success).toBe(true);
    },
  );

  const valid = parcelDamaged.example;
  it.each([
    ["a 5-character waybill number", { ...valid, waybillNo: "SF123" }],
    ["a waybill number with a space", { ...valid, waybillNo: "SF 1234567" }],
    ["a timestamp without offset", { ...valid, occurredAt: "2026-11-22T10:00:00" }],
    ["an unknown customer tier", { ...valid, customer: { id: "c", tier: "gold" } }],
    ["no eventId", { ...valid, eventId: undefined }],
    ["a negative declared value", { ...valid, declaredValue: -1 }],
  ])("Parcel Damaged refuses %s", (_, detail) => {
    expect(parcelDamaged.schema.safeParse(detail).success).toBe(false);
  });

  it("refuses a failed attempt numbered 0", () => {
    expect(
      deliveryAttemptFailed.schema.safeParse({ ...deliveryAttemptFailed.example, attempt: 0 })
        .success,
    ).toBe(false);
  });

  it("keeps fields it does not know out of the parsed detail (forward compatible, nothing stored unvetted)", () => {
    const parsed = parcelDamaged.schema.parse({ ...valid, somethingNew: 1 }) as Record<
      string,
      unknown
    >;
    expect(parsed.somethingNew).toBeUndefined();
  });

  it("keeps personal data out of domain events", () => {
    for (const event of allEvents.filter((e) => e.kind === "domain")) {
      expect(JSON.stringify(event.example)).not.toMatch(/"(name|phone|address)"/);
    }
  });
});

describe("events/catalog.md", () => {
  it("is up to date (run `npm run catalog` after changing an event)", () => {
    const committed = readFileSync(new URL("../../../events/catalog.md", import.meta.url), "utf8");
    expect(committed).toBe(renderCatalog());
  });
});
