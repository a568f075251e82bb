// The KPIs of a scripted day, computed by hand (below), through GET /v1/kpis and
// /v1/kpis/hotspots; then every event of the day delivered again, in shuffled order, to the
// aggregator's queue and straight to its use case (a replay after the consumer's memory is
// gone), and the numbers do not move. Ratios with nothing to divide by are null.
//
// The day, a working Tuesday in Shanghai from 10:00:
// - 10 parcels delivered: outlet O1 ×6 (courier C1 ×5, C2 ×1), O2 ×4 (courier C2); region R1.
//   One of O2's is a VIP customer's: sampled for a follow-up (customer-care's pool, never made).
// - A: Parcel Damaged (O1, C1) → claims.       B: Parcel Lost (O2, C2) → claims.
//   E: Parcel Delayed (O1, C1) → delivery-ops, left open (the backlog).
//   C: a phone complaint about a courier's manner on one of O2's waybills → delivery-ops, a
//      complaint (counted for O2 and C2 through the waybill's delivery).
//   D: an app suggestion (no waybill) → customer-care.  F: an online suggestion → customer-care.
// - First responses: A, B, D, F after 10 minutes; C after 190 (its 2-hour target breached).
// - All but E resolved at 13:20; the follow-ups (due an hour later):
//   A reached 5/5, NPS 10, solved → closed.   D reached 4/5, NPS 8, solved, suggestion adopted.
//   F reached 5/5, NPS 9, solved, suggestion not adopted.
//   B reached 2/5, NPS 3 → reopened; resolved again → its second follow-up 4/5, NPS 9, solved.
//   C not reached three times → unreachable.
//
// By hand, for the day (all):
//   opened 6, resolved 5 → resolutionRate 5/6; delivered 10; complaints 1 (C) → complaintRate
//   0.1, repeatComplaintRate 0; damage 1, loss 1 → 0.1 each; slaDue 5, slaMet 4 → 0.8;
//   followUpsDue 7 (A, B, B's second, C, D, F, the VIP sample), followedUp 5 (A, B, B2, D, F)
//   → coverage 5/7; all on time → timeliness 1; scored 5, satisfied 4 → csat 0.8; mean
//   (5+2+4+4+5)/5 = 4; NPS answers 5: promoters 3 (10, 9, 9), detractors 1 (3) → 40;
//   first follow-ups 4 (A, B, D, F), confirmed solved 3 (A, D, F) → 0.75; suggestions 2,
//   adopted 1 → 0.5; first response p50 10 (nearest rank 3 of [10, 10, 10, 10, 190]), p90 190
//   (rank 5); backlog 1 (E).
import "./quiet.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { busRecorder, damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import { type CountedEvent, countEvent } from "#functions/kpis/count-event.ts";

const bus = busRecorder();
const local = useLocalSystem({ loseEvent: bus.loseEvent });
const HOUR = 3_600_000;
const MINUTE = 60_000;

const token = (sub: string, group: string) => local.system.token(sub, [group]);
let admin = "";
let day = "";
let yesterday = "";

/** The next Tuesday 10:00 in Shanghai at least two days ahead, and its date. */
async function nextTuesdayTen(): Promise<Date> {
  let t = new Date((await local.system.now()).getTime() + 2 * 24 * HOUR);
  for (;;) {
    const shanghai = new Date(t.getTime() + 8 * HOUR);
    if (shanghai.getUTCDay() === 2)
      return new Date(
        Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), 2, 0),
      );
    t = new Date(t.getTime() + 24 * HOUR);
  }
}

const shanghaiDate = (t: Date) => new Date(t.getTime() + 8 * HOUR).toISOString().slice(0, 10);

async function act(caseId: string, path: string, agent: string, body: unknown) {
  const response = await local.act(caseId, path, await token(agent, "agents"), body);
  expect(response.status, `${path} ${caseId}: ${JSON.stringify(response.body)}`).toBe(200);
}

