// The SLA watch through the local runtime, with the clock moved by POST /_local/clock: a
// warning before the deadline, a breach at the business-hours deadline (not after the same
// number of calendar hours) that escalates to the supervisors and keeps the assignee, a second
// escalation at twice the target, and a clock that pauses while the case waits.
import { describe, expect, it } from "vitest";
import { newWaybill, useLocalSystem } from "./local-system.ts";
import { addBusinessMinutes, businessMinutesBetween } from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";

const local = useLocalSystem();
const now = () => local.system.now();
const advanceTo = (target: Date) => local.system.advanceTo(target);
const read = (caseId: string) => local.readCase(caseId);
const timelineKinds = (caseId: string) => local.timelineKinds(caseId);
const calendar = calendarOf(undefined); // delivery-ops keeps the default calendar
const HOUR = 3_600_000;

/** The next Saturday 17:00 in Shanghai at least a day ahead, not a public holiday. */
function nextSaturdayFivePm(from: Date): Date {
  let t = new Date(from.getTime() + 24 * HOUR);
  for (let i = 0; i < 60; i++, t = new Date(t.getTime() + 24 * HOUR)) {
    const shanghai = new Date(t.getTime() + 8 * HOUR);
    if (shanghai.getUTCDay() !== 6) continue;
    const candidate = new Date(
      Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), 9, 0),
    ); // 17:00 in Shanghai
    if (addBusinessMinutes(candidate, 0, calendar).getTime() === candidate.getTime())
      return candidate;
  }
  throw new Error("no working Saturday ahead");
}

async function openAttitudeCase() {
  const agent = await local.system.token("agent-care-1", ["agents"]);
  const response = await local.system.request("POST", "/v1/cases", {
    token: agent,
    body: {
      channel: "phone",
      text: "快递员态度很差，还骂人",
      waybillNo: newWaybill("SLA"),
      customer: { id: "cust-sla", tier: "regular" },
    },
  });
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ category: "attitude", priority: "high" });
  await local.system.runtime.idle();
  return response.body.caseId as string;
}

describe("a case nobody answers", () => {
  it("warns, breaches at the business-hours deadline and escalates, then again at twice the target", async () => {
    const saturday = nextSaturdayFivePm(await now());
    await advanceTo(saturday);
    const caseId = await openAttitudeCase();
    const opened = await read(caseId);
    const due = new Date(opened.sla.firstResponseDue);
    // Two business hours from Saturday 17:00: one on Saturday, one on the next working day.
    expect(due.getTime()).toBe(
      addBusinessMinutes(new Date(opened.createdAt), 120, calendar).getTime(),
    );
    expect(due.getTime() - new Date(opened.createdAt).getTime()).toBeGreaterThan(12 * HOUR);
    const assignee = opened.assignee;
    expect(assignee).not.toBeNull();

    // Two calendar hours later (Saturday 19:00) nothing is late: business time stopped at 18:00.
    await advanceTo(new Date(new Date(opened.createdAt).getTime() + 2 * HOUR));
    expect((await read(caseId)).sla).toMatchObject({
      breached: false,
      firstResponseWarnedAt: null,
    });

    // A minute before the deadline: warned (80 % used), not breached.
    await advanceTo(new Date(due.getTime() - 60_000));
    const warned = await read(caseId);
    expect(warned.sla.breached).toBe(false);
    expect(warned.sla.firstResponseWarnedAt).not.toBeNull();
    expect(warned.escalated).toBe(false);

    // Past the deadline: breached, escalated to the supervisors, still with its agent.
    await advanceTo(new Date(due.getTime() + 60_000));
    const breached = await read(caseId);
    expect(breached).toMatchObject({ escalated: true, escalationLevel: 1, assignee });
    expect(breached.sla.breached).toBe(true);
    expect(await timelineKinds(caseId)).toEqual(
      expect.arrayContaining(["sla-warning", "sla-breached"]),
    );

    // Still open at twice its resolution target: one level higher.
    const createdAt = new Date(opened.createdAt);
    const target = businessMinutesBetween(createdAt, new Date(opened.sla.resolutionDue), calendar);
    const twice = addBusinessMinutes(createdAt, 2 * target, calendar);
    await advanceTo(new Date(twice.getTime() - 60_000));
    expect((await read(caseId)).escalationLevel).toBe(1);
    await advanceTo(new Date(twice.getTime() + 60_000));
    expect((await read(caseId)).escalationLevel).toBe(2);
  });
});

describe("a case waiting on the customer", () => {
  it("pauses its resolution clock: no breach while waiting, the deadline moves by the wait", async () => {
    const caseId = await openAttitudeCase();
    const opened = await read(caseId);
    const agent = await local.system.token(opened.assignee, ["agents"]);
    const act = (path: string, body: unknown) => local.act(caseId, path, agent, body);

    expect((await act("responses", { text: "您好，我们正在核实" })).status).toBe(200);
    const waiting = await act("wait", { reason: "Waiting for the customer's photos" });
    expect(waiting.status).toBe(200);
    expect(waiting.body.status).toBe("waiting");
    const pausedAt = new Date(waiting.body.sla.pausedAt);
    const originalDue = new Date(waiting.body.sla.resolutionDue);

    // Well past the original resolution deadline, still waiting: nothing breaches.
    await advanceTo(new Date(originalDue.getTime() + 24 * HOUR));
    const still = await read(caseId);
    expect(still.status).toBe("waiting");
    expect(still.sla.breached).toBe(false);

    const resumed = await act("responses", { text: "照片已收到，正在处理" });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe("in_progress");
    const waited = businessMinutesBetween(pausedAt, new Date(resumed.body.updatedAt), calendar);
    expect(new Date(resumed.body.sla.resolutionDue).getTime()).toBe(
      addBusinessMinutes(originalDue, waited, calendar).getTime(),
    );
    expect(resumed.body.sla.breached).toBe(false);
  });
});
