// The follow-up call (回访) through the local runtime, with the clock moved by POST /_local/clock:
// a resolved case gets its call scheduled in callable hours across a weekend, a holiday and a
// make-up working day (the claims team's own calendar here); the full loop resolve → due →
// dissatisfied → reopened (back to its agent) → resolve → due → satisfied → closed; three
// missed calls → unreachable; the outcome requests refused with a clear 4xx and nothing changed;
// a sampled delivery in the team's pool; a closed case's pending follow-up cancelled.
import "./quiet.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { busRecorder, damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import { scheduleCaseFollowUp } from "#functions/follow-up/schedule-case-follow-up.ts";
import { settleCase } from "#functions/follow-up/settle-case.ts";
import { followUpCompleted } from "#events/index.ts";
import { SAMPLE_GIVES_WAY } from "#functions/sweeper/dispatch-follow-ups.ts";
import { getFollowUp, saveFollowUp } from "#shared/adapters/follow-up-store.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import {
  callingTime,
  DEFAULT_FOLLOW_UP_POLICY,
  deliveryFollowUpId,
  isCallable,
} from "#shared/domain/follow-up.ts";

// The bus tells its fault-injection hook about every accepted event: here it only listens.
const bus = busRecorder();
const published = bus.published;
const local = useLocalSystem({ loseEvent: bus.loseEvent });
const now = () => local.system.now();
const advanceTo = (target: Date) => local.system.advanceTo(target);
const readCase = (caseId: string) => local.readCase(caseId);
const timelineKinds = (caseId: string) => local.timelineKinds(caseId);

/** The details of the domain events of a type published so far about a case. */
const eventsOf = (detailType: string, caseId: string) =>
  published
    .filter((e) => e["detail-type"] === detailType)
    .map((e) => e.detail as Record<string, any>)
    .filter((d) => d.caseId === caseId);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Shanghai wall clock of an instant, "YYYY-MM-DD HH:MM" and its ISO weekday. */
function shanghai(at: string | Date): { date: string; time: string; weekday: number } {
  const t = new Date(new Date(at).getTime() + 8 * HOUR);
  return {
    date: t.toISOString().slice(0, 10),
    time: t.toISOString().slice(11, 16),
    weekday: t.getUTCDay() === 0 ? 7 : t.getUTCDay(),
  };
}

/** The instant of a Shanghai wall-clock time on the date of `day`. */
const atShanghai = (day: Date, hh: number, mm = 0) => {
  const t = new Date(day.getTime() + 8 * HOUR);
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), hh - 8, mm));
};

const token = (sub: string, group: string) => local.system.token(sub, [group]);

// The claims team's calendar for this file: Monday–Friday 09:00–18:00 in Shanghai, no public
// holidays but its own: the Monday after the first Friday is a day off, the Sunday before it a
// make-up working day (调休).
let friday: Date;
let spec: Record<string, unknown>;

beforeAll(async () => {
  let t = new Date((await now()).getTime() + 2 * DAY);
  while (shanghai(t).weekday !== 5) t = new Date(t.getTime() + DAY);
  friday = atShanghai(t, 17, 30);
  const sunday = shanghai(new Date(friday.getTime() + 2 * DAY)).date;
  const monday = shanghai(new Date(friday.getTime() + 3 * DAY)).date;
  const nine = [{ start: "09:00", end: "18:00" }];
  spec = {
    timeZone: "Asia/Shanghai",
    weeklyHours: { 1: nine, 2: nine, 3: nine, 4: nine, 5: nine },
    holidayRegion: null,
    extraHolidays: [monday],
    extraWorkingDays: [sunday],
  };
  const admin = await token("admin-1", "admins");
  const teams = await local.system.get("/v1/teams", admin);
  const claims = teams.body.items.find((t: { teamId: string }) => t.teamId === "claims");
  const put = await local.system.request("PUT", "/v1/teams/claims", {
    token: admin,
    body: {
      name: claims.name,
      categories: claims.categories,
      supervisors: claims.supervisors,
      calendar: spec,
    },
  });
  expect(put.status).toBe(200);
});