async function dueFollowUpOf(caseId: string) {
  const response = await local.system.get("/v1/follow-ups?status=due&team=claims", admin);
  const all = [
    ...response.body.items,
    ...(await local.system.get("/v1/follow-ups?status=due&team=delivery-ops", admin)).body.items,
    ...(await local.system.get("/v1/follow-ups?status=due&team=customer-care", admin)).body.items,
  ];
  const found = all.find((f: { caseId: string }) => f.caseId === caseId);
  expect(found, `a due follow-up of ${caseId}`).toBeDefined();
  return found as { followUpId: string; assignee: string; dueAt: string };
}

async function outcome(caseId: string, body: Record<string, unknown>) {
  const fu = await dueFollowUpOf(caseId);
  const response = await local.system.request("POST", `/v1/follow-ups/${fu.followUpId}/outcome`, {
    token: admin,
    body,
    headers: await local.ifMatch(`/v1/follow-ups/${fu.followUpId}`),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await local.system.runtime.idle();
  return response.body as { dueAt: string; status: string };
}

async function kpis(query: string, as = admin) {
  const response = await local.system.get(`/v1/kpis?${query}`, as);
  return response;
}

const cases: Record<string, { caseId: string; assignee: string }> = {};

beforeAll(async () => {
  admin = await token("admin-1", "admins");
  // No random sampling of regular customers' deliveries in this scenario (VIPs are always).
  const teams = (await local.system.get("/v1/teams", admin)).body.items;
  const care = teams.find((t: { teamId: string }) => t.teamId === "customer-care");
  const put = await local.system.request("PUT", "/v1/teams/customer-care", {
    token: admin,
    body: {
      name: care.name,
      categories: care.categories,
      supervisors: care.supervisors,
      followUp: { deliverySampleShare: 0 },
    },
  });
  expect(put.status).toBe(200);

  const start = await nextTuesdayTen();
  await local.system.advanceTo(start);
  day = shanghaiDate(start);
  yesterday = shanghaiDate(new Date(start.getTime() - 24 * HOUR));
  const at = start.toISOString();

  // Deliveries: O1 ×6 (C1 ×5, C2 ×1), O2 ×4 (C2), all R1; the last one a VIP's.
  const waybills = Array.from({ length: 10 }, () => newWaybill("KPI"));
  await local.system.publish(
    waybills.map((waybillNo, i) => ({
      detailType: "Parcel Delivered",
      detail: {
        eventId: `evt-${waybillNo}-delivered`,
        waybillNo,
        occurredAt: at,
        deliveredAt: at,
        customer: { id: `cust-${i}`, tier: i === 9 ? "vip" : "regular" },
        outletId: i < 6 ? "O1" : "O2",
        courierId: i < 5 ? "C1" : "C2",
        region: "R1",
      },
    })),
  );
  const where = (outletId: string, courierId: string) => ({ outletId, courierId, region: "R1" });
  const [wbA, wbB, wbE] = [newWaybill("KPA"), newWaybill("KPB"), newWaybill("KPE")];
  await local.system.publish([
    {
      detailType: "Parcel Damaged",
      detail: damaged(wbA, { occurredAt: at, ...where("O1", "C1") }),
    },
    {
      detailType: "Parcel Lost",
      detail: {
        eventId: `evt-${wbB}-lost`,
        waybillNo: wbB,
        occurredAt: at,
        customer: { id: "cust-b", tier: "regular" },
        ...where("O2", "C2"),
      },
    },
    {
      detailType: "Parcel Delayed",
      detail: {
        eventId: `evt-${wbE}-delayed`,
        waybillNo: wbE,
        occurredAt: at,
        promisedAt: at,
        customer: { id: "cust-e", tier: "regular" },
        ...where("O1", "C1"),
      },
    },
  ]);
  await local.system.runtime.idle();
  const message = async (body: Record<string, unknown>) => {
    const response = await local.system.request("POST", "/v1/cases", {
      token: await token("agent-care-1", "agents"),
      body,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { caseId: string; feedbackType: string };
  };
  const c = await message({
    channel: "phone",
    text: "快递员态度很差，还骂人，我要投诉！",
    waybillNo: waybills[7],
    customer: { id: "cust-7", tier: "regular" },
  });
  expect(c.feedbackType).toBe("complaint");
  const d = await message({
    channel: "app",
    text: "Suggestion: it would be great if you offered evening delivery slots.",
    customer: { id: "cust-d", tier: "regular" },
  });
  expect(d.feedbackType).toBe("suggestion");
  const f = await message({
    channel: "online",
    text: "Suggestion: please add a parcel locker near the north gate.",
    customer: { id: "cust-f", tier: "regular" },
  });
  expect(f.feedbackType).toBe("suggestion");
  await local.system.runtime.idle();

  for (const [name, waybillNo] of [
    ["A", wbA],
    ["B", wbB],
    ["E", wbE],
  ] as const)
    cases[name] = (await local.casesOf(waybillNo))[0];
  cases.C = await local.readCase(c.caseId);
  cases.D = await local.readCase(d.caseId);
  cases.F = await local.readCase(f.caseId);
  for (const name of ["A", "B", "C", "D", "E", "F"])
    expect(cases[name]?.assignee, `case ${name} assigned`).toEqual(expect.any(String));

  // First responses: A, B, D after 10 minutes, C after 190.
  await local.system.advanceTo(new Date(start.getTime() + 10 * MINUTE));
  for (const name of ["A", "B", "D", "F"])
    await act(cases[name]!.caseId, "responses", cases[name]!.assignee, { text: "On it." });
  await local.system.advanceTo(new Date(start.getTime() + 190 * MINUTE));
  await act(cases.C!.caseId, "responses", cases.C!.assignee, { text: "We apologise." });
  await local.system.advanceTo(new Date(start.getTime() + 200 * MINUTE));
  for (const name of ["A", "B", "C", "D", "F"])
    await act(cases[name]!.caseId, "resolve", cases[name]!.assignee, { resolution: "Done" });
  await local.system.runtime.idle();

  // The follow-ups fall due an hour (of calling time) later.
  await local.system.advanceTo(new Date(start.getTime() + 262 * MINUTE));
  await outcome(cases.A!.caseId, { reached: true, satisfaction: 5, nps: 10, resolved: true });
  await outcome(cases.D!.caseId, {
    reached: true,
    satisfaction: 4,
    nps: 8,
    resolved: true,
    suggestionAdopted: true,
  });
  await outcome(cases.F!.caseId, {
    reached: true,
    satisfaction: 5,
    nps: 9,
    resolved: true,
    suggestionAdopted: false,
  });
  await outcome(cases.B!.caseId, { reached: true, satisfaction: 2, nps: 3, resolved: true });
  expect((await local.readCase(cases.B!.caseId)).status).toBe("reopened");
  await act(cases.B!.caseId, "resolve", cases.B!.assignee, { resolution: "Done again" });
  await local.system.runtime.idle();
  let missed = await outcome(cases.C!.caseId, { reached: false });
  await local.system.advanceTo(new Date(Date.parse(missed.dueAt) + MINUTE));
  missed = await outcome(cases.C!.caseId, { reached: false });
  await local.system.advanceTo(new Date(Date.parse(missed.dueAt) + MINUTE));
  expect((await outcome(cases.C!.caseId, { reached: false })).status).toBe("unreachable");
  const b2 = await dueFollowUpOrLater(cases.B!.caseId);
  const clockNow = (await local.system.now()).getTime();
  await local.system.advanceTo(new Date(Math.max(Date.parse(b2), clockNow) + MINUTE));
  await outcome(cases.B!.caseId, { reached: true, satisfaction: 4, nps: 9, resolved: true });
}, 120_000);

/** When B's second follow-up is due (it may already be). */
async function dueFollowUpOrLater(caseId: string): Promise<string> {
  const response = await local.system.get("/v1/follow-ups?team=claims", admin);
  const second = response.body.items.find(
    (f: { caseId: string; round: number }) => f.caseId === caseId && f.round === 2,
  );
  expect(second).toBeDefined();
  return second.dueAt as string;
}

const EXPECTED_ALL = {
  key: "all",
  complaintRate: 0.1,
  repeatComplaintRate: 0,
  damageRate: 0.1,
  lossRate: 0.1,
  slaAttainment: 0.8,
  followUpTimeliness: 1,
  csat: 0.8,
  avgSatisfaction: 4,
  nps: 40,
  firstFollowUpResolution: 0.75,
  suggestionAdoptionRate: 0.5,
};

function expectDay(row: Record<string, any>) {
  expect(row).toMatchObject(EXPECTED_ALL);
  expect(row.followUpCoverage).toBeCloseTo(5 / 7, 10);
  expect(row.resolutionRate).toBeCloseTo(5 / 6, 10);
  expect(Math.abs(row.firstResponseMinutesP50 - 10) / 10).toBeLessThan(0.01);
  expect(Math.abs(row.firstResponseMinutesP90 - 190) / 190).toBeLessThan(0.01);
  expect(row.acceptanceSecondsP50).toBeLessThan(5);
  expect(row.followUpMedianHours).toBeGreaterThan(0);
  expect(row.counts).toMatchObject({
    opened: 6,
    resolved: 5,
    delivered: 10,
    complaints: 1,
    damage: 1,
    loss: 1,
    slaDue: 5,
    slaMet: 4,
    followUpsDue: 7,
    followedUp: 5,
    followUpsUnreachable: 1,
    scored: 5,
    satisfied: 4,
    satisfactionSum: 20,
    npsAnswers: 5,
    promoters: 3,
    detractors: 1,
    firstFollowUps: 4,
    firstFollowUpResolved: 3,
    suggestions: 2,
    suggestionsAdopted: 1,
    firstResponses: 5,
  });
}

describe("GET /v1/kpis", () => {
  it("gives the day's hand-computed KPIs", async () => {
    const response = await kpis(`from=${day}&to=${day}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ from: day, to: day, groupBy: null });
    expect(response.body.rows).toHaveLength(1);
    expectDay(response.body.rows[0]);
    expect(response.body.rows[0].backlog).toMatchObject({ total: 1 });
  });

  it("splits them by team, outlet and courier", async () => {
    const byTeam = (await kpis(`from=${day}&to=${day}&groupBy=team`)).body.rows;
    const team = (key: string) => byTeam.find((r: { key: string }) => r.key === key);
    expect(team("claims").counts).toMatchObject({ opened: 2, resolved: 2, damage: 1, loss: 1 });
    expect(team("claims")).toMatchObject({ resolutionRate: 1, csat: 2 / 3 });
    expect(team("delivery-ops").counts).toMatchObject({ opened: 2, resolved: 1, complaints: 1 });
    expect(team("delivery-ops")).toMatchObject({ slaAttainment: 0, resolutionRate: 0.5 });
    expect(team("delivery-ops").backlog).toMatchObject({ total: 1 });
    expect(team("customer-care").counts).toMatchObject({ opened: 2, followUpsDue: 3 });
    expect(team("customer-care")).toMatchObject({ suggestionAdoptionRate: 0.5, csat: 1 });
    // No delivery belongs to a team: its rates have nothing to divide by.
    expect(team("claims").damageRate).toBeNull();

    const byOutlet = (await kpis(`from=${day}&to=${day}&groupBy=outlet`)).body.rows;
    const outlet = (key: string) => byOutlet.find((r: { key: string }) => r.key === key);
    expect(outlet("O1").counts).toMatchObject({ delivered: 6, opened: 2, damage: 1 });
    expect(outlet("O2").counts).toMatchObject({ delivered: 4, opened: 2, loss: 1, complaints: 1 });
    expect(outlet("O2")).toMatchObject({ complaintRate: 0.25, lossRate: 0.25 });
    expect(outlet("O1")).toMatchObject({ complaintRate: 0, damageRate: 1 / 6 });

    const byCourier = (await kpis(`from=${day}&to=${day}&groupBy=courier`)).body.rows;
    expect(byCourier.find((r: { key: string }) => r.key === "C2").counts).toMatchObject({
      delivered: 5,
      complaints: 1,
    });
  });

  it("answers nulls, not errors, for a day with nothing", async () => {
    const response = await kpis(`from=${yesterday}&to=${yesterday}`);
    expect(response.status).toBe(200);
    const [row] = response.body.rows;
    for (const field of [
      "csat",
      "avgSatisfaction",
      "nps",
      "followUpCoverage",
      "resolutionRate",
      "slaAttainment",
      "complaintRate",
      "firstResponseMinutesP50",
    ])
      expect(row[field], field).toBeNull();
    expect(row.counts.opened).toBe(0);
  });

  it("shows agents their own row and supervisors their teams'; refuses bad queries", async () => {
    const agent = cases.A!.assignee;
    const own = await kpis(`from=${day}&to=${day}&groupBy=agent`, await token(agent, "agents"));
    expect(own.status).toBe(200);
    expect(own.body.rows.map((r: { key: string }) => r.key)).toEqual([agent]);
    expect(
      (await kpis(`from=${day}&to=${day}&groupBy=team`, await token(agent, "agents"))).status,
    ).toBe(403);
    const sup = await kpis(
      `from=${day}&to=${day}&groupBy=team`,
      await token("sup-claims", "supervisors"),
    );
    expect(sup.body.rows.map((r: { key: string }) => r.key)).toEqual(["claims"]);
    for (const bad of [
      `from=${day}`,
      `from=${day}&to=${yesterday}`,
      `from=2026-02-30&to=2026-03-01`,
      `from=${day}&to=${day}&groupBy=waybill`,
      `from=2025-01-01&to=2026-12-31`,
      `from=${day}&to=${day}&extra=1`,
    ]) {
      const response = await kpis(bad);
      expect(response.status, bad).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
  });
});

describe("GET /v1/kpis/hotspots", () => {
  it("ranks outlets by complaints and by complaint rate, against the day before", async () => {
    const response = await local.system.get(
      `/v1/kpis/hotspots?by=outlet&from=${day}&to=${day}&limit=5`,
      admin,
    );
    expect(response.status).toBe(200);
    expect(response.body.previous).toEqual({ from: yesterday, to: yesterday });
    expect(response.body.mostComplaints).toEqual([
      expect.objectContaining({
        key: "O2",
        complaints: 1,
        delivered: 4,
        complaintRate: 0.25,
        change: { complaints: 1, complaintRate: null },
      }),
    ]);
    expect(response.body.highestComplaintRate.map((s: { key: string }) => s.key)).toEqual(["O2"]);
    const agents = await local.system.get(
      `/v1/kpis/hotspots?by=outlet&from=${day}&to=${day}`,
      await token(cases.A!.assignee, "agents"),
    );
    expect(agents.status).toBe(403);
  });
});

describe("replays", () => {
  it("change nothing: every event again, shuffled, through the queue and past its memory", async () => {
    const counted = new Set([
      "Case Classified",
      "Case Responded",
      "Case Resolved",
      "FollowUp Scheduled",
      "FollowUp Completed",
      "Parcel Delivered",
    ]);
    const events = bus.published.filter((e) => counted.has(e["detail-type"]));
    expect(events.length).toBeGreaterThan(30);
    const shuffled = [...events].sort((a, b) => (a.id < b.id ? -1 : 1));
    const queue = local.system.runtime.queues.get("kpis");
    if (!queue) throw new Error("no kpis queue");
    for (const event of shuffled) queue.send(JSON.stringify(event));
    await local.system.runtime.idle();
    // And as a replay long after: straight to the use case, the consumer's memory bypassed.
    for (const event of shuffled.reverse())
      await countEvent({ detailType: event["detail-type"], detail: event.detail } as CountedEvent);
    const response = await kpis(`from=${day}&to=${day}`);
    expectDay(response.body.rows[0]);
  });
});
