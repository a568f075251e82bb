// Later events about an open case change what it is known to be, whatever order they come in;
// an eventId reused for different content is refused, not taken for a repeat.
import { GetCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { assignCase } from "#functions/assignment/assign-case.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

async function timeline(caseId: string) {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: "cases",
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :tl)",
      ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":tl": "TL#" },
    }),
  );
  return Items ?? [];
}

describe("an attached event", () => {
  it("with a higher declared value makes the case severe, with a timeline entry", async () => {
    const waybillNo = newWaybill("AT");
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(waybillNo, { declaredValue: 120 }) },
    ]);
    await local.system.runtime.idle();
    expect((await local.casesOf(waybillNo))[0]).toMatchObject({ severity: "general" });

    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, {
          eventId: `evt-${waybillNo}-second`,
          occurredAt: "2026-11-23T12:00:00+08:00",
          declaredValue: 900,
        }),
      },
    ]);
    await local.system.runtime.idle();
    const [c, ...others] = await local.casesOf(waybillNo);
    expect(others).toHaveLength(0);
    expect(c).toMatchObject({
      severity: "severe",
      priority: "urgent",
      facts: { declaredValue: 900 },
      trigger: { eventId: `evt-${waybillNo}-damaged` }, // still the earliest event
    });
    const entries = await timeline(c.caseId);
    expect(entries.find((e) => e.kind === "reclassified")).toMatchObject({
      data: { from: { severity: "general" }, to: { severity: "severe" } },
    });
    // Severe after it was routed: the supervisors hear of it as of one severe from the start.
    expect(c).toMatchObject({ escalated: true, escalationLevel: 1 });
    expect(entries.filter((e) => e.sk.includes("#escalated#severe"))).toHaveLength(1);

    // The case changes again, then assignment's messages come again (a crash after a save):
    // the escalation is announced with the instant it was made, so no second entry appears.
    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, { eventId: `evt-${waybillNo}-third`, declaredValue: 950 }),
      },
    ]);
    await local.system.runtime.idle();
    await assignCase(c.caseId);
    await assignCase(c.caseId, { retryQueued: true });
    const again = await timeline(c.caseId);
    expect(again.filter((e) => e.sk.includes("#escalated#severe"))).toHaveLength(1);
  });

  it("that makes a case waiting in the team queue severe reaches the supervisors too", async () => {
    const admin = await local.system.token("admin-1", ["admins"]);
    const shift = (onShift: boolean) =>
      Promise.all(
        ["agent-claims-1", "agent-claims-2"].map(async (agentId) => {
          const response = await local.system.request("PATCH", `/v1/agents/${agentId}`, {
            token: admin,
            body: { onShift },
          });
          expect(response.status).toBe(200);
        }),
      );
    const waybillNo = newWaybill("ATQ");
    await shift(false);
    try {
      await local.system.publish([
        { detailType: "Parcel Damaged", detail: damaged(waybillNo, { declaredValue: 120 }) },
      ]);
      await local.system.runtime.idle();
      expect((await local.casesOf(waybillNo))[0]).toMatchObject({
        status: "queued",
        severity: "general",
        escalated: false,
      });
      await local.system.publish([
        {
          detailType: "Parcel Damaged",
          detail: damaged(waybillNo, { eventId: `evt-${waybillNo}-second`, declaredValue: 900 }),
        },
      ]);
      await local.system.runtime.idle();
      const [c] = await local.casesOf(waybillNo);
      expect(c).toMatchObject({ status: "queued", severity: "severe", escalationLevel: 1 });
      const entries = await timeline(c.caseId);
      expect(entries.filter((e) => e.sk.includes("#escalated#severe"))).toHaveLength(1);
    } finally {
      await shift(true);
      await local.system.runtime.idle();
    }
  });

  it("that happened before the resolution and makes the case severe reaches the supervisors", async () => {
    const waybillNo = newWaybill("ATR");
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: damaged(waybillNo, { declaredValue: 120 }) },
    ]);
    await local.system.runtime.idle();
    const [opened] = await local.casesOf(waybillNo);
    const supervisor = await local.system.token("sup-claims", ["supervisors"]);
    const resolved = await local.act(opened.caseId, "resolve", supervisor, {
      resolution: "赔付已完成",
    });
    expect(resolved.status).toBe(200);
    // An event from before the resolution, with a value that makes the case severe, comes late.
    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, {
          eventId: `evt-${waybillNo}-late`,
          occurredAt: opened.trigger.occurredAt,
          declaredValue: 900,
        }),
      },
    ]);
    await local.system.runtime.idle();
    const [c, ...others] = await local.casesOf(waybillNo);
    expect(others).toHaveLength(0);
    expect(c).toMatchObject({ status: "resolved", severity: "severe", escalationLevel: 1 });
    const entries = await timeline(c.caseId);
    expect(entries.filter((e) => e.sk.includes("#escalated#severe"))).toHaveLength(1);
  });

  it("that happened earlier becomes the case's trigger, and a VIP flag is kept", async () => {
    const waybillNo = newWaybill("AT");
    await local.system.publish([
      {
        detailType: "Parcel Delayed",
        detail: delayed(waybillNo, "late", "2026-11-23T15:00:00+08:00"),
      },
    ]);
    await local.system.runtime.idle();
    await local.system.publish([
      {
        detailType: "Parcel Delayed",
        detail: {
          ...delayed(waybillNo, "early", "2026-11-23T09:00:00+08:00"),
          customer: { id: "cust-7", tier: "vip" },
        },
      },
    ]);
    await local.system.runtime.idle();
    const [c] = await local.casesOf(waybillNo);
    expect(c).toMatchObject({
      trigger: { eventId: `evt-${waybillNo}-early` },
      customer: { tier: "vip" },
      severity: "severe",
      priority: "urgent",
    });
  });

  it("sent again changes nothing", async () => {
    const waybillNo = newWaybill("AT");
    const first = damaged(waybillNo);
    const second = damaged(waybillNo, { eventId: `evt-${waybillNo}-2`, declaredValue: 700 });
    await local.system.publish([{ detailType: "Parcel Damaged", detail: first }]);
    await local.system.publish([{ detailType: "Parcel Damaged", detail: second }]);
    await local.system.runtime.idle();
    const [before] = await local.casesOf(waybillNo);
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: second },
      { detailType: "Parcel Damaged", detail: first },
    ]);
    await local.system.runtime.idle();
    const [after] = await local.casesOf(waybillNo);
    expect(after.version).toBe(before.version);
    expect(after.severity).toBe("severe");
  });
});

