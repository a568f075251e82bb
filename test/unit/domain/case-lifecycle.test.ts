// The case lifecycle: every status × every action, every action × every role, the SLA clocks a
// move stops, pauses and resumes (in business time: Shanghai, Monday–Saturday 09:00–18:00), and
// the effects adapters carry out (capacity, open-case guard, backfill, notifications).
import { describe, expect, it } from "vitest";
import type { Team } from "#shared/domain/assignment.ts";
import { addBusinessMinutes, businessMinutesBetween } from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import { type Case, CASE_STATUSES, type CaseStatus } from "#shared/domain/case.ts";
import {
  type Action,
  ACTIONS,
  type Actor,
  applyAction,
  AUTOMATIC_ACTIONS,
  checkAction,
  HUMAN_ACTIONS,
  LIFECYCLE_TABLE_MARKDOWN,
  type LifecycleAction,
  type LifecycleResult,
  mayAct,
  PERMISSIONS,
  SYSTEM_ACTOR,
  TRANSITIONS,
} from "#shared/domain/case-lifecycle.ts";
import { slaDeadlines } from "#shared/domain/sla.ts";
import { nextSlaCheckAt } from "#shared/domain/sla-watch.ts";

const cal = calendarOf();
const shanghai = (local: string) => new Date(`${local}+08:00`).toISOString();

const teams: Team[] = [
  {
    teamId: "delivery-ops",
    name: "Delivery operations",
    categories: ["delay", "attitude"],
    supervisors: ["sup-delivery"],
    escalationLevels: [["mgr-service"]],
  },
  { teamId: "claims", name: "Claims", categories: ["damage", "loss"], supervisors: ["sup-claims"] },
];
const context = { calendar: cal, teams };

const OPENED = shanghai("2026-11-25T10:00:00"); // Wednesday
const NOW = shanghai("2026-11-25T11:00:00");
const CASE_ID = "CS-7K2M9Q4R1T8B0000";
const TARGET_ID = "CS-TARGET000000000";

/** A routine delay case opened from an event: first response Wed 14:00, resolution Tue 1 Dec 10:00. */
function caseIn(status: CaseStatus, overrides: Partial<Case> = {}): Case {
  const unowned = status === "new" || status === "queued";
  const sla = slaDeadlines("routine", new Date(OPENED), cal);
  const responded = status === "in_progress" || status === "waiting" || status === "resolved";
  return {
    caseId: CASE_ID,
    waybillNo: "SF1234567891",
    status,
    category: "delay",
    severity: "general",
    priority: "routine",
    feedbackType: "service",
    team: status === "new" ? null : "delivery-ops",
    assignee: unowned ? null : "agent-1",
    escalated: false,
    escalationLevel: 0,
    customer: { id: "cust-1", name: "Li Lei", phone: "13812345678", tier: "regular" },
    source: "event",
    channel: null,
    sla: {
      ...sla,
      firstRespondedAt: responded ? shanghai("2026-11-25T10:30:00") : null,
      breached: false,
      ...(status === "waiting" ? { pausedAt: shanghai("2026-11-25T10:45:00") } : {}),
    },
    trigger: { detailType: "Parcel Delayed", eventId: "evt-1", occurredAt: OPENED },
    facts: {},
    createdAt: OPENED,
    updatedAt: OPENED,
    classifiedAt: OPENED,
    routedAt: unowned ? null : OPENED,
    routeReason: unowned ? null : "least-loaded-agent",
    ...(status === "waiting" ? { waitingReason: "waiting for the outlet" } : {}),
    ...(status === "resolved" ? { resolvedAt: shanghai("2026-11-25T10:50:00") } : {}),
    ...(status === "closed" ? { closedAt: OPENED, closeReason: "spam" } : {}),
    version: 7,
    ...overrides,
  };
}

const target = caseIn("assigned", { caseId: TARGET_ID, waybillNo: "SF1234567892" });

