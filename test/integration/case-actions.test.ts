// The agents' and supervisors' actions on a case through the HTTP API, checked against the
// lifecycle's own tables: who may make each move (PERMISSIONS: 2xx or 403) and from which status
// (TRANSITIONS: else 409) — a refused action changes nothing (version, status, assignee,
// timeline, the agent's load). Then the flows themselves (respond, note, wait and resume, assign,
// escalate, resolve, close, merge, the timeline) and the requests refused before any move
// (400 bad body, 404 unknown case, 412 stale If-Match, 422 unknown assignee).
import "./quiet.ts";
import { afterEach, describe, expect, it } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import {
  getCase,
  timelineOf,
  type TimelineEntry,
  updateCase,
} from "#shared/adapters/case-store.ts";
import { getAgent } from "#shared/adapters/org-store.ts";
import { type Case, CASE_STATUSES, type CaseStatus } from "#shared/domain/case.ts";
import {
  HUMAN_ACTIONS,
  type HumanAction,
  type Party,
  PERMISSIONS,
  TRANSITIONS,
  transitionOf,
} from "#shared/domain/case-lifecycle.ts";

const local = useLocalSystem();

// ---- the routes ------------------------------------------------------------------------------

/** The POST routes of the actions (contract §3): path segment and the body's one field. */
const ROUTES = {
  respond: { path: "responses", field: "text" },
  note: { path: "notes", field: "text" },
  wait: { path: "wait", field: "reason" },
  assign: { path: "assign", field: "assignee" },
  escalate: { path: "escalate", field: "reason" },
  merge: { path: "merge", field: "intoCaseId" },
  resolve: { path: "resolve", field: "resolution" },
  close: { path: "close", field: "reason" },
} as const satisfies Partial<Record<HumanAction, { path: string; field: string }>>;
type RouteAction = keyof typeof ROUTES;
const ROUTE_ACTIONS = Object.keys(ROUTES) as RouteAction[];

const CLAIMS_AGENTS = ["agent-claims-1", "agent-claims-2"] as const;
const otherClaimsAgent = (agentId: string | null) =>
  agentId === "agent-claims-1" ? "agent-claims-2" : "agent-claims-1";

const tokens = new Map<string, Promise<string>>();
function tokenOf(sub: string, group: string): Promise<string> {
  const key = `${sub}|${group}`;
  if (!tokens.has(key)) tokens.set(key, local.system.token(sub, [group]));
  return tokens.get(key) as Promise<string>;
}
const admin = () => tokenOf("admin-1", "admins");

/**
 * An action as a client sends it: with If-Match from the case's current ETag (read by an admin,
 * so a caller who may not read the case still sends a real version) unless `headers` name one.
 */
async function act(
  action: RouteAction,
  caseId: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const ifMatch: Record<string, string> =
    "if-match" in headers
      ? {}
      : {
          "if-match":
            (await local.system.get(`/v1/cases/${caseId}`, await admin())).headers.get("etag") ??
            '"1"',
        };
  return local.system.request("POST", `/v1/cases/${caseId}/${ROUTES[action].path}`, {
    token,
    body,
    headers: { ...ifMatch, ...headers },
  });
}

function expectProblem(response: { status: number; headers: Headers; body: any }, status: number) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
}

// ---- cases in a known state --------------------------------------------------------------------

/** Every case a test opened: closed after it (a claims agent has 5 slots). */
const created: string[] = [];
/** Agents a test put off shift: back on shift after it (once its queued cases are closed). */
const offShift = new Set<string>();

