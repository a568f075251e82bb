// A case saved by someone else while assignment routes it (an event attaching to it, say: the
// earlier of two reports arriving second) is routed again at once, on the case as it is then,
// not two minutes later when its message is delivered again; the slot taken for the lost save
// is given back.
import "./quiet.ts";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { caseItem, getCase } from "#shared/adapters/case-store.ts";
import { getAgent } from "#shared/adapters/org-store.ts";

const local = useLocalSystem();
afterEach(() => vi.restoreAllMocks());

describe("a case saved by someone else while it is routed", () => {
  it("is routed again at once, holding one slot", async () => {
    const waybillNo = newWaybill("RC");
    const client = dynamoDocumentClient();
    const send = client.send.bind(client);
    let raced = 0;
    vi.spyOn(client, "send").mockImplementation((async (command: {
      constructor: { name: string };
      input: { TableName?: string; Item?: Record<string, unknown> };
    }) => {
      const item = command.input.Item;
      if (
        raced === 0 &&
        command.constructor.name === "PutCommand" &&
        item?.sk === "CASE" &&
        item.waybillNo === waybillNo &&
        item.status === "assigned"
      ) {
        raced++;
        // Another writer saves the case first, on its version, as an attached event's merge does.
        const current = await getCase(item.caseId as string);
        if (!current) throw new Error("the case is missing");
        await send(
          new PutCommand({
            TableName: command.input.TableName,
            Item: caseItem({ ...current, version: current.version + 1 }),
            ConditionExpression: "version = :v",
            ExpressionAttributeValues: { ":v": current.version },
          }),
        );
      }
      return send(command as never);
    }) as never);
    const assignment = local.system.runtime.queues.get("assignment");
    const deliveredBefore = assignment?.stats().delivered ?? 0;

    await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(waybillNo) }]);
    await local.system.runtime.idle();

    expect(raced).toBe(1);
    const [c] = await local.casesOf(waybillNo);
    expect(c).toMatchObject({ status: "assigned", team: "claims" });
    // Its Case Classified was handled once: no redelivery was needed.
    expect((assignment?.stats().delivered ?? 0) - deliveredBefore).toBe(1);
    // The slot of the lost save was given back, or kept for the same agent: one slot in all.
    const agent = await getAgent(c.assignee);
    expect(agent?.openCaseIds.filter((id) => id === c.caseId)).toEqual([c.caseId]);
  });
});