const admin: Actor = { userId: "admin-1", roles: ["admins"] };

/** The action of each type with valid inputs. */
function actionOf(type: Action, actor: Actor, at = NOW): LifecycleAction {
  const base = { actor, at };
  switch (type) {
    case "respond":
    case "note":
      return { ...base, type, text: "We are chasing the outlet." };
    case "wait":
    case "escalate":
    case "close":
      return { ...base, type, reason: "a reason" };
    case "assign":
      return { ...base, type, assignee: "agent-2", team: "delivery-ops" };
    case "merge":
    case "merged-into":
      return { ...base, type, intoCaseId: TARGET_ID, target };
    case "resolve":
      return { ...base, type, resolution: "Redelivered today" };
    case "correct":
      return { ...base, type };
    case "route":
      return {
        ...base,
        type,
        assignee: "agent-2",
        team: "delivery-ops",
        reason: "least-loaded-agent",
      };
    case "queue":
      return { ...base, type, team: "delivery-ops", reason: "no-agent-available" };
    case "customer-message":
      return { ...base, type, messageId: "msg-1" };
    case "auto-resolve":
      return { ...base, type, eventId: "evt-delivered", deliveredAt: NOW };
    case "reopen":
      return { ...base, type, reason: "not satisfied", followUpId: "FU-1" };
    case "follow-up-close":
      return { ...base, type, followUpId: "FU-1" };
    case "sla-escalate":
      return { ...base, type, level: 1, reason: "sla-breach" };
  }
}

const actorFor = (type: Action) => (HUMAN_ACTIONS.includes(type as never) ? admin : SYSTEM_ACTOR);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function mustSucceed(result: LifecycleResult) {
  if (!result.ok) throw new Error(`refused ${result.status}: ${result.reason}`);
  return result;
}

// ---- every status × every action ---------------------------------------------------------------

type Open = Exclude<CaseStatus, "resolved" | "closed">;
const OPEN_STATUSES: Open[] = ["new", "queued", "assigned", "in_progress", "waiting", "reopened"];
const every = <T extends string>(statuses: readonly CaseStatus[], to: T) =>
  Object.fromEntries(statuses.map((s) => [s, to])) as Partial<Record<CaseStatus, T>>;

/** Written out independently of TRANSITIONS: "=" keeps the status. */
const EXPECTED: Record<Action, Partial<Record<CaseStatus, CaseStatus | "=">>> = {
  respond: every(["assigned", "in_progress", "waiting", "reopened"], "in_progress"),
  note: every([...OPEN_STATUSES, "resolved"], "="),
  wait: every(["assigned", "in_progress", "reopened"], "waiting"),
  assign: every(OPEN_STATUSES, "assigned"),
  escalate: every(OPEN_STATUSES, "="),
  merge: every(OPEN_STATUSES, "closed"),
  resolve: every(["queued", "assigned", "in_progress", "waiting", "reopened"], "resolved"),
  close: every([...OPEN_STATUSES, "resolved"], "closed"),
  correct: every(OPEN_STATUSES, "="),
  route: every(["new", "queued"], "assigned"),
  queue: every(["new", "reopened"], "queued"),
  // The waiting fixture had a first response: back to in_progress.
  "customer-message": { waiting: "in_progress" },
  "auto-resolve": every(["new", "queued", "assigned", "in_progress", "waiting"], "resolved"),
  reopen: { resolved: "reopened" },
  "follow-up-close": { resolved: "closed" },
  "sla-escalate": every(OPEN_STATUSES, "="),
  "merged-into": every(OPEN_STATUSES, "closed"),
};