/** Damage cases from Parcel Damaged events (declared value under the severe threshold). */
async function openClaimsCases(count: number): Promise<any[]> {
  const waybills = Array.from({ length: count }, () => newWaybill("ACT"));
  for (let i = 0; i < waybills.length; i += 10) {
    const entries = await local.system.publish(
      waybills
        .slice(i, i + 10)
        .map((w) => ({ detailType: "Parcel Damaged", detail: damaged(w, { declaredValue: 80 }) })),
    );
    expect(entries.every((e) => e.EventId)).toBe(true);
  }
  await local.system.runtime.idle();
  const cases: any[] = [];
  for (const waybillNo of waybills) {
    const found = await local.casesOf(waybillNo);
    expect(found).toHaveLength(1);
    created.push(found[0].caseId);
    cases.push(found[0]);
  }
  return cases;
}

/** A claims case assigned to one of the two claims agents. */
async function assignedCase(): Promise<any> {
  const [c] = await openClaimsCases(1);
  expect(c).toMatchObject({ status: "assigned", team: "claims", category: "damage" });
  expect(CLAIMS_AGENTS).toContain(c.assignee);
  return c;
}

/** A price complaint from a customer message: a billing case. */
async function billingCase(): Promise<any> {
  const response = await local.system.request("POST", "/v1/cases", {
    token: await admin(),
    body: {
      channel: "email",
      text: "I was overcharged for shipping, the fee is far above the quote.",
      waybillNo: newWaybill("BIL"),
      customer: { id: "cust-act-1", name: "Li Lei", phone: "13812345678", tier: "regular" },
    },
  });
  expect(response.status).toBe(201);
  created.push(response.body.caseId);
  await local.system.runtime.idle();
  const c = await getCase(response.body.caseId);
  expect(c?.team).toBe("billing");
  return c;
}

async function setShift(agentId: string, onShift: boolean) {
  const response = await local.system.request("PATCH", `/v1/agents/${agentId}`, {
    token: await admin(),
    body: { onShift },
  });
  expect(response.status).toBe(200);
  if (!onShift) offShift.add(agentId);
}

/** A claims case in the team queue: both claims agents are off shift until the test ends. */
async function queuedCase(): Promise<any> {
  for (const agentId of CLAIMS_AGENTS) await setShift(agentId, false);
  const [c] = await openClaimsCases(1);
  expect(c).toMatchObject({ status: "queued", assignee: null, team: "claims" });
  return c;
}

afterEach(async () => {
  await local.system.runtime.idle();
  const token = await admin();
  const cases = (await Promise.all(created.splice(0).map((id) => getCase(id)))).filter(
    (c): c is Case => c !== undefined && c.status !== "closed",
  );
  // Unassigned ones first: closing an assigned case frees a slot, and the queue is handed out.
  cases.sort((a, b) => Number(a.assignee !== null) - Number(b.assignee !== null));
  for (const c of cases) {
    const closed = await act("close", c.caseId, token, { reason: "test clean-up" });
    expect(closed.status).toBe(200);
  }
  for (const agentId of offShift) await setShift(agentId, true);
  offShift.clear();
  await local.system.runtime.idle();
});

// ---- what a refusal must leave alone ---------------------------------------------------------

