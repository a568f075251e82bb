// The routing policy through the local runtime: least-loaded within the team, off-shift and
// full agents skipped, a VIP's own agent in any team, the queue handed out when an agent comes
// on shift or resolves a case, and the open-case slot freed by a resolution.
import { beforeAll, describe, expect, it } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import { getAgent } from "#shared/adapters/org-store.ts";

const local = useLocalSystem();
let admin = "";

beforeAll(async () => {
  admin = await local.system.token("admin-1", ["admins"]);
});

const delayed = (waybillNo: string, extra: Record<string, unknown> = {}) => ({
  ...damaged(waybillNo),
  eventId: `evt-${waybillNo}-delayed`,
  promisedAt: "2026-11-23T18:00:00+08:00",
  ...extra,
});

async function caseOf(waybillNo: string) {
  await local.system.runtime.idle();
  const cases = await local.casesOf(waybillNo);
  expect(cases).toHaveLength(1);
  return cases[0];
}

/** An agent's profile as the seed has it, changed as given (PUT replaces the profile). */
async function putAgent(agentId: string, change: Record<string, unknown>) {
  const current = await getAgent(agentId);
  if (!current) throw new Error(`no agent ${agentId}`);
  const response = await local.system.request("PUT", `/v1/agents/${agentId}`, {
    token: admin,
    body: {
      name: current.name,
      team: current.team,
      skills: current.skills,
      capacity: current.capacity,
      onShift: current.onShift,
      vipCustomers: current.vipCustomers,
      ...change,
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
}

async function setOnShift(agentId: string, onShift: boolean) {
  const token = await local.system.token(agentId, ["agents"]);
  const response = await local.system.request("PATCH", `/v1/agents/${agentId}`, {
    token,
    body: { onShift },
  });
  expect(response.status).toBe(200);
  await local.system.runtime.idle();
}

async function resolve(c: { caseId: string; assignee: string }) {
  const token = await local.system.token(c.assignee, ["agents"]);
  const response = await local.system.request("POST", `/v1/cases/${c.caseId}/resolve`, {
    token,
    body: { resolution: "Re-delivered and confirmed with the customer" },
    headers: await local.ifMatch(`/v1/cases/${c.caseId}`),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await local.system.runtime.idle();
  return response.body;
}

describe("within a team", () => {
  it("spreads cases over the eligible agents, fewest open cases first", async () => {
    const waybills = Array.from({ length: 4 }, () => newWaybill("LL"));
    const before = {
      one: (await getAgent("agent-delivery-1"))?.openCases ?? 0,
      two: (await getAgent("agent-delivery-2"))?.openCases ?? 0,
    };
    await local.system.publish(
      waybills.map((w) => ({ detailType: "Parcel Delayed", detail: delayed(w) })),
    );
    await local.system.runtime.idle();
    const one = (await getAgent("agent-delivery-1"))?.openCases ?? 0;
    const two = (await getAgent("agent-delivery-2"))?.openCases ?? 0;
    expect(one - before.one + (two - before.two)).toBe(4);
    expect(Math.abs(one - two)).toBeLessThanOrEqual(Math.max(1, Math.abs(before.one - before.two)));
  });

  it("skips an agent off shift and one at capacity", async () => {
    await setOnShift("agent-delivery-2", false);
    const current = (await getAgent("agent-delivery-1"))?.openCases ?? 0;
    await putAgent("agent-delivery-1", { capacity: current + 1 });
    const first = await caseOf(await publishDelay());
    expect(first).toMatchObject({ status: "assigned", assignee: "agent-delivery-1" });
    // agent-delivery-1 is now full, agent-delivery-2 off shift: the next one waits.
    const second = await caseOf(await publishDelay());
    expect(second).toMatchObject({ status: "queued", assignee: null, team: "delivery-ops" });

    // Coming on shift hands out the queue.
    await setOnShift("agent-delivery-2", true);
    expect(await caseOf(second.waybillNo)).toMatchObject({
      status: "assigned",
      assignee: "agent-delivery-2",
    });
    await putAgent("agent-delivery-1", { capacity: 8 });
  });

  it("hands a queued case to the agent who resolves one, most urgent first", async () => {
    await setOnShift("agent-delivery-2", false);
    const load = (await getAgent("agent-delivery-1"))?.openCases ?? 0;
    await putAgent("agent-delivery-1", { capacity: load + 1 });
    const held = await caseOf(await publishDelay());
    expect(held.assignee).toBe("agent-delivery-1");
    const routine = await caseOf(await publishDelay());
    const urgent = await caseOf(await publishDelay({ customer: { id: "c-vip-x", tier: "vip" } }));
    expect([routine.status, urgent.status]).toEqual(["queued", "queued"]);
    expect(urgent.priority).toBe("urgent");

    await resolve(held);
    expect(await caseOf(urgent.waybillNo)).toMatchObject({
      status: "assigned",
      assignee: "agent-delivery-1",
    });
    expect((await caseOf(routine.waybillNo)).status).toBe("queued");
    await putAgent("agent-delivery-1", { capacity: 8 });
    await setOnShift("agent-delivery-2", true);
    expect((await caseOf(routine.waybillNo)).status).toBe("assigned");
  });
});

describe("a VIP customer", () => {
  it("goes to their own agent even in another team", async () => {
    await putAgent("agent-care-1", { vipCustomers: ["vip-across"] });
    const c = await caseOf(
      await publishDamage({ customer: { id: "vip-across", tier: "vip" }, declaredValue: 50 }),
    );
    expect(c).toMatchObject({
      team: "claims",
      assignee: "agent-care-1",
      status: "assigned",
      severity: "severe",
      escalated: true,
    });
  });
});

describe("the open-case slot", () => {
  it("is freed by a resolution: a new event opens a new case; a replay, or a late report of the time before, does not", async () => {
    const waybillNo = newWaybill("RS");
    const first = damaged(waybillNo, { eventId: `evt-${waybillNo}-1` });
    await local.system.publish([{ detailType: "Parcel Damaged", detail: first }]);
    const opened = await caseOf(waybillNo);
    const resolved = await resolve(opened);

    // The same event again, and another one that happened before the resolution (late).
    await local.system.publish([
      { detailType: "Parcel Damaged", detail: first },
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, {
          eventId: `evt-${waybillNo}-late`,
          occurredAt: "2026-11-23T12:00:00+08:00",
        }),
      },
    ]);
    await local.system.runtime.idle();
    expect(await local.casesOf(waybillNo)).toHaveLength(1);

    // Damage reported after the resolution is a new case.
    const after = new Date(Date.parse(resolved.resolvedAt) + 60_000).toISOString();
    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, { eventId: `evt-${waybillNo}-2`, occurredAt: after }),
      },
    ]);
    await local.system.runtime.idle();
    const cases = await local.casesOf(waybillNo);
    expect(cases).toHaveLength(2);
    expect(cases.map((c: { status: string }) => c.status).sort()).toEqual(
      ["assigned", "resolved"].sort(),
    );
  });
});