const RECORDED: Record<Action, { kind: string; event: string | null }> = {
  respond: { kind: "responded", event: "Case Responded" },
  note: { kind: "note", event: null },
  wait: { kind: "waiting", event: "Case Waiting" },
  assign: { kind: "assigned", event: "Case Assigned" },
  escalate: { kind: "escalated", event: "Case Escalated" },
  merge: { kind: "merged", event: "Case Closed" },
  resolve: { kind: "resolved", event: "Case Resolved" },
  close: { kind: "closed", event: "Case Closed" },
  correct: { kind: "corrected", event: null },
  route: { kind: "assigned", event: "Case Assigned" },
  queue: { kind: "queued", event: "Case Queued" },
  "customer-message": { kind: "resumed", event: null },
  "auto-resolve": { kind: "resolved", event: "Case Resolved" },
  reopen: { kind: "reopened", event: "Case Reopened" },
  "follow-up-close": { kind: "closed", event: "Case Closed" },
  "sla-escalate": { kind: "escalated", event: "Case Escalated" },
  "merged-into": { kind: "merged", event: "Case Closed" },
};

describe("the transition table", () => {
  const cells = ACTIONS.flatMap((action) =>
    CASE_STATUSES.map((status) => ({ action, status, expected: EXPECTED[action][status] })),
  );

  it.each(cells)("$action on a $status case → $expected", ({ action, status, expected }) => {
    const before = deepFreeze(caseIn(status));
    const snapshot = structuredClone(before);
    const result = applyAction(before, actionOf(action, actorFor(action)), context);
    expect(before).toEqual(snapshot);
    if (expected === undefined) {
      expect(result).toMatchObject({ ok: false, status: 409 });
      return;
    }
    const moved = mustSucceed(result);
    expect(moved.next.status).toBe(expected === "=" ? status : expected);
    expect(moved.next.updatedAt).toBe(NOW);
    expect(moved.next.version).toBe(before.version);
    expect(moved.timeline).toMatchObject({
      at: NOW,
      key: `${action}#v7`,
      kind: RECORDED[action].kind,
      actor: actorFor(action).userId,
    });
    expect(moved.event?.detailType ?? null).toBe(RECORDED[action].event);
    if (moved.event) {
      expect(moved.event.detail).toMatchObject({ caseId: CASE_ID, waybillNo: "SF1234567891" });
      expect(JSON.stringify(moved.event.detail)).not.toMatch(/Li Lei|13812345678/);
    }
  });

  it("is the same table as the module's data", () => {
    for (const action of ACTIONS)
      for (const status of CASE_STATUSES) {
        const t = TRANSITIONS[action][status];
        const expected = EXPECTED[action][status];
        if (expected === undefined) expect(t).toBeUndefined();
        else if (t === "resumed") expect(action).toBe("customer-message");
        else expect(t === "same" ? "=" : t).toBe(expected);
      }
  });

  it("lets nothing move a closed case", () => {
    for (const action of ACTIONS) expect(TRANSITIONS[action].closed).toBeUndefined();
  });

  it("renders as Markdown for the docs", () => {
    const table = LIFECYCLE_TABLE_MARKDOWN();
    expect(table.split("\n")).toHaveLength(2 + ACTIONS.length);
    expect(table).toContain("| action | who | new | queued | assigned |");
    expect(table).toContain(
      "| `respond` | case-agent, team-supervisor, admin | — | — | in_progress | in_progress | in_progress | — | in_progress | — |",
    );
    expect(table).toContain("| `customer-message` | system | — | — | — | — | ↩ | — | — | — |");
  });
});

// ---- every action × every role -----------------------------------------------------------------

const ROLES = {
  "own agent": { userId: "agent-1", roles: ["agents"] },
  "other agent": { userId: "agent-9", roles: ["agents"] },
  "team supervisor": { userId: "sup-delivery", roles: ["supervisors"] },
  "other supervisor": { userId: "sup-claims", roles: ["supervisors"] },
  ops: { userId: "ops-1", roles: ["ops"] },
  admin: { userId: "admin-1", roles: ["admins"] },
  system: SYSTEM_ACTOR,
} satisfies Record<string, Actor>;
type Role = keyof typeof ROLES;