describe("an eventId reused with different content", () => {
  it("goes to the intake DLQ with that reason and leaves the case as it was", async () => {
    const waybillNo = newWaybill("RU");
    const original = damaged(waybillNo, { declaredValue: 100 });
    await local.system.publish([{ detailType: "Parcel Damaged", detail: original }]);
    await local.system.runtime.idle();
    const [before] = await local.casesOf(waybillNo);

    await local.system.publish([
      { detailType: "Parcel Damaged", detail: { ...original, declaredValue: 5000 } },
    ]);
    await local.system.runtime.idle();
    const dead = local.system.runtime.queues.get("intake")?.deadLetters.messages ?? [];
    const letter = dead.find((d) => d.body.includes(waybillNo));
    expect(letter?.reason).toBe("eventId reused with different content");
    const [after] = await local.casesOf(waybillNo);
    expect(after).toMatchObject({ severity: before.severity, version: before.version });
  });
});

/** Records in the idempotency table (a test may Scan; no request or event path does). */
async function idempotencyRecords(): Promise<number> {
  const { Count } = await dynamoDocumentClient().send(
    new ScanCommand({ TableName: "idempotency", Select: "COUNT" }),
  );
  return Count ?? 0;
}

describe("a Parcel Delivered eventId", () => {
  const delivered = (waybillNo: string, deliveredAt: string) => ({
    ...damaged(waybillNo),
    eventId: `evt-${waybillNo}-delivered`,
    deliveredAt,
  });

  it("keeps no idempotency record, and the same event again changes nothing", async () => {
    const waybillNo = newWaybill("PD");
    const event = delivered(waybillNo, "2026-11-23T12:00:00+08:00");
    await local.system.runtime.idle();
    const recordsBefore = await idempotencyRecords();
    await local.system.publish([{ detailType: "Parcel Delivered", detail: event }]);
    await local.system.runtime.idle();
    expect(await idempotencyRecords()).toBe(recordsBefore);
    const record = { TableName: "cases", Key: { pk: `WAYBILL#${waybillNo}`, sk: "DELIVERED" } };
    const before = (await dynamoDocumentClient().send(new GetCommand(record))).Item;
    expect(before).toMatchObject({ eventId: event.eventId });

    await local.system.publish([{ detailType: "Parcel Delivered", detail: event }]);
    await local.system.runtime.idle();
    const dead = local.system.runtime.queues.get("intake")?.deadLetters.messages ?? [];
    expect(dead.find((d) => d.body.includes(waybillNo))).toBeUndefined();
    expect((await dynamoDocumentClient().send(new GetCommand(record))).Item).toEqual(before);
  });

  it("reused with another delivery time goes to the intake DLQ with the reason", async () => {
    const waybillNo = newWaybill("PR");
    await local.system.publish([
      { detailType: "Parcel Delivered", detail: delivered(waybillNo, "2026-11-23T12:00:00+08:00") },
    ]);
    await local.system.runtime.idle();
    // Earlier than the one on record: a later time would be taken for the next delivery.
    await local.system.publish([
      { detailType: "Parcel Delivered", detail: delivered(waybillNo, "2026-11-23T09:00:00+08:00") },
    ]);
    await local.system.runtime.idle();
    const dead = local.system.runtime.queues.get("intake")?.deadLetters.messages ?? [];
    const letter = dead.find((d) => d.body.includes(waybillNo));
    expect(letter?.reason).toBe("eventId reused with different content");
  });
});

function delayed(waybillNo: string, suffix: string, occurredAt: string) {
  return {
    eventId: `evt-${waybillNo}-${suffix}`,
    waybillNo,
    occurredAt,
    customer: { id: "cust-7", tier: "regular" },
    promisedAt: "2026-11-22T18:00:00+08:00",
  };
}