async function timeline(caseId: string): Promise<TimelineEntry[]> {
  const items: TimelineEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await timelineOf(caseId, 100, cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

async function snapshot(caseId: string) {
  const c = await getCase(caseId);
  expect(c).toBeDefined();
  const loads: Record<string, number | undefined> = {};
  for (const agentId of CLAIMS_AGENTS) loads[agentId] = (await getAgent(agentId))?.openCases;
  return {
    version: c?.version,
    status: c?.status,
    assignee: c?.assignee,
    escalated: c?.escalated,
    timeline: (await timeline(caseId)).length,
    loads,
  };
}

// ---- who may act -----------------------------------------------------------------------------

type Situation =
  | "the case's own agent"
  | "another agent of the team"
  | "an agent of another team"
  | "the team's supervisor"
  | "another team's supervisor"
  | "ops"
  | "admins";

const SITUATIONS: readonly { situation: Situation; party: Party | null }[] = [
  { situation: "the case's own agent", party: "case-agent" },
  { situation: "another agent of the team", party: null },
  { situation: "an agent of another team", party: null },
  { situation: "the team's supervisor", party: "team-supervisor" },
  { situation: "another team's supervisor", party: null },
  { situation: "ops", party: null },
  { situation: "admins", party: "admin" },
];

/** The caller of a situation, for a claims case assigned to `assignee`. */
function callerOf(situation: Situation, assignee: string): { sub: string; group: string } {
  switch (situation) {
    case "the case's own agent":
      return { sub: assignee, group: "agents" };
    case "another agent of the team":
      return { sub: otherClaimsAgent(assignee), group: "agents" };
    case "an agent of another team":
      return { sub: "agent-billing-1", group: "agents" };
    case "the team's supervisor":
      return { sub: "sup-claims", group: "supervisors" };
    case "another team's supervisor":
      return { sub: "sup-billing", group: "supervisors" };
    case "ops":
      return { sub: "ops-1", group: "ops" };
    case "admins":
      return { sub: "admin-1", group: "admins" };
  }
}

const mayByTable = (action: HumanAction, party: Party | null) =>
  party !== null && PERMISSIONS[action].includes(party);

const MATRIX = ROUTE_ACTIONS.flatMap((action) =>
  SITUATIONS.map(({ situation, party }) => ({
    action,
    situation,
    allowed: mayByTable(action, party),
  })),
);

describe("who may act: every action route × every role, as PERMISSIONS says", () => {
  it("covers every action of the table that has a route (PATCH is the correction)", () => {
    expect([...ROUTE_ACTIONS, "correct"].sort()).toEqual([...HUMAN_ACTIONS].sort());
  });

  it.each(MATRIX)(
    "$action by $situation → allowed: $allowed",
    async ({ action, situation, allowed }) => {
      const c = await assignedCase();
      const caller = callerOf(situation, c.assignee);
      const token = await tokenOf(caller.sub, caller.group);
      let body: Record<string, unknown>;
      switch (action) {
        case "respond":
        case "note":
          body = { text: `${action} by ${caller.sub}` };
          break;
        case "resolve":
          body = { resolution: "compensated the declared value" };
          break;
        case "assign":
          body = { assignee: otherClaimsAgent(c.assignee) };
          break;
        case "merge": {
          // A target the caller can read (the route answers 422 for one they cannot): the
          // lifecycle then decides on the case merged.
          const otherTeam = caller.sub === "agent-billing-1" || caller.sub === "sup-billing";
          const target = otherTeam ? await billingCase() : (await openClaimsCases(1))[0];
          body = { intoCaseId: target.caseId };
          break;
        }
        default:
          body = { reason: `${action} by ${caller.sub}` };
      }
      const before = await snapshot(c.caseId);
      const response = await act(action, c.caseId, token, body);
      if (allowed) {
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        expect(response.body.caseId).toBe(c.caseId);
        expect(response.body.version).toBe((before.version as number) + 1);
        expect(response.headers.get("etag")).toBe(`"${response.body.version}"`);
        expect((await getCase(c.caseId))?.version).toBe(response.body.version);
        const to = transitionOf(action, c.status);
        expect(response.body.status).toBe(to === "same" ? c.status : to);
      } else {
        expectProblem(response, 403);
        await local.system.runtime.idle();
        expect(await snapshot(c.caseId)).toEqual(before);
      }
    },
  );
});

// ---- from which status -----------------------------------------------------------------------

/** How to get a case into each status through the API (and the store, for `new`). */
const MAKERS: Partial<Record<CaseStatus, () => Promise<string>>> = {
  // A case stays `new` only for the moment the pipeline takes to route it: made here from a
  // queued case with a write to the store (its team's agents are off shift, nothing routes it).
  new: async () => {
    const c = await queuedCase();
    await updateCase(c.caseId, (current) => ({ ...current, status: "new" }));
    return c.caseId;
  },
  queued: async () => (await queuedCase()).caseId,
  assigned: async () => (await assignedCase()).caseId,
  in_progress: async () => {
    const c = await assignedCase();
    expect((await act("respond", c.caseId, await admin(), { text: "on it" })).status).toBe(200);
    return c.caseId;
  },
  waiting: async () => {
    const c = await assignedCase();
    const waited = await act("wait", c.caseId, await admin(), { reason: "photos asked for" });
    expect(waited.status).toBe(200);
    return c.caseId;
  },
  resolved: async () => {
    const c = await assignedCase();
    const resolved = await act("resolve", c.caseId, await admin(), { resolution: "refunded" });
    expect(resolved.status).toBe(200);
    return c.caseId;
  },
  closed: async () => {
    const c = await assignedCase();
    expect((await act("close", c.caseId, await admin(), { reason: "spam" })).status).toBe(200);
    return c.caseId;
  },
};

const refusedIn = (status: CaseStatus) => HUMAN_ACTIONS.filter((a) => !TRANSITIONS[a][status]);
const STATUSES_WITH_REFUSALS = CASE_STATUSES.filter((s) => refusedIn(s).length > 0);

describe("actions from a status that does not allow them (TRANSITIONS) → 409", () => {
  it("can make a case in every status where the table refuses something", () => {
    for (const status of STATUSES_WITH_REFUSALS) expect(MAKERS[status], status).toBeDefined();
  });

  it.each(STATUSES_WITH_REFUSALS.map((status) => ({ status, refused: refusedIn(status) })))(
    "a $status case refuses $refused, and nothing changes",
    async ({ status, refused }) => {
      const caseId = await (MAKERS[status] as () => Promise<string>)();
      const c = await getCase(caseId);
      expect(c?.status).toBe(status);
      // An open merge target, so that only the source's status is wrong.
      const [target] = await openClaimsCases(1);
      const token = await admin();
      const before = await snapshot(caseId);
      for (const action of refused) {
        let response;
        if (action === "correct") {
          response = await local.system.request("PATCH", `/v1/cases/${caseId}`, {
            token,
            body: { severity: "minor" },
            headers: { "if-match": `"${before.version}"` },
          });
        } else {
          const bodies: Record<RouteAction, unknown> = {
            respond: { text: "hello" },
            note: { text: "a note" },
            wait: { reason: "waiting" },
            assign: { assignee: otherClaimsAgent(c?.assignee ?? null) },
            escalate: { reason: "customer angry" },
            merge: { intoCaseId: target.caseId },
            resolve: { resolution: "done" },
            close: { reason: "done" },
          };
          response = await act(action, caseId, token, bodies[action]);
        }
        expectProblem(response, 409);
        expect(response.body.detail, action).toMatch(new RegExp(`is ${status}`));
      }
      await local.system.runtime.idle();
      expect(await snapshot(caseId)).toEqual(before);
    },
  );
});

// ---- the flows -------------------------------------------------------------------------------

const agentToken = (c: { assignee: string }) => tokenOf(c.assignee, "agents");
const supervisor = () => tokenOf("sup-claims", "supervisors");
const load = async (agentId: string) => (await getAgent(agentId))?.openCases;

describe("responding", () => {
  it("the first response stops the first-response clock; a second one keeps it", async () => {
    const c = await assignedCase();
    expect(c.sla.firstRespondedAt).toBeNull();
    const token = await agentToken(c);
    const first = await act("respond", c.caseId, token, { text: "We are looking into it" });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe("in_progress");
    expect(first.body.sla.firstRespondedAt).toEqual(expect.any(String));
    expect(Date.parse(first.body.sla.firstRespondedAt)).toBeGreaterThanOrEqual(
      Date.parse(c.createdAt),
    );

    const second = await act("respond", c.caseId, token, { text: "Compensation is on its way" });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe("in_progress");
    expect(second.body.sla.firstRespondedAt).toBe(first.body.sla.firstRespondedAt);
    expect(second.body.version).toBe(first.body.version + 1);

    const responses = (await timeline(c.caseId)).filter((e) => e.kind === "responded");
    expect(responses.map((e) => e.data?.first)).toEqual([true, false]);
    expect(responses.map((e) => e.actor)).toEqual([c.assignee, c.assignee]);
  });
});

describe("a note", () => {
  it("is on the timeline and changes no status", async () => {
    const c = await assignedCase();
    const before = await timeline(c.caseId);
    const noted = await act("note", c.caseId, await agentToken(c), { text: "called the outlet" });
    expect(noted.status).toBe(200);
    expect(noted.body).toMatchObject({ status: "assigned", assignee: c.assignee });
    expect(noted.body.sla.firstRespondedAt).toBeNull();
    const after = await timeline(c.caseId);
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((e) => e.kind === "note")).toMatchObject({
      actor: c.assignee,
      data: { text: "called the outlet" },
    });
  });
});

describe("waiting", () => {
  it("pauses the resolution clock until the next response, which moves the deadline later", async () => {
    const c = await assignedCase();
    const token = await agentToken(c);
    const waited = await act("wait", c.caseId, token, { reason: "waiting for photos" });
    expect(waited.status).toBe(200);
    expect(waited.body.status).toBe("waiting");
    const paused = await getCase(c.caseId);
    expect(paused?.sla.pausedAt).toEqual(expect.any(String));
    expect(paused?.waitingReason).toBe("waiting for photos");
    const dueBefore = Date.parse(waited.body.sla.resolutionDue);

    const advanced = await local.system.request("POST", "/_local/clock", {
      body: { advance: "PT1H" },
    });
    expect(advanced.status).toBe(200);

    const resumed = await act("respond", c.caseId, token, { text: "thanks, got the photos" });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe("in_progress");
    // Later by the business minutes waited: 0 to 60 of them, depending on when this runs.
    const dueAfter = Date.parse(resumed.body.sla.resolutionDue);
    expect(dueAfter).toBeGreaterThanOrEqual(dueBefore);
    const stored = await getCase(c.caseId);
    expect(stored?.sla.pausedAt ?? null).toBeNull();
    expect(stored?.sla.pausedMinutes ?? 0).toBeGreaterThanOrEqual(0);
    expect(stored?.sla.pausedMinutes ?? 0).toBeLessThanOrEqual(60);
    if ((stored?.sla.pausedMinutes ?? 0) > 0) expect(dueAfter).toBeGreaterThan(dueBefore);
    expect(stored?.waitingReason ?? null).toBeNull();
  });
});

describe("assigning", () => {
  it("moves the case to another agent of the team and their loads with it", async () => {
    const c = await assignedCase();
    const from = c.assignee as string;
    const to = otherClaimsAgent(from);
    const [fromBefore, toBefore] = [await load(from), await load(to)];
    const assigned = await act("assign", c.caseId, await supervisor(), { assignee: to });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: "assigned", assignee: to, team: "claims" });
    await local.system.runtime.idle();
    expect(await load(from)).toBe((fromBefore as number) - 1);
    expect(await load(to)).toBe((toBefore as number) + 1);
    expect((await timeline(c.caseId)).at(-1)).toMatchObject({
      kind: "assigned",
      actor: "sup-claims",
      data: { from, to, reason: "assigned-by-supervisor" },
    });
    // To the agent who has it already: nothing to do.
    const again = await act("assign", c.caseId, await supervisor(), { assignee: to });
    expectProblem(again, 409);
  });

  it("to an agent who does not exist → 422 naming the field, nothing changes", async () => {
    const c = await assignedCase();
    const before = await snapshot(c.caseId);
    const response = await act("assign", c.caseId, await supervisor(), {
      assignee: "agent-nobody",
    });
    expectProblem(response, 422);
    expect(response.body.errors.map((e: any) => e.path)).toEqual(["assignee"]);
    expect(await snapshot(c.caseId)).toEqual(before);
  });
});