const claimsCalling = () =>
  callingTime(calendarOf(spec as never), DEFAULT_FOLLOW_UP_POLICY, "Asia/Shanghai", false);

/** A damage case opened now and assigned to a claims agent. */
async function openClaimsCase(customer: Record<string, unknown> = {}) {
  const waybillNo = newWaybill("FU");
  await local.system.publish([
    {
      detailType: "Parcel Damaged",
      detail: damaged(waybillNo, {
        occurredAt: (await now()).toISOString(),
        customer: {
          id: `cust-${waybillNo}`,
          name: "Han Meimei",
          phone: "13987654321",
          tier: "regular",
          ...customer,
        },
      }),
    },
  ]);
  await local.system.runtime.idle();
  const [c] = await local.casesOf(waybillNo);
  expect(c).toMatchObject({ status: "assigned", team: "claims" });
  return c as { caseId: string; assignee: string; waybillNo: string };
}

async function resolve(caseId: string, agent: string) {
  const response = await local.system.request("POST", `/v1/cases/${caseId}/resolve`, {
    token: await token(agent, "agents"),
    body: { resolution: "Compensation paid" },
    headers: await local.ifMatch(`/v1/cases/${caseId}`),
  });
  expect(response.status).toBe(200);
  await local.system.runtime.idle();
}

async function followUpsOf(agent: string, status?: string) {
  const query = status ? `?status=${status}` : "";
  const response = await local.system.get(`/v1/follow-ups${query}`, await token(agent, "agents"));
  expect(response.status).toBe(200);
  return response.body.items as any[];
}

async function readFollowUp(id: string) {
  const response = await local.system.get(`/v1/follow-ups/${id}`, local.ops);
  expect(response.status).toBe(200);
  return response.body;
}

/** Records an outcome with If-Match from the follow-up's current ETag (`"1"` if it can't be read). */
async function outcome(id: string, agent: string, body: unknown, group = "agents") {
  const current = await local.system.get(`/v1/follow-ups/${encodeURIComponent(id)}`, local.ops);
  const response = await local.system.request("POST", `/v1/follow-ups/${id}/outcome`, {
    token: await token(agent, group),
    body,
    headers: { "if-match": current.headers.get("etag") ?? '"1"' },
  });
  await local.system.runtime.idle();
  return response;
}

/** Every call time is callable and inside the window (or, past it, still callable). */
function expectCallable(fu: { dueAt: string; windowEndsAt: string }) {
  expect(isCallable(new Date(fu.dueAt), claimsCalling())).toBe(true);
  const { time, weekday, date } = shanghai(fu.dueAt);
  expect(time >= "09:00" && time < "18:00").toBe(true);
  const sunday = (spec.extraWorkingDays as string[])[0];
  expect(weekday <= 5 || date === sunday).toBe(true);
  expect(date).not.toBe((spec.extraHolidays as string[])[0]);
}

