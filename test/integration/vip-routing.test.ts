// A VIP customer's case goes to their dedicated agent (in a fresh system, so no other test has
// used up that agent's capacity first).
import { describe, expect, it } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

const casesOf = local.casesOf;

describe("routing", () => {
  it("gives a VIP customer's lost parcel to their dedicated agent, as severe and urgent", async () => {
    // A regular case first: agent-claims-1 now has more open cases than agent-claims-2, so only
    // the dedicated-agent rule can send the VIP's case to agent-claims-1.
    const first = newWaybill();
    await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(first) }]);
    await local.system.runtime.idle();
    expect((await casesOf(first))[0].assignee).toBe("agent-claims-1");

    const waybillNo = newWaybill();
    await local.system.publish([
      {
        detailType: "Parcel Lost",
        detail: {
          ...damaged(waybillNo),
          customer: { id: "cust-2001", tier: "vip" },
          lastLocation: "Hangzhou",
        },
      },
    ]);
    await local.system.runtime.idle();
    expect((await casesOf(waybillNo))[0]).toMatchObject({
      category: "loss",
      severity: "severe",
      priority: "urgent",
      assignee: "agent-claims-1",
    });
  });
});
