// A delivery event becomes a new case that keeps what later analysis needs.
import { describe, expect, it } from "vitest";
import { parcelDamaged, parcelDelivered, deliveryAttemptFailed } from "#events/index.ts";
import { classificationOf } from "#shared/adapters/case-announcements.ts";
import type { Case } from "#shared/domain/case.ts";
import { caseFromUpstreamEvent } from "#shared/domain/open-case.ts";

const now = new Date("2026-11-22T03:00:00Z");

describe("caseFromUpstreamEvent", () => {
  it("opens a new damage case with the customer and the facts of the event", () => {
    const opened = caseFromUpstreamEvent("Parcel Damaged", parcelDamaged.example, now);
    expect(opened).toMatchObject({
      waybillNo: parcelDamaged.example.waybillNo,
      status: "new",
      category: "damage",
      source: "event",
      assignee: null,
      customer: { id: "cust-1002", name: "Han Meimei", phone: "13987654321", tier: "regular" },
      facts: {
        declaredValue: 320,
        outletId: "SH-PD-017",
        courierId: "courier-88",
        region: "Shanghai",
      },
      trigger: { detailType: "Parcel Damaged", eventId: parcelDamaged.example.eventId },
      createdAt: now.toISOString(),
      version: 1,
    });
  });

  it("gives the same case id to the same event", () => {
    const a = caseFromUpstreamEvent("Parcel Damaged", parcelDamaged.example, now);
    const b = caseFromUpstreamEvent("Parcel Damaged", parcelDamaged.example, new Date());
    expect(a?.caseId).toBe(b?.caseId);
  });

  it("opens no case for a delivery or a first failed attempt", () => {
    expect(caseFromUpstreamEvent("Parcel Delivered", parcelDelivered.example, now)).toBeNull();
    expect(
      caseFromUpstreamEvent(
        "Delivery Attempt Failed",
        { ...deliveryAttemptFailed.example, attempt: 1 },
        now,
      ),
    ).toBeNull();
  });

  it("keeps what the words of the description signal; the event type keeps the category", () => {
    const threatened = caseFromUpstreamEvent(
      "Parcel Damaged",
      {
        ...parcelDamaged.example,
        description: "客户称再不赔偿就向邮政管理局投诉",
        declaredValue: 80,
      },
      now,
    );
    expect(threatened).toMatchObject({ category: "damage", confidence: 1 });
    expect(threatened?.textSignals).toEqual(
      expect.arrayContaining(["complaint", "outside-escalation"]),
    );
    expect(classificationOf(threatened as Case)).toMatchObject({
      category: "damage",
      severity: "severe",
      priority: "urgent",
    });

    const plain = caseFromUpstreamEvent(
      "Parcel Damaged",
      { ...parcelDamaged.example, description: "外箱轻微破损，没有投诉", declaredValue: 80 },
      now,
    );
    expect(plain?.textSignals).toEqual([]);
    expect(classificationOf(plain as Case).severity).toBe("general");
  });

  it("records the acceptance time from the event's occurrence to the case", () => {
    const opened = caseFromUpstreamEvent(
      "Parcel Lost",
      { ...parcelDamaged.example, occurredAt: "2026-11-22T10:59:30+08:00" },
      now,
    );
    expect(opened?.acceptance).toEqual({
      receivedAt: "2026-11-22T02:59:30.000Z",
      acceptedAt: now.toISOString(),
      seconds: 30,
    });
  });
});