describe("the follow-up loop", () => {
  it("schedules in callable hours across a weekend, a holiday and a make-up day, reopens on a low score and closes when satisfied", async () => {
    await advanceTo(friday);
    const c = await openClaimsCase();
    const agent = c.assignee;
    await resolve(c.caseId, agent);

    const [scheduled] = await followUpsOf(agent, "scheduled");
    expect(scheduled).toMatchObject({
      caseId: c.caseId,
      status: "scheduled",
      assignee: agent,
      attempts: 0,
      maxAttempts: 3,
      round: 1,
    });
    // Friday 17:30 + 60 callable minutes: 30 on Friday, then Saturday (not worked) is skipped
    // and the make-up Sunday opens at 09:00.
    expect(shanghai(scheduled.dueAt)).toMatchObject({ time: "09:30", weekday: 7 });
    expectCallable(scheduled);
    // Three business days: Friday's 30 minutes, Sunday, Tuesday (Monday is a holiday), and
    // Wednesday until 17:30.
    expect(shanghai(scheduled.windowEndsAt)).toMatchObject({ time: "17:30", weekday: 3 });

    // Not due before its time: the outcome is refused and nothing changes.
    const early = await outcome(scheduled.followUpId, agent, { reached: false });
    expect(early.status).toBe(409);
    expect((await readFollowUp(scheduled.followUpId)).version).toBe(scheduled.version);

    await advanceTo(new Date(Date.parse(scheduled.dueAt) + 30_000));
    const due = await readFollowUp(scheduled.followUpId);
    expect(due.status).toBe("due");
    expect(await timelineKinds(c.caseId)).toContain("follow-up-due");

    // Reached, the problem solved but a low score: the case reopens, back to its agent.
    const low = await outcome(scheduled.followUpId, agent, {
      reached: true,
      satisfaction: 2,
      nps: 3,
      resolved: true,
      comment: "took too long",
    });
    expect(low.status).toBe(200);
    expect(low.body).toMatchObject({ status: "done", attempts: 1 });
    // The customer's words, masked for every reader (none to mask here).
    expect(low.body.outcome.comment).toBe("took too long");
    expect((await readFollowUp(scheduled.followUpId)).outcome).toMatchObject({
      satisfaction: 2,
      comment: "took too long",
    });
    const reopened = await readCase(c.caseId);
    expect(reopened).toMatchObject({ status: "reopened", assignee: agent });
    expect(await timelineKinds(c.caseId)).toEqual(
      expect.arrayContaining(["follow-up-completed", "reopened"]),
    );

    // Resolved again: a new follow-up (round 2) follows.
    await resolve(c.caseId, agent);
    const second = (await followUpsOf(agent, "scheduled")).find(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    expect(second).toMatchObject({ round: 2, attempts: 0 });
    expect(second.followUpId).not.toBe(scheduled.followUpId);
    expectCallable(second);
    // Round 1's outcome delivered again now (a redelivery): the case resolved since stays so.
    const [firstOutcome] = eventsOf("FollowUp Completed", c.caseId);
    expect(await settleCase(followUpCompleted.schema.parse(firstOutcome))).toMatch(
      /earlier resolution/,
    );
    expect(await readCase(c.caseId)).toMatchObject({ status: "resolved" });
    await advanceTo(new Date(Date.parse(second.dueAt) + 30_000));
    const satisfied = await outcome(second.followUpId, agent, {
      reached: true,
      satisfaction: 5,
      nps: 10,
      resolved: true,
    });
    expect(satisfied.status).toBe(200);
    expect(await readCase(c.caseId)).toMatchObject({ status: "closed" });
    const kinds = await timelineKinds(c.caseId);
    expect(kinds.filter((k) => k === "follow-up-completed")).toHaveLength(2);
    expect(kinds).toContain("closed");

    // Every step was announced once, with what the KPIs need, and never the customer's contact.
    expect(eventsOf("FollowUp Scheduled", c.caseId).map((d) => [d.round, d.attempt])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(eventsOf("FollowUp Due", c.caseId).map((d) => d.followUpId)).toEqual([
      scheduled.followUpId,
      second.followUpId,
    ]);
    expect(eventsOf("FollowUp Completed", c.caseId)).toEqual([
      expect.objectContaining({
        followUpId: scheduled.followUpId,
        result: "dissatisfied",
        satisfaction: 2,
        nps: 3,
        resolved: true,
        firstFollowUp: true,
        withinWindow: true,
        team: "claims",
        assignee: agent,
        category: "damage",
      }),
      expect.objectContaining({
        followUpId: second.followUpId,
        result: "satisfied",
        satisfaction: 5,
        firstFollowUp: false,
      }),
    ]);
    expect(eventsOf("Case Reopened", c.caseId)).toEqual([
      expect.objectContaining({ followUpId: scheduled.followUpId, actor: "system" }),
    ]);
    expect(eventsOf("Case Closed", c.caseId)).toEqual([
      expect.objectContaining({ followUpId: second.followUpId, actor: "system" }),
    ]);
    expect(eventsOf("Case Resolved", c.caseId).map((d) => d.round)).toEqual([1, 2]);
    const followUpEvents = published.filter((e) => e["detail-type"].startsWith("FollowUp"));
    expect(JSON.stringify(followUpEvents)).not.toMatch(/Han Meimei|13987654321/);
  });

  it("reopens to the team when its agent can't take the case back, and another agent gets it", async () => {
    const c = await openClaimsCase();
    await resolve(c.caseId, c.assignee);
    const [fu] = (await followUpsOf(c.assignee, "scheduled")).filter(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    await advanceTo(new Date(Date.parse(fu.dueAt) + 30_000));
    const admin = await token("admin-1", "admins");
    const shift = (agentId: string, onShift: boolean) =>
      local.system.request("PATCH", `/v1/agents/${agentId}`, { token: admin, body: { onShift } });
    expect((await shift(c.assignee, false)).status).toBe(200);
    try {
      const response = await outcome(fu.followUpId, c.assignee, { reached: true, resolved: false });
      expect(response.status).toBe(200);
      const reopened = await readCase(c.caseId);
      expect(reopened.status).toBe("assigned");
      expect(reopened.assignee).not.toBe(c.assignee);
      expect(await timelineKinds(c.caseId)).toEqual(
        expect.arrayContaining(["reopened", "queued", "assigned"]),
      );
    } finally {
      await shift(c.assignee, true);
    }
  });

  it("calls three times, spread over the window in callable hours, then gives up: unreachable", async () => {
    const c = await openClaimsCase();
    await resolve(c.caseId, c.assignee);
    let [fu] = (await followUpsOf(c.assignee, "scheduled")).filter(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    const dueTimes: string[] = [];
    for (let call = 1; call <= 3; call++) {
      expectCallable(fu);
      dueTimes.push(fu.dueAt);
      await advanceTo(new Date(Date.parse(fu.dueAt) + 30_000));
      const response = await outcome(fu.followUpId, c.assignee, { reached: false });
      expect(response.status).toBe(200);
      fu = response.body;
      expect(fu.attempts).toBe(call);
    }
    expect(fu).toMatchObject({ status: "unreachable", attempts: 3 });
    expect(fu.missedCalls).toHaveLength(3);
    // The calls are spread: each later than the one before, all before the window's end.
    expect([...dueTimes].sort()).toEqual(dueTimes);
    expect(new Set(dueTimes).size).toBe(3);
    for (const at of dueTimes) expect(at < fu.windowEndsAt).toBe(true);
    // The case stays resolved; its timeline says so.
    expect(await readCase(c.caseId)).toMatchObject({ status: "resolved" });
    expect(await timelineKinds(c.caseId)).toContain("follow-up-completed");
  });
});

describe("refused outcomes change nothing", () => {
  it("answers 400, 403, 404, 409, 422 with problem details", async () => {
    const c = await openClaimsCase();
    await resolve(c.caseId, c.assignee);
    const [fu] = (await followUpsOf(c.assignee, "scheduled")).filter(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    await advanceTo(new Date(Date.parse(fu.dueAt) + 30_000));
    const before = await readFollowUp(fu.followUpId);
    expect(before.status).toBe("due");

    const other = c.assignee === "agent-claims-1" ? "agent-claims-2" : "agent-claims-1";
    const cases: [unknown, number, string?][] = [
      [{ reached: true, satisfaction: 6, resolved: true }, 400, "satisfaction"],
      [{ reached: true, satisfaction: 0, resolved: true }, 400, "satisfaction"],
      [{ reached: true, satisfaction: 4, nps: 11, resolved: true }, 400, "nps"],
      [{ reached: true, satisfaction: 4.5, resolved: true }, 400, "satisfaction"],
      [{ reached: false, satisfaction: 4 }, 400, "satisfaction"],
      [{ reached: true, satisfaction: 4, resolved: true, score: 1 }, 400],
      [{ satisfaction: 4 }, 400, "reached"],
      [{ reached: true, satisfaction: 4 }, 422],
    ];
    for (const [body, status, path] of cases) {
      const response = await outcome(fu.followUpId, c.assignee, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      if (path) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const forbidden = await outcome(fu.followUpId, other, { reached: false });
    expect(forbidden.status).toBe(403);
    const ops = await outcome(fu.followUpId, "ops-1", { reached: false }, "ops");
    expect(ops.status).toBe(403);
    const unknown = await outcome("FU-NOSUCHFOLLOWUP-1", c.assignee, { reached: false });
    expect(unknown.status).toBe(404);
    const malformed = await outcome("not-an-id", c.assignee, { reached: false });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ path: "followUpId", message: expect.any(String) }]);
    const unconditional = await local.system.request(
      "POST",
      `/v1/follow-ups/${fu.followUpId}/outcome`,
      { token: await token(c.assignee, "agents"), body: { reached: false } },
    );
    expect(unconditional.status).toBe(428);
    const stale = await local.system.request("POST", `/v1/follow-ups/${fu.followUpId}/outcome`, {
      token: await token(c.assignee, "agents"),
      body: { reached: false },
      headers: { "if-match": `"${before.version + 5}"` },
    });
    expect(stale.status).toBe(412);

    const after = await readFollowUp(fu.followUpId);
    expect(after).toEqual(before);
    expect(await readCase(c.caseId)).toMatchObject({ status: "resolved" });

    // Done: a second outcome is refused (409), nothing changes.
    const done = await outcome(fu.followUpId, c.assignee, {
      reached: true,
      satisfaction: 4,
      resolved: true,
    });
    expect(done.status).toBe(200);
    const again = await outcome(fu.followUpId, c.assignee, {
      reached: true,
      satisfaction: 1,
      resolved: false,
    });
    expect(again.status).toBe(409);
    expect(await readCase(c.caseId)).toMatchObject({ status: "closed" });
  });

  it("lets agents list only their own follow-ups and supervisors their team's", async () => {
    const c = await openClaimsCase();
    await resolve(c.caseId, c.assignee);
    const other = c.assignee === "agent-claims-1" ? "agent-claims-2" : "agent-claims-1";
    const peek = await local.system.get(
      `/v1/follow-ups?assignee=${c.assignee}`,
      await token(other, "agents"),
    );
    expect(peek.status).toBe(403);
    const supervisor = await local.system.get(
      "/v1/follow-ups?status=scheduled",
      await token("sup-claims", "supervisors"),
    );
    expect(supervisor.status).toBe(200);
    expect(supervisor.body.items.map((f: { caseId: string }) => f.caseId)).toContain(c.caseId);
    const elsewhere = await local.system.get(
      "/v1/follow-ups?team=claims",
      await token("sup-delivery", "supervisors"),
    );
    expect(elsewhere.status).toBe(403);
    const [fu] = (await followUpsOf(c.assignee, "scheduled")).filter(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    const read = await local.system.get(
      `/v1/follow-ups/${fu.followUpId}`,
      await token(other, "agents"),
    );
    expect(read.status).toBe(403);
  });
});

describe("an outcome saved by an API that died before announcing it", () => {
  it("is announced by the sweep: the case closes, the event goes out once", async () => {
    const c = await openClaimsCase();
    await resolve(c.caseId, c.assignee);
    const [scheduled] = (await followUpsOf(c.assignee, "scheduled")).filter(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    await advanceTo(new Date(Date.parse(scheduled.dueAt) + 30_000));
    const due = await getFollowUp(scheduled.followUpId);
    if (!due) throw new Error("no follow-up");
    // What POST …/outcome saves before it publishes; then the process "dies".
    const at = (await now()).toISOString();
    await saveFollowUp(
      {
        ...due,
        status: "done",
        attempts: 1,
        outcome: { reached: true, satisfaction: 5, resolved: true },
        completedAt: at,
        completedBy: c.assignee,
        updatedAt: at,
      },
      due.version,
      { result: "satisfied", at },
    );
    await local.system.advance("PT1M");
    await local.system.runtime.idle();
    expect(await readCase(c.caseId)).toMatchObject({ status: "resolved" }); // within the grace
    await local.system.advance("PT2M");
    await local.system.runtime.idle();
    expect(await readCase(c.caseId)).toMatchObject({ status: "closed" });
    await local.system.advance("PT5M");
    await local.system.runtime.idle();
    expect(eventsOf("FollowUp Completed", c.caseId)).toHaveLength(1);
    expect(await timelineKinds(c.caseId)).toContain("follow-up-completed");
  });
});

describe("a closed case and sampled deliveries", () => {
  it("cancels the pending follow-up of a case a supervisor closes", async () => {
    const c = await openClaimsCase();
    await resolve(c.caseId, c.assignee);
    const [fu] = (await followUpsOf(c.assignee, "scheduled")).filter(
      (f: { caseId: string }) => f.caseId === c.caseId,
    );
    const closed = await local.system.request("POST", `/v1/cases/${c.caseId}/close`, {
      token: await token("sup-claims", "supervisors"),
      body: { reason: "duplicate of a phone complaint" },
      headers: await local.ifMatch(`/v1/cases/${c.caseId}`),
    });
    expect(closed.status).toBe(200);
    await local.system.runtime.idle();
    expect(await readFollowUp(fu.followUpId)).toMatchObject({ status: "cancelled" });

    // Its Case Resolved delivered again late (or only now, after the close): still nothing.
    const [resolvedEvent] = published
      .filter((e) => e["detail-type"] === "Case Resolved")
      .map((e) => e.detail as Parameters<typeof scheduleCaseFollowUp>[0])
      .filter((d) => d.caseId === c.caseId);
    expect(await scheduleCaseFollowUp(resolvedEvent as never)).toMatch(/closed: no follow-up/);
    expect(await readFollowUp(fu.followUpId)).toMatchObject({ status: "cancelled" });
  });

  it("samples a VIP customer's delivered parcel into the follow-up pool, once however often it is delivered", async () => {
    const waybillNo = newWaybill("DLV");
    const at = (await now()).toISOString();
    const delivered = {
      eventId: `evt-${waybillNo}-delivered`,
      waybillNo,
      occurredAt: at,
      deliveredAt: at,
      customer: { id: "cust-vip-sample", tier: "vip" },
    };
    await local.system.publish([{ detailType: "Parcel Delivered", detail: delivered }]);
    await local.system.publish([
      {
        detailType: "Parcel Delivered",
        detail: { ...delivered, eventId: `${delivered.eventId}-2` },
      },
    ]);
    await local.system.runtime.idle();
    const admin = await token("admin-1", "admins");
    const pool = await local.system.get(
      "/v1/follow-ups?status=scheduled&team=customer-care&assignee=pool",
      admin,
    );
    expect(pool.status).toBe(200);
    const sampled = pool.body.items.filter((f: { waybillNo: string }) => f.waybillNo === waybillNo);
    expect(sampled).toHaveLength(1);
    expect(sampled[0]).toMatchObject({ kind: "delivery", caseId: null, assignee: null, round: 0 });
  });

  it("calls a customer as VIP when a late event about the resolved case says they are", async () => {
    const admin = await token("admin-1", "admins");
    const waybillNo = newWaybill("FUV");
    const t0 = (await now()).getTime() - 3 * HOUR;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const delayed = (eventId: string, occurredAt: string, tier: string) => ({
      detailType: "Parcel Delayed",
      detail: {
        eventId,
        waybillNo,
        occurredAt,
        promisedAt: occurredAt,
        customer: { id: `cust-${waybillNo}`, tier },
      },
    });
    await local.system.publish([delayed(`evt-${waybillNo}-1`, at(0), "regular")]);
    await local.system.runtime.idle();
    const at10 = at(10 * 60_000);
    await local.system.publish([
      {
        detailType: "Parcel Delivered",
        detail: {
          eventId: `evt-${waybillNo}-delivered`,
          waybillNo,
          occurredAt: at10,
          deliveredAt: at10,
          customer: { id: `cust-${waybillNo}`, tier: "regular" },
        },
      },
    ]);
    await local.system.runtime.idle();
    const [c] = await local.casesOf(waybillNo);
    expect(c).toMatchObject({ status: "resolved", resolution: "delivered" });
    const path = `/v1/follow-ups/FU-${c.caseId.replace(/^CS-/, "")}-1`;
    expect((await local.system.get(path, admin)).body).toMatchObject({ customerTier: "regular" });

    // An event from before the delivery, saying the customer is VIP, arrives only now.
    await local.system.publish([delayed(`evt-${waybillNo}-2`, at(5 * 60_000), "vip")]);
    await local.system.runtime.idle();
    expect((await local.casesOf(waybillNo))[0].customer.tier).toBe("vip");
    expect((await local.system.get(path, admin)).body).toMatchObject({
      customerTier: "vip",
      status: "scheduled",
    });
  });

  it("lets a sampled delivery's call give way to a case about its waybill, whichever came first", async () => {
    const admin = await token("admin-1", "admins");
    const at = (await now()).toISOString();
    const delivery = (waybillNo: string) => ({
      detailType: "Parcel Delivered",
      detail: {
        eventId: `evt-${waybillNo}-delivered`,
        waybillNo,
        occurredAt: at,
        deliveredAt: at,
        customer: { id: `cust-${waybillNo}`, tier: "vip" },
      },
    });
    const damage = (waybillNo: string) => ({
      detailType: "Parcel Damaged",
      detail: damaged(waybillNo, { customer: { id: `cust-${waybillNo}`, tier: "vip" } }),
    });
    const deliveredFirst = newWaybill("DLA");
    const caseFirst = newWaybill("DLB");
    const alone = newWaybill("DLC");
    await local.system.publish([delivery(deliveredFirst), damage(caseFirst), delivery(alone)]);
    await local.system.runtime.idle();
    await local.system.publish([damage(deliveredFirst), delivery(caseFirst)]);
    await local.system.runtime.idle();

    const samples = async (status: string) =>
      (
        await local.system.get(
          `/v1/follow-ups?status=${status}&team=customer-care&assignee=pool&limit=100`,
          admin,
        )
      ).body.items
        .filter((f: { waybillNo: string }) =>
          [deliveredFirst, caseFirst, alone].includes(f.waybillNo),
        )
        .map((f: { waybillNo: string; cancelReason?: string }) => f.waybillNo)
        .sort();
    // Until they fall due every sampled delivery waits, in both orders alike …
    expect(await samples("scheduled")).toEqual([deliveredFirst, caseFirst, alone].sort());
    // … and when they do, only the one whose waybill has no case is called.
    await advanceTo(new Date((await now()).getTime() + 4 * DAY));
    await local.system.runtime.idle();
    expect(await samples("due")).toEqual([alone]);
    expect(await samples("cancelled")).toEqual([deliveredFirst, caseFirst].sort());
    const reasons = new Set(
      await Promise.all(
        [deliveredFirst, caseFirst].map(
          async (w) =>
            (await local.system.get(`/v1/follow-ups/${deliveryFollowUpId(w)}`, admin)).body
              .cancelReason,
        ),
      ),
    );
    expect([...reasons]).toEqual([SAMPLE_GIVES_WAY]);
  });
});