const AGENT_MAY = new Set<Action>(["respond", "note", "wait", "escalate", "resolve", "correct"]);
function allowed(action: Action, role: Role): boolean {
  if ((AUTOMATIC_ACTIONS as readonly string[]).includes(action)) return role === "system";
  if (role === "admin" || role === "team supervisor") return true;
  return role === "own agent" && AGENT_MAY.has(action);
}

/** A status in which the action is allowed, so that only the actor decides. */
const statusFor = (action: Action) =>
  CASE_STATUSES.find((s) => EXPECTED[action][s] !== undefined) as CaseStatus;
/** The owned statuses first: an agent's own case has an assignee. */
const ownedStatusFor = (action: Action) =>
  (["assigned", "in_progress", "waiting", "reopened", "resolved"] as const).find(
    (s) => EXPECTED[action][s] !== undefined,
  ) ?? statusFor(action);

describe("who may act", () => {
  const cells = ACTIONS.flatMap((action) =>
    (Object.keys(ROLES) as Role[]).map((role) => ({ action, role, may: allowed(action, role) })),
  );

  it.each(cells)("$action by $role: $may", ({ action, role, may }) => {
    const c = caseIn(ownedStatusFor(action));
    const actor = ROLES[role];
    expect(mayAct(action, c, actor, role.includes("supervisor") ? teamsOf(actor.userId) : [])).toBe(
      may,
    );
    const result = applyAction(c, actionOf(action, actor), context);
    if (may) expect(result.ok).toBe(true);
    else expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it("lets the supervisor of the category's team act on a case without a team", () => {
    const c = caseIn("queued", { team: null });
    const sup = ROLES["team supervisor"];
    expect(mayAct("assign", c, sup, ["delivery-ops"], "delivery-ops")).toBe(true);
    expect(mayAct("assign", c, sup, ["delivery-ops"])).toBe(false);
    expect(checkAction(c, "assign", sup, teams)).toBeNull();
    expect(checkAction(c, "assign", ROLES["other supervisor"], teams)).toMatchObject({
      status: 403,
    });
  });

  it("adds roles up; ops adds nothing", () => {
    const c = caseIn("assigned");
    expect(mayAct("close", c, { userId: "agent-1", roles: ["agents", "ops"] }, [])).toBe(false);
    expect(mayAct("respond", c, { userId: "agent-1", roles: ["agents", "ops"] }, [])).toBe(true);
    expect(mayAct("close", c, { userId: "x", roles: ["ops", "admins"] }, [])).toBe(true);
  });

  it("checks the actor before the status", () => {
    expect(applyAction(caseIn("closed"), actionOf("respond", ROLES.ops), context)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("is listed as data for the docs", () => {
    expect(PERMISSIONS.respond).toEqual(["case-agent", "team-supervisor", "admin"]);
    expect(PERMISSIONS.close).toEqual(["team-supervisor", "admin"]);
    expect(PERMISSIONS.reopen).toEqual(["system"]);
  });
});

function teamsOf(userId: string): string[] {
  return teams.filter((t) => t.supervisors.includes(userId)).map((t) => t.teamId);
}

// ---- clocks ------------------------------------------------------------------------------------

const agent1: Actor = { userId: "agent-1", roles: ["agents"] };

describe("the first-response clock", () => {
  it("stops at the first response, once", () => {
    const first = mustSucceed(
      applyAction(caseIn("assigned"), actionOf("respond", agent1, NOW), context),
    );
    expect(first.next.sla.firstRespondedAt).toBe(NOW);
    expect(first.event?.detail).toMatchObject({
      first: true,
      firstResponseMinutes: 60,
      withinSla: true,
      actor: "agent-1",
      respondedAt: NOW,
    });
    const later = shanghai("2026-11-25T15:00:00");
    const second = mustSucceed(
      applyAction({ ...first.next, version: 8 }, actionOf("respond", agent1, later), context),
    );
    expect(second.next.sla.firstRespondedAt).toBe(NOW);
    expect(second.event?.detail).toMatchObject({ first: false });
    expect(second.event?.detail).not.toHaveProperty("firstResponseMinutes");
    expect(second.timeline.key).toBe("respond#v8");
  });

  it("marks the case breached when the first response comes after its deadline", () => {
    const late = shanghai("2026-11-25T15:00:00"); // due 14:00
    const moved = mustSucceed(
      applyAction(caseIn("assigned"), actionOf("respond", agent1, late), context),
    );
    expect(moved.next.sla.breached).toBe(true);
    expect(moved.event?.detail).toMatchObject({ withinSla: false, firstResponseMinutes: 300 });
  });

  it("no longer wakes the SLA watch once answered: its next check is the resolution warning", () => {
    const c = caseIn("assigned");
    expect(nextSlaCheckAt(c, cal)).toBe(shanghai("2026-11-25T13:12:00")); // 80 % of 4 h
    const moved = mustSucceed(applyAction(c, actionOf("respond", agent1), context));
    // 80 % of 45 business hours = 36 h from Wednesday 10:00: Wed 8, Thu 9, Fri 9, Sat 9, Mon 1.
    expect(moved.next.sla.nextCheckAt).toBe(shanghai("2026-11-30T10:00:00"));
  });
});

describe("the resolution clock", () => {
  // Waits Saturday 17:00, resumed Monday 10:00: one hour Saturday, one hour Monday, Sunday off.
  const waitAt = shanghai("2026-11-28T17:00:00");
  const resumeAt = shanghai("2026-11-30T10:00:00");
  const dueBefore = shanghai("2026-12-01T10:00:00");

  function waited(): Case {
    const working = caseIn("in_progress");
    expect(working.sla.resolutionDue).toBe(dueBefore);
    const moved = mustSucceed(applyAction(working, actionOf("wait", agent1, waitAt), context));
    expect(moved.next).toMatchObject({
      status: "waiting",
      waitingReason: "a reason",
      sla: { pausedAt: waitAt, resolutionDue: dueBefore },
    });
    expect(moved.event?.detail).toMatchObject({ pausedAt: waitAt, actor: "agent-1" });
    return { ...moved.next, version: 8 };
  }

  it("pauses while waiting and moves its deadline by the business time waited (a response)", () => {
    const moved = mustSucceed(
      applyAction(waited(), actionOf("respond", agent1, resumeAt), context),
    );
    expect(moved.next.status).toBe("in_progress");
    expect(moved.next.sla).toMatchObject({
      pausedAt: null,
      pausedMinutes: 120,
      resolutionDue: shanghai("2026-12-01T12:00:00"),
    });
    expect(moved.next.waitingReason).toBeNull();
    expect(
      businessMinutesBetween(new Date(dueBefore), new Date(moved.next.sla.resolutionDue!), cal),
    ).toBe(120);
    expect(moved.timeline.data).toMatchObject({ pausedMinutes: 120 });
  });

  it("resumes the same way on a customer's message, back to in_progress", () => {
    const moved = mustSucceed(
      applyAction(waited(), actionOf("customer-message", SYSTEM_ACTOR, resumeAt), context),
    );
    expect(moved.next.status).toBe("in_progress");
    expect(moved.next.sla).toMatchObject({
      pausedMinutes: 120,
      resolutionDue: shanghai("2026-12-01T12:00:00"),
    });
    expect(moved.event).toBeNull();
  });

  it("resumes to assigned when nobody has responded yet", () => {
    const c = caseIn("waiting", { sla: { ...caseIn("waiting").sla, firstRespondedAt: null } });
    const moved = mustSucceed(applyAction(c, actionOf("customer-message", SYSTEM_ACTOR), context));
    expect(moved.next.status).toBe("assigned");
  });

  it("counts a wait across closing time in business minutes only", () => {
    const c = caseIn("waiting", {
      sla: { ...caseIn("waiting").sla, pausedAt: shanghai("2026-11-26T17:30:00") },
    });
    const moved = mustSucceed(
      applyAction(c, actionOf("respond", agent1, shanghai("2026-11-27T09:30:00")), context),
    );
    expect(moved.next.sla.pausedMinutes).toBe(60);
    expect(moved.next.sla.resolutionDue).toBe(shanghai("2026-12-01T11:00:00"));
  });

  it("keeps the pause counted when a waiting case is resolved, closed or reassigned", () => {
    for (const action of ["resolve", "close", "assign"] as const) {
      const moved = mustSucceed(applyAction(waited(), actionOf(action, admin, resumeAt), context));
      expect(moved.next.sla).toMatchObject({ pausedAt: null, pausedMinutes: 120 });
      expect(moved.next.waitingReason).toBeNull();
    }
  });

  it("records a late resolution as a breach", () => {
    const late = shanghai("2026-12-02T10:00:00");
    const moved = mustSucceed(
      applyAction(caseIn("in_progress"), actionOf("resolve", agent1, late), context),
    );
    expect(moved.next.sla.breached).toBe(true);
    expect(moved.event?.detail).toMatchObject({ withinSla: false, auto: false });
  });

  it("does not run while the case is resolved: a reopened case resumes it", () => {
    const resolved = caseIn("resolved", { resolvedAt: shanghai("2026-11-27T17:00:00") });
    const moved = mustSucceed(
      applyAction(
        resolved,
        actionOf("reopen", SYSTEM_ACTOR, shanghai("2026-11-28T11:00:00")),
        context,
      ),
    );
    // Friday 17:00 → Saturday 11:00: 3 business hours resolved.
    expect(moved.next.sla).toMatchObject({
      pausedMinutes: 180,
      resolutionDue: addBusinessMinutes(new Date(dueBefore), 180, cal).toISOString(),
    });
  });
});

// ---- what moves do -----------------------------------------------------------------------------

const supervisor: Actor = { userId: "sup-delivery", roles: ["supervisors"] };

describe("ending a case", () => {
  const released = [
    { kind: "release-capacity", agentId: "agent-1" },
    { kind: "backfill", team: "delivery-ops", agentId: "agent-1" },
    { kind: "release-guard", waybillNo: "SF1234567891", category: "delay" },
  ];

  it("resolve: gives the agent's slot and the waybill's open-case slot back", () => {
    const moved = mustSucceed(
      applyAction(caseIn("in_progress"), actionOf("resolve", agent1), context),
    );
    expect(moved.effects).toEqual(released);
    expect(moved.next).toMatchObject({
      status: "resolved",
      resolvedAt: NOW,
      resolution: "Redelivered today",
      assignee: "agent-1",
      sla: { nextCheckAt: null },
    });
    expect(moved.event?.detail).toMatchObject({
      category: "delay",
      team: "delivery-ops",
      assignee: "agent-1",
      source: "event",
      channel: null,
      actor: "agent-1",
      auto: false,
      withinSla: true,
      openedAt: OPENED,
      resolvedAt: NOW,
    });
  });

  it("resolve of a queued case: no agent slot to give back", () => {
    const moved = mustSucceed(applyAction(caseIn("queued"), actionOf("resolve", admin), context));
    expect(moved.effects).toEqual([released[2]]);
  });

  it("close: releases what an open case holds; a resolved case gave it back already", () => {
    const open = mustSucceed(
      applyAction(caseIn("assigned"), actionOf("close", supervisor), context),
    );
    expect(open.effects).toEqual(released);
    expect(open.next).toMatchObject({ status: "closed", closedAt: NOW, closeReason: "a reason" });
    expect(open.event?.detail).toMatchObject({ actor: "sup-delivery", mergedInto: null });
    const done = mustSucceed(
      applyAction(caseIn("resolved"), actionOf("close", supervisor), context),
    );
    expect(done.effects).toEqual([]);
  });

  it("merge: closes the source with a link and tells the target", () => {
    const moved = mustSucceed(
      applyAction(caseIn("in_progress"), actionOf("merge", supervisor), context),
    );
    expect(moved.next).toMatchObject({
      status: "closed",
      mergedInto: TARGET_ID,
      closedAt: NOW,
      closeReason: `merged into ${TARGET_ID}`,
    });
    expect(moved.effects.slice(0, 3)).toEqual(released);
    expect(moved.effects[3]).toMatchObject({
      kind: "link-merged",
      caseId: TARGET_ID,
      timeline: { key: `merged-from#${CASE_ID}`, kind: "merged-from", at: NOW },
    });
    expect(moved.event).toMatchObject({
      detailType: "Case Closed",
      detail: { mergedInto: TARGET_ID, closedAt: NOW },
    });
  });

  it("merge: refuses a merge into itself (422), into a case not open (409), a wrong target (422)", () => {
    const c = caseIn("assigned");
    const into = (intoCaseId: string, t: Case) =>
      applyAction(c, { type: "merge", actor: supervisor, at: NOW, intoCaseId, target: t }, context);
    expect(into(CASE_ID, c)).toMatchObject({ ok: false, status: 422 });
    expect(into(TARGET_ID, { ...target, status: "closed" })).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(into(TARGET_ID, { ...target, status: "resolved" })).toMatchObject({ status: 409 });
    expect(into("CS-OTHER0000000000", target)).toMatchObject({ ok: false, status: 422 });
  });

  it("auto-resolve: only an event-only delay case, resolved as delivered", () => {
    const moved = mustSucceed(
      applyAction(caseIn("assigned"), actionOf("auto-resolve", SYSTEM_ACTOR), context),
    );
    expect(moved.next).toMatchObject({ status: "resolved", resolution: "delivered" });
    expect(moved.event?.detail).toMatchObject({ auto: true, actor: "system" });
    expect(moved.effects).toEqual(released);
    for (const c of [
      caseIn("assigned", { category: "damage" }),
      caseIn("assigned", { source: "feedback", text: "还没到" }),
      caseIn("assigned", { repeatOf: "CS-EARLIER00000000" }),
    ])
      expect(applyAction(c, actionOf("auto-resolve", SYSTEM_ACTOR), context)).toMatchObject({
        ok: false,
        status: 409,
      });
    expect(
      applyAction(
        caseIn("assigned"),
        { ...actionOf("auto-resolve", SYSTEM_ACTOR), customerMessageAttached: true } as never,
        context,
      ),
    ).toMatchObject({ ok: false, status: 409 });
  });
});

describe("assigning", () => {
  it("reserves the new agent's slot first, then frees the old one's", () => {
    const moved = mustSucceed(
      applyAction(caseIn("in_progress"), actionOf("assign", supervisor), context),
    );
    expect(moved.effects).toEqual([
      { kind: "reserve-capacity", agentId: "agent-2", ifRefused: "refuse" },
      { kind: "release-capacity", agentId: "agent-1" },
      { kind: "backfill", team: "delivery-ops", agentId: "agent-1" },
    ]);
    expect(moved.next).toMatchObject({ status: "assigned", assignee: "agent-2" });
    expect(moved.event?.detail).toMatchObject({
      team: "delivery-ops",
      assignee: "agent-2",
      reason: "assigned-by-supervisor",
      assignedAt: NOW,
    });
  });

  it("refuses to assign a case to whoever has it already (409)", () => {
    expect(
      applyAction(
        caseIn("assigned"),
        { type: "assign", actor: supervisor, at: NOW, assignee: "agent-1" },
        context,
      ),
    ).toMatchObject({ ok: false, status: 409 });
  });

  it("moves the case to the assignee's team when given; a case with no team needs one", () => {
    const c = caseIn("new");
    expect(
      applyAction(c, { type: "assign", actor: admin, at: NOW, assignee: "agent-2" }, context),
    ).toMatchObject({ ok: false, status: 422 });
    const moved = mustSucceed(
      applyAction(
        c,
        { type: "assign", actor: admin, at: NOW, assignee: "agent-2", team: "claims" },
        context,
      ),
    );
    expect(moved.next.team).toBe("claims");
    expect(moved.effects).toEqual([
      { kind: "reserve-capacity", agentId: "agent-2", ifRefused: "refuse" },
    ]);
  });

  it("route and queue: what assignment decided, with its reason", () => {
    const routed = mustSucceed(
      applyAction(caseIn("new"), actionOf("route", SYSTEM_ACTOR), context),
    );
    expect(routed.next).toMatchObject({
      status: "assigned",
      assignee: "agent-2",
      team: "delivery-ops",
      routedAt: NOW,
      routeReason: "least-loaded-agent",
    });
    expect(routed.effects).toEqual([]);
    const queued = mustSucceed(
      applyAction(caseIn("reopened"), actionOf("queue", SYSTEM_ACTOR), context),
    );
    expect(queued.next).toMatchObject({ status: "queued", assignee: null });
    expect(queued.event?.detail).toMatchObject({ reason: "no-agent-available", queuedAt: NOW });
  });
});

describe("reopening", () => {
  it("takes the waybill's open-case slot and the agent's slot back (queued if refused)", () => {
    const moved = mustSucceed(
      applyAction(caseIn("resolved"), actionOf("reopen", SYSTEM_ACTOR), context),
    );
    expect(moved.effects).toEqual([
      { kind: "claim-guard", waybillNo: "SF1234567891", category: "delay" },
      { kind: "reserve-capacity", agentId: "agent-1", ifRefused: "queue" },
    ]);
    expect(moved.next).toMatchObject({ status: "reopened", assignee: "agent-1" });
    expect(moved.event?.detail).toMatchObject({ followUpId: "FU-1", reopenedAt: NOW });
  });
});

describe("escalating", () => {
  it("raises the level by one, up to the team's highest, and tells that level's contacts", () => {
    const once = mustSucceed(
      applyAction(caseIn("assigned"), actionOf("escalate", agent1), context),
    );
    expect(once.next).toMatchObject({ escalated: true, escalationLevel: 1, assignee: "agent-1" });
    expect(once.effects).toEqual([
      { kind: "notify-supervisors", level: 1, team: "delivery-ops", recipients: ["sup-delivery"] },
    ]);
    expect(once.event?.detail).toMatchObject({
      level: 1,
      reason: "manual",
      notify: ["sup-delivery"],
    });
    const twice = mustSucceed(
      applyAction({ ...once.next, version: 8 }, actionOf("escalate", agent1), context),
    );
    expect(twice.next.escalationLevel).toBe(2);
    expect(twice.effects).toEqual([
      { kind: "notify-supervisors", level: 2, team: "delivery-ops", recipients: ["mgr-service"] },
    ]);
    const again = mustSucceed(
      applyAction({ ...twice.next, version: 9 }, actionOf("escalate", agent1), context),
    );
    expect(again.next.escalationLevel).toBe(2);
    expect(again.timeline.summary).toMatch(/again/);
  });

  it("sla-escalate: to the level given, refused when the case is there already", () => {
    const c = caseIn("assigned", { escalationLevel: 1, escalated: true });
    const up = mustSucceed(
      applyAction(
        c,
        { type: "sla-escalate", actor: SYSTEM_ACTOR, at: NOW, level: 2, reason: "twice-target" },
        context,
      ),
    );
    expect(up.next.escalationLevel).toBe(2);
    expect(up.event?.detail).toMatchObject({ reason: "twice-target", level: 2 });
    expect(
      applyAction(
        c,
        { type: "sla-escalate", actor: SYSTEM_ACTOR, at: NOW, level: 1, reason: "sla-breach" },
        context,
      ),
    ).toMatchObject({ ok: false, status: 409 });
  });
});