describe("a delivered parcel", () => {
  it("joins its open delay case and resolves it when no customer's words are on it", async () => {
    const waybillNo = await publishDelay();
    const c = await caseOf(waybillNo);
    await local.system.publish([
      {
        detailType: "Parcel Delivered",
        detail: {
          ...damaged(waybillNo),
          eventId: `evt-${waybillNo}-delivered`,
          deliveredAt: "2026-11-24T15:00:00+08:00",
        },
      },
    ]);
    expect(await caseOf(waybillNo)).toMatchObject({ caseId: c.caseId, status: "resolved" });
  });

  it("resolves a delay case that opens after the delivery (events in the other order)", async () => {
    const waybillNo = newWaybill("DL");
    await local.system.publish([
      {
        detailType: "Parcel Delivered",
        detail: {
          ...damaged(waybillNo),
          eventId: `evt-${waybillNo}-delivered`,
          deliveredAt: "2026-11-24T15:00:00+08:00",
        },
      },
    ]);
    await local.system.runtime.idle();
    await local.system.publish([{ detailType: "Parcel Delayed", detail: delayed(waybillNo) }]);
    expect((await caseOf(waybillNo)).status).toBe("resolved");
  });

  it("leaves a delay case with a customer's message open", async () => {
    const waybillNo = await publishDelay();
    const agent = await local.system.token("agent-care-1", ["agents"]);
    const message = await local.system.request("POST", "/v1/cases", {
      token: agent,
      body: {
        channel: "phone",
        text: "快递到现在还没送到，超过承诺时间了",
        waybillNo,
        customer: { id: "cust-1002", tier: "regular" },
      },
    });
    expect(message.status).toBe(200);
    await local.system.publish([
      {
        detailType: "Parcel Delivered",
        detail: {
          ...damaged(waybillNo),
          eventId: `evt-${waybillNo}-delivered`,
          deliveredAt: "2026-11-24T15:00:00+08:00",
        },
      },
    ]);
    expect((await caseOf(waybillNo)).status).not.toBe("resolved");
  });
});

async function publishDelay(extra: Record<string, unknown> = {}): Promise<string> {
  const waybillNo = newWaybill("DY");
  await local.system.publish([{ detailType: "Parcel Delayed", detail: delayed(waybillNo, extra) }]);
  return waybillNo;
}

async function publishDamage(extra: Record<string, unknown> = {}): Promise<string> {
  const waybillNo = newWaybill("DM");
  await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(waybillNo, extra) }]);
  return waybillNo;
}
