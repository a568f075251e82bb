// The KPI aggregator takes its batch at once (bus-event-consumer.ts `handleBatch`): in one
// batch, a message that is not an event goes to the DLQ with its reason, an event of another
// type is acknowledged and ignored, one that cannot be counted yet (its case is not there) is
// retried until the DLQ takes it, and the others are counted, once, whatever else is in there.
import "./quiet.ts";
import { describe, expect, it } from "vitest";
import { caseClassified } from "#events/index.ts";
import { totalsByKey } from "#shared/adapters/kpi-store.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();
const DAY = "2032-05-05"; // a day no other test counts in
const MISSING_CASE = "CS-0000MISSING0";

const busEvent = (detailType: string, detail: unknown, n: number) =>
  JSON.stringify({
    version: "0",
    id: `kpi-batch-${n}`,
    "detail-type": detailType,
    source: "courier.orders",
    account: "000000000000",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [],
    detail,
  });

describe("a batch of the KPI aggregator", () => {
  it("counts what it can once, retries what it cannot yet, and sends what it never can to the DLQ", async () => {
    const queue = local.system.runtime.queues.get("kpis");
    if (!queue) throw new Error("no kpis queue");
    const delivered = (n: number) => ({
      ...damaged(newWaybill("KB")),
      eventId: `evt-kpi-batch-${n}`,
      deliveredAt: `${DAY}T12:00:00+08:00`,
      region: "R-kpi-batch",
    });
    const twice = delivered(2);
    const bodies = [
      "not json",
      busEvent("Parcel Delivered", delivered(1), 1),
      busEvent("Something Else", { eventId: "x" }, 2),
      busEvent("Parcel Delivered", twice, 3),
      busEvent("Case Classified", { ...caseClassified.example, caseId: MISSING_CASE }, 4),
      busEvent("Parcel Delivered", twice, 5),
    ];
    for (const body of bodies) queue.send(body);
    await local.system.runtime.idle();

    const region = (await totalsByKey([DAY], "region")).get("R-kpi-batch");
    expect(region?.counts).toEqual({ delivered: 2 });
    const dead = queue.deadLetters.messages;
    expect(dead.find((d) => d.body === "not json")?.reason).toMatch(/not JSON/);
    expect(dead.some((d) => d.body.includes("Something Else"))).toBe(false);
    expect(dead.some((d) => d.body.includes("Parcel Delivered"))).toBe(false);
    // Retried (its case may come), then given up on: the DLQ keeps why.
    const classified = dead.find((d) => d.body.includes(MISSING_CASE));
    expect(classified?.reason).toMatch(/^maxReceiveCount 3 exceeded/);
  });
});
