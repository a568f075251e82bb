// A delivery exception becomes a classified, assigned case — through the real handlers,
// the real EventBridge SDK client and the HTTP API, on the embedded DynamoDB.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

const casesOf = local.casesOf;

describe("a Parcel Damaged event", () => {
  it("becomes a damage case assigned to a claims agent, visible by waybill", async () => {
    const waybillNo = newWaybill();
    const [entry] = await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(waybillNo) },
    ]);
    expect(entry?.EventId).toBeTruthy();
    await local.system.runtime.idle();

    const [found, ...others] = await casesOf(waybillNo);
    expect(others).toHaveLength(0);
    expect(found).toMatchObject({
      waybillNo,
      status: "assigned",
      category: "damage",
      severity: "general",
      priority: "urgent",
      feedbackType: "quality",
      team: "claims",
      source: "event",
      escalated: false,
      customer: { id: "cust-1002", phone: "139****4321", tier: "regular" },
    });
    expect(found.assignee).toMatch(/^agent-claims-/);
    expect(found.sla.firstResponseDue).toEqual(expect.any(String));
    expect(found.sla.resolutionDue).toEqual(expect.any(String));
    expect(found.customer.name).toBe("H*********");
  });

  it("of 500 CNY declared value or more is severe", async () => {
    const waybillNo = newWaybill();
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(waybillNo, { declaredValue: 500 }) },
    ]);
    await local.system.runtime.idle();
    expect((await casesOf(waybillNo))[0]).toMatchObject({ severity: "severe", priority: "urgent" });
  });
});

describe("deduplication", () => {
  it("keeps no copy of the customer's data on the open-case guard once the case exists", async () => {
    const waybillNo = newWaybill();
    await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(waybillNo) }]);
    await local.system.runtime.idle();
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: "cases",
        Key: { pk: `WAYBILL#${waybillNo}`, sk: "OPEN#damage" },
      }),
    );
    expect(Item?.caseId).toMatch(/^CS-/);
    expect(JSON.stringify(Item)).not.toMatch(/Han Meimei|13987654321/);
  });

  it("keeps one case when the same event is sent twice", async () => {
    const waybillNo = newWaybill();
    const detail = damaged(waybillNo);
    await local.system.publish([{ detailType: "Parcel Damaged", detail }]);
    await local.system.publish([{ detailType: "Parcel Damaged", detail }]);
    await local.system.runtime.idle();
    expect(await casesOf(waybillNo)).toHaveLength(1);
  });

  it("attaches a second event about the same waybill and problem to the open case", async () => {
    const waybillNo = newWaybill();
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(waybillNo, { eventId: `${waybillNo}-a` }) },
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, {
          eventId: `${waybillNo}-b`,
          occurredAt: "2026-11-23T11:00:00+08:00",
        }),
      },
    ]);
    await local.system.runtime.idle();
    const cases = await casesOf(waybillNo);
    expect(cases).toHaveLength(1);
  });

  it("opens separate cases for different problems of one waybill", async () => {
    const waybillNo = newWaybill();
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(waybillNo) },
      {
        detailType: "Parcel Delayed",
        detail: {
          ...damaged(waybillNo, { eventId: `${waybillNo}-late` }),
          promisedAt: "2026-11-23T18:00:00+08:00",
        },
      },
    ]);
    await local.system.runtime.idle();
    const categories = (await casesOf(waybillNo)).map((c) => c.category).sort();
    expect(categories).toEqual(["damage", "delay"]);
  });
});

describe("rejected events", () => {
  it("sends a schema-invalid event to the intake DLQ with its reason, and processes the others", async () => {
    const good = newWaybill();
    const alsoGood = newWaybill();
    const bad = damaged(newWaybill(), {
      eventId: "evt-bad-tier",
      customer: { id: "c-9", tier: "gold" },
    });
    const entries = await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(good) },
      { detailType: "Parcel Damaged", detail: bad },
      { detailType: "Parcel Damaged", detail: damaged(alsoGood) },
    ]);
    expect(entries.every((e) => e.EventId)).toBe(true);
    await local.system.runtime.idle();

    expect(await casesOf(good)).toHaveLength(1);
    expect(await casesOf(alsoGood)).toHaveLength(1);
    const dead = local.system.runtime.queues.get("intake")?.deadLetters.messages ?? [];
    const rejected = dead.find((m) => JSON.parse(m.body).detail.eventId === "evt-bad-tier");
    expect(rejected?.messageAttributes.rejectionReason).toMatch(/customer\.tier/);
  });

  it("answers a malformed PutEvents entry with its error and accepts the rest", async () => {
    const waybillNo = newWaybill();
    const response = await fetch(local.system.url, {
      method: "POST",
      headers: {
        "x-amz-target": "AWSEvents.PutEvents",
        "content-type": "application/x-amz-json-1.1",
      },
      body: JSON.stringify({
        Entries: [
          {
            EventBusName: "courier-service",
            Source: "courier.orders",
            DetailType: "Parcel Damaged",
            Detail: "{not json",
          },
          {
            EventBusName: "courier-service",
            Source: "courier.orders",
            DetailType: "Parcel Damaged",
            Detail: JSON.stringify(damaged(waybillNo)),
          },
        ],
      }),
    });
    const body = (await response.json()) as {
      FailedEntryCount: number;
      Entries: Record<string, string>[];
    };
    expect(body.FailedEntryCount).toBe(1);
    expect(body.Entries[0]).toMatchObject({ ErrorCode: "MalformedDetail" });
    expect(body.Entries[1]?.EventId).toBeTruthy();
    await local.system.runtime.idle();
    expect(await casesOf(waybillNo)).toHaveLength(1);
  });
});

describe("events that open cases only sometimes", () => {
  it("opens a delay case from the second failed delivery attempt, not the first", async () => {
    const waybillNo = newWaybill();
    const attempt = (n: number) => ({
      ...damaged(waybillNo, { eventId: `${waybillNo}-attempt-${n}` }),
      attempt: n,
    });
    await local.system.publish([{ detailType: "Delivery Attempt Failed", detail: attempt(1) }]);
    await local.system.runtime.idle();
    expect(await casesOf(waybillNo)).toHaveLength(0);

    await local.system.publish([{ detailType: "Delivery Attempt Failed", detail: attempt(2) }]);
    await local.system.runtime.idle();
    expect(await casesOf(waybillNo)).toMatchObject([{ category: "delay", team: "delivery-ops" }]);
  });

  it("opens no case for a delivered parcel", async () => {
    const waybillNo = newWaybill();
    await local.system.publish([
      {
        detailType: "Parcel Delivered",
        detail: { ...damaged(waybillNo), deliveredAt: "2026-11-23T12:00:00+08:00" },
      },
    ]);
    await local.system.runtime.idle();
    expect(await casesOf(waybillNo)).toHaveLength(0);
  });
});
