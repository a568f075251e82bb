// A case whose next step was lost (its event never arrived) is found by the sweep and brought
// to assigned or queued, without anyone touching the table.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import type { BusEventRecord } from "#infra/local/bus.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

/** Loses the first event of a detail type about a waybill, as a crash between write and publish would. */
const losses = new Map<string, string>(); // waybill → detail type to lose once
const loseEvent = (event: BusEventRecord) => {
  const waybillNo = (event.detail as { waybillNo?: string }).waybillNo ?? "";
  if (losses.get(waybillNo) !== event["detail-type"]) return false;
  losses.delete(waybillNo);
  return true;
};

const local = useLocalSystem({ loseEvent });

async function timelineKinds(caseId: string): Promise<string[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: "cases",
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :tl)",
      ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":tl": "TL#" },
    }),
  );
  return (Items ?? []).map((item) => item.kind as string);
}

describe("the reconciliation sweep", () => {
  it("re-sends a lost Case Opened: the case is classified and routed", async () => {
    const waybillNo = newWaybill("SH");
    losses.set(waybillNo, "Case Opened");
    await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(waybillNo) }]);
    await local.system.runtime.idle();
    const [stuck] = await local.casesOf(waybillNo);
    expect(stuck).toMatchObject({ status: "new", severity: null, classifiedAt: null });

    await local.system.advance("PT2M"); // not stalled yet: nothing happens
    expect((await local.casesOf(waybillNo))[0].status).toBe("new");

    await local.system.advance("PT5M");
    const [healed] = await local.casesOf(waybillNo);
    expect(["assigned", "queued"]).toContain(healed.status);
    expect(healed).toMatchObject({ category: "damage", severity: "general", priority: "urgent" });
    expect(await timelineKinds(healed.caseId)).toEqual(
      expect.arrayContaining(["opened", "redriven", "classified"]),
    );
  });

  it("re-sends a lost Case Classified: the classified case is routed", async () => {
    const waybillNo = newWaybill("SH");
    losses.set(waybillNo, "Case Classified");
    await local.system.publish([{ detailType: "Parcel Lost", detail: damaged(waybillNo) }]);
    await local.system.runtime.idle();
    const [stuck] = await local.casesOf(waybillNo);
    expect(stuck).toMatchObject({ status: "new", severity: "severe" });

    await local.system.advance("PT6M");
    const [healed] = await local.casesOf(waybillNo);
    expect(["assigned", "queued"]).toContain(healed.status);
    expect(healed.team).toBe("claims");
  });

  it("leaves cases that moved on alone", async () => {
    const waybillNo = newWaybill("SH");
    await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(waybillNo) }]);
    await local.system.runtime.idle();
    const [before] = await local.casesOf(waybillNo);
    await local.system.advance("PT10M");
    const [after] = await local.casesOf(waybillNo);
    expect(after.version).toBe(before.version);
    expect(await timelineKinds(after.caseId)).not.toContain("redriven");
  });
});