describe("escalating", () => {
  it("marks the case escalated, at level 1 or above", async () => {
    const c = await assignedCase();
    expect(c.escalated).toBe(false);
    const escalated = await act("escalate", c.caseId, await agentToken(c), {
      reason: "the customer threatens to go to the regulator",
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({ escalated: true, status: "assigned" });
    const stored = await getCase(c.caseId);
    expect(stored?.escalated).toBe(true);
    expect(stored?.escalationLevel ?? 0).toBeGreaterThanOrEqual(1);
    expect((await timeline(c.caseId)).at(-1)).toMatchObject({ kind: "escalated" });
  });
});

describe("resolving", () => {
  it("resolves the case and gives the agent's slot back", async () => {
    const c = await assignedCase();
    const before = await load(c.assignee);
    const resolved = await act("resolve", c.caseId, await agentToken(c), {
      resolution: "refunded the declared value",
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", assignee: c.assignee });
    await local.system.runtime.idle();
    expect(await load(c.assignee)).toBe((before as number) - 1);
    expect((await getCase(c.caseId))?.resolution).toBe("refunded the declared value");
  });
});

describe("closing", () => {
  it("by the team's supervisor ends the case and frees the slot", async () => {
    const c = await assignedCase();
    const before = await load(c.assignee);
    const closed = await act("close", c.caseId, await supervisor(), { reason: "duplicate call" });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe("closed");
    await local.system.runtime.idle();
    expect(await load(c.assignee)).toBe((before as number) - 1);
    expect(await getCase(c.caseId)).toMatchObject({
      status: "closed",
      closeReason: "duplicate call",
    });
  });
});

describe("merging", () => {
  it("closes the source with a link, and the target's timeline gets the source's entries", async () => {
    const [source, target] = await openClaimsCases(2);
    const token = await admin();
    expect((await act("note", source.caseId, token, { text: "first call" })).status).toBe(200);
    expect((await act("respond", source.caseId, token, { text: "on it" })).status).toBe(200);
    const sourceLoad = await load(source.assignee);

    const merged = await act("merge", source.caseId, await supervisor(), {
      intoCaseId: target.caseId,
    });
    expect(merged.status).toBe(200);
    expect(merged.body.status).toBe("closed");
    await local.system.runtime.idle();
    const stored = await getCase(source.caseId);
    expect(stored).toMatchObject({ status: "closed", mergedInto: target.caseId });
    expect(await load(source.assignee)).toBe((sourceLoad as number) - 1);
    expect((await getCase(target.caseId))?.status).toBe("assigned");

    const sourceEntries = await timeline(source.caseId);
    const targetEntries = await timeline(target.caseId);
    const targetKeys = new Set(targetEntries.map((e) => e.key));
    for (const entry of sourceEntries)
      expect(targetKeys, entry.key).toContain(`from#${source.caseId}#${entry.key}`);
    expect(targetEntries.find((e) => e.kind === "merged-from")).toMatchObject({
      data: { fromCaseId: source.caseId },
    });

    // Into itself: an impossible request.
    const self = await act("merge", target.caseId, await supervisor(), {
      intoCaseId: target.caseId,
    });
    expectProblem(self, 422);
    // Into the closed source: merge into an open case.
    const intoClosed = await act("merge", target.caseId, await supervisor(), {
      intoCaseId: source.caseId,
    });
    expectProblem(intoClosed, 409);
  });
});

describe("the timeline", () => {
  it("lists what happened in time order; ops read it with the words masked", async () => {
    const c = await assignedCase();
    const token = await agentToken(c);
    const steps: [RouteAction, unknown][] = [
      ["note", { text: "customer called twice" }],
      ["respond", { text: "we will call you back today" }],
      ["escalate", { reason: "third complaint" }],
      ["wait", { reason: "waiting for the outlet" }],
      ["respond", { text: "the outlet confirmed the damage" }],
      ["resolve", { resolution: "paid 80 CNY" }],
    ];
    for (const [action, body] of steps)
      expect((await act(action, c.caseId, token, body)).status).toBe(200);
    await local.system.runtime.idle(); // the resolution's follow-up is scheduled

    const asAgent = await local.system.get(`/v1/cases/${c.caseId}/timeline`, token);
    expect(asAgent.status).toBe(200);
    const items = asAgent.body.items as any[];
    const ats = items.map((e) => e.at as string);
    expect([...ats].sort((a, b) => Date.parse(a) - Date.parse(b))).toEqual(ats);
    const kinds = items.map((e) => e.kind);
    for (const kind of ["opened", "assigned", "note", "responded", "escalated", "waiting"])
      expect(kinds).toContain(kind);
    // Then the follow-up call the resolution scheduled.
    expect(kinds.filter((k) => !k.startsWith("follow-up")).at(-1)).toBe("resolved");
    expect(items.find((e) => e.kind === "note").data.text).toBe("customer called twice");
    expect(items.every((e) => e.caseId === undefined)).toBe(true);

    const asOps = await local.system.get(`/v1/cases/${c.caseId}/timeline`, local.ops);
    expect(asOps.status).toBe(200);
    expect(asOps.body.items.map((e: any) => e.key)).toEqual(items.map((e) => e.key));
    // Ops read the words too, masked (functions/api/privacy.ts): a note without personal data
    // reads as it was written.
    expect(asOps.body.items.find((e: any) => e.kind === "note").data.text).toBe(
      "customer called twice",
    );

    // Paged: each entry once, in the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await local.system.get(
        `/v1/cases/${c.caseId}/timeline?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        token,
      );
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((e: any) => e.key));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(items.map((e) => e.key));

    // Another team's agent may not read it.
    const stranger = await tokenOf("agent-billing-1", "agents");
    expectProblem(await local.system.get(`/v1/cases/${c.caseId}/timeline`, stranger), 403);
  });
});

describe("moves at the same moment on one case", () => {
  const holding = (c: { status: string; assignee: string | null } | undefined) =>
    c && ["assigned", "in_progress", "waiting", "reopened"].includes(c.status) ? c.assignee : null;

  it("three resolves at once: one goes through, the others are refused, one slot freed", async () => {
    const c = await assignedCase();
    const before = await load(c.assignee);
    const token = await admin();
    const answers = await Promise.all(
      [1, 2, 3].map(() => act("resolve", c.caseId, token, { resolution: "refunded" })),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((r) => r.status !== 200))
      expect([409, 412]).toContain(refused.status);
    await local.system.runtime.idle();
    expect(await load(c.assignee)).toBe((before as number) - 1);
    expect((await timeline(c.caseId)).filter((e) => e.kind === "resolved")).toHaveLength(1);
  });

  it("an assignment and a close at once: the loads follow whichever won", async () => {
    const c = await assignedCase();
    const to = otherClaimsAgent(c.assignee);
    const before = { [c.assignee]: await load(c.assignee), [to]: await load(to) };
    const token = await admin();
    const answers = await Promise.all([
      act("assign", c.caseId, token, { assignee: to }),
      act("close", c.caseId, token, { reason: "duplicate" }),
    ]);
    expect(answers.some((r) => r.status === 200)).toBe(true);
    for (const r of answers) expect([200, 409, 412]).toContain(r.status);
    await local.system.runtime.idle();
    const after = await getCase(c.caseId);
    const holder = holding(after);
    for (const agentId of [c.assignee, to]) {
      const change = (holder === agentId ? 1 : 0) - (agentId === c.assignee ? 1 : 0);
      expect(await load(agentId), agentId).toBe((before[agentId] as number) + change);
    }
  });
});

// ---- requests refused before any move ------------------------------------------------------------

const VALID: Record<RouteAction, string> = {
  respond: "hello",
  note: "a note",
  wait: "waiting",
  assign: "agent-claims-2",
  escalate: "urgent",
  merge: "CS-0000000000000000",
  resolve: "done",
  close: "done",
};
const TOO_LONG: Record<RouteAction, string> = {
  respond: "x".repeat(5000),
  note: "x".repeat(5000),
  wait: "x".repeat(5000),
  assign: "a".repeat(200),
  escalate: "x".repeat(5000),
  merge: `CS-${"A".repeat(40)}`,
  resolve: "x".repeat(5000),
  close: "x".repeat(5000),
};

const BAD_BODIES = ROUTE_ACTIONS.flatMap((action) => {
  const field = ROUTES[action].field;
  return [
    { action, name: "without its field", body: {}, path: field },
    {
      action,
      name: "with an unknown field",
      body: { [field]: VALID[action], status: "closed" },
      path: "(root)",
    },
    { action, name: "too long", body: { [field]: TOO_LONG[action] }, path: field },
    { action, name: "not a string", body: { [field]: 42 }, path: field },
  ];
});

describe("bad requests", () => {
  it.each(BAD_BODIES)(
    "$action $name → 400 naming $path, nothing changes",
    async ({ action, body, path }) => {
      const c = await assignedCase();
      const before = await snapshot(c.caseId);
      const response = await act(action, c.caseId, await admin(), body);
      expectProblem(response, 400);
      expect(response.body.errors.map((e: any) => e.path)).toContain(path);
      expect(await snapshot(c.caseId)).toEqual(before);
    },
  );

  it("blank words are refused too", async () => {
    const c = await assignedCase();
    const response = await act("respond", c.caseId, await admin(), { text: "   " });
    expectProblem(response, 400);
    expect(response.body.errors.map((e: any) => e.path)).toEqual(["text"]);
  });

  it.each(ROUTE_ACTIONS)("%s on an unknown case → 404", async (action) => {
    const [target] = action === "merge" ? await openClaimsCases(1) : [];
    const body = {
      [ROUTES[action].field]: action === "merge" ? target.caseId : VALID[action],
    };
    const response = await act(action, "CS-0000000000000000", await admin(), body);
    expectProblem(response, 404);
  });

  it.each(ROUTE_ACTIONS)("%s without If-Match → 428, nothing changes", async (action) => {
    const c = await assignedCase();
    const [target] = action === "merge" ? await openClaimsCases(1) : [];
    const before = await snapshot(c.caseId);
    const body = {
      [ROUTES[action].field]:
        action === "merge"
          ? target.caseId
          : action === "assign"
            ? otherClaimsAgent(c.assignee)
            : VALID[action],
    };
    const response = await local.system.request(
      "POST",
      `/v1/cases/${c.caseId}/${ROUTES[action].path}`,
      { token: await admin(), body },
    );
    expectProblem(response, 428);
    expect(response.body.detail).toMatch(/If-Match/);
    expect(await snapshot(c.caseId)).toEqual(before);
  });

  it.each(ROUTE_ACTIONS)("%s with a stale If-Match → 412, nothing changes", async (action) => {
    const c = await assignedCase();
    const token = await admin();
    // One move, so the case is past version `stale`.
    expect((await act("note", c.caseId, token, { text: "first" })).status).toBe(200);
    const [target] = action === "merge" ? await openClaimsCases(1) : [];
    const before = await snapshot(c.caseId);
    const stale = (before.version as number) - 1;
    const body = {
      [ROUTES[action].field]:
        action === "merge"
          ? target.caseId
          : action === "assign"
            ? otherClaimsAgent(c.assignee)
            : VALID[action],
    };
    const response = await act(action, c.caseId, token, body, { "if-match": `"${stale}"` });
    expectProblem(response, 412);
    expect(await snapshot(c.caseId)).toEqual(before);
    // With the current version it goes through.
    const current = await act(action, c.caseId, token, body, {
      "if-match": `"${before.version}"`,
    });
    expect(current.status, JSON.stringify(current.body)).toBe(200);
  });
});
