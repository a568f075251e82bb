// Who may call what (contract §2), as one table: every route of the topology × every kind of
// caller, on a case (or follow-up, team, agent) of the caller's own team and of another team.
// Agents act on their own cases and read their team's; supervisors act on their teams' cases;
// ops read (KPIs, masked cases); admins manage the organisation and act as any supervisor. A
// refusal is 403 (or 404) and changes nothing: another team's case id (BOLA) included.
import "./quiet.ts";
import { afterEach, describe, expect, it } from "vitest";
import { getCase, timelineOf } from "#shared/adapters/case-store.ts";
import { getFollowUp } from "#shared/adapters/follow-up-store.ts";
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import { routes } from "#infra/topology.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

/** The callers of each row. The case under test is a claims case assigned to `own-agent`. */
const CALLERS = {
  "own-agent": { groups: ["agents"] }, // sub: the case's assignee (a claims agent)
  "team-agent": { groups: ["agents"] }, // sub: the other claims agent
  "other-agent": { groups: ["agents"], sub: "agent-billing-1" },
  "team-supervisor": { groups: ["supervisors"], sub: "sup-claims" },
  "other-supervisor": { groups: ["supervisors"], sub: "sup-billing" },
  ops: { groups: ["ops"], sub: "ops-1" },
  admin: { groups: ["admins"], sub: "admin-1" },
  "no-group": { groups: [], sub: "someone" },
} as const;
type CallerKind = keyof typeof CALLERS;
const KINDS = Object.keys(CALLERS) as CallerKind[];

/** What the claims case and its follow-up look like for this row. */
interface Fixture {
  readonly caseId: string;
  readonly assignee: string;
  readonly teamAgent: string;
  readonly waybillNo: string;
  /** The case's customer, this fixture's own (an erasure touches nothing else). */
  readonly customerId: string;
  readonly followUpId?: string;
}

interface Row {
  /** Callers the route lets through (2xx); everyone else is refused with 403 or 404. */
  readonly allowed: readonly CallerKind[];
  /** The request, for the fixture (a fresh one when the call is allowed and writes). */
  readonly request: (f: Fixture) => {
    path: string;
    body?: unknown;
    /** The resource whose ETag goes into If-Match. */
    ifMatchOf?: string;
  };
  readonly needsFollowUp?: boolean;
  /** For a list: whether the fixture's item is among those answered (only for these callers). */
  readonly lists?: { readonly items: (body: any) => any[]; readonly sees: readonly CallerKind[] };
  /** Reads only: a shared fixture is enough. */
  readonly reads?: boolean;
}

const readers: CallerKind[] = ["own-agent", "team-agent", "team-supervisor", "ops", "admin"];
const actors: CallerKind[] = ["own-agent", "team-supervisor", "admin"];
const supervisorsOfTeam: CallerKind[] = ["team-supervisor", "admin"];
const everyone: CallerKind[] = KINDS.filter((k) => k !== "no-group");
const action = (path: string, body: (f: Fixture) => unknown, allowed: CallerKind[]): Row => ({
  allowed,
  request: (f) => ({
    path: `/v1/cases/${f.caseId}/${path}`,
    body: body(f),
    ifMatchOf: `/v1/cases/${f.caseId}`,
  }),
});

/** Every route of the topology has its row: a new route without one fails the test below. */
const MATRIX: Record<string, Row> = {
  "GET /health": { allowed: [...KINDS], reads: true, request: () => ({ path: "/health" }) },
  "GET /openapi.json": {
    allowed: [...KINDS],
    reads: true,
    request: () => ({ path: "/openapi.json" }),
  },
  "GET /v1/cases": {
    allowed: everyone,
    reads: true,
    request: (f) => ({ path: `/v1/cases?waybillNo=${f.waybillNo}` }),
    lists: { items: (b) => b.items, sees: readers },
  },
  "POST /v1/cases": {
    allowed: [
      "own-agent",
      "team-agent",
      "other-agent",
      "team-supervisor",
      "other-supervisor",
      "admin",
    ],
    request: () => ({
      path: "/v1/cases",
      body: {
        channel: "app",
        text: "想咨询一下寄件的运费",
        customer: { id: "cust-matrix", tier: "regular" },
      },
    }),
  },
  "GET /v1/cases/{caseId}": {
    allowed: readers,
    reads: true,
    request: (f) => ({ path: `/v1/cases/${f.caseId}` }),
  },
  "PATCH /v1/cases/{caseId}": {
    allowed: actors,
    request: (f) => ({
      path: `/v1/cases/${f.caseId}`,
      body: { severity: "severe" },
      ifMatchOf: `/v1/cases/${f.caseId}`,
    }),
  },
  "GET /v1/cases/{caseId}/timeline": {
    allowed: readers,
    reads: true,
    request: (f) => ({ path: `/v1/cases/${f.caseId}/timeline` }),
  },
  // The full contact: only the agent the case is assigned to (the read is audited on the timeline).
  "GET /v1/cases/{caseId}/contact": {
    allowed: ["own-agent"],
    request: (f) => ({ path: `/v1/cases/${f.caseId}/contact` }),
  },
  "POST /v1/cases/{caseId}/responses": action(
    "responses",
    () => ({ text: "您好，正在处理" }),
    actors,
  ),
  "POST /v1/cases/{caseId}/notes": action("notes", () => ({ text: "called the outlet" }), actors),
  "POST /v1/cases/{caseId}/wait": action("wait", () => ({ reason: "photos asked for" }), actors),
  "POST /v1/cases/{caseId}/assign": action(
    "assign",
    (f) => ({ assignee: f.teamAgent }),
    supervisorsOfTeam,
  ),
  "POST /v1/cases/{caseId}/escalate": action("escalate", () => ({ reason: "VIP" }), actors),
  "POST /v1/cases/{caseId}/merge": {
    allowed: supervisorsOfTeam,
    request: (f) => ({
      path: `/v1/cases/${f.caseId}/merge`,
      body: { intoCaseId: mergeTarget },
      ifMatchOf: `/v1/cases/${f.caseId}`,
    }),
  },
  "POST /v1/cases/{caseId}/resolve": action("resolve", () => ({ resolution: "paid" }), actors),
  "POST /v1/cases/{caseId}/close": action("close", () => ({ reason: "spam" }), supervisorsOfTeam),
  "GET /v1/follow-ups": {
    allowed: everyone,
    reads: true,
    needsFollowUp: true,
    request: () => ({ path: "/v1/follow-ups?status=due" }),
    // Agents see their own, supervisors their team's; ops and admins every team's.
    lists: {
      items: (b) => b.items,
      sees: ["own-agent", "team-supervisor", "ops", "admin"],
    },
  },
  "GET /v1/follow-ups/{followUpId}": {
    allowed: ["own-agent", "team-supervisor", "ops", "admin"],
    reads: true,
    needsFollowUp: true,
    request: (f) => ({ path: `/v1/follow-ups/${f.followUpId}` }),
  },
  "GET /v1/follow-ups/{followUpId}/contact": {
    allowed: ["own-agent"],
    needsFollowUp: true,
    request: (f) => ({ path: `/v1/follow-ups/${f.followUpId}/contact` }),
  },
  "POST /v1/customers/{customerId}/erasure": {
    allowed: ["admin"],
    request: (f) => ({
      path: `/v1/customers/${f.customerId}/erasure`,
      body: { reason: "the customer's request, ticket 42" },
    }),
  },
  "POST /v1/follow-ups/{followUpId}/outcome": {
    allowed: ["own-agent", "team-supervisor", "admin"],
    needsFollowUp: true,
    request: (f) => ({
      path: `/v1/follow-ups/${f.followUpId}/outcome`,
      body: { reached: false },
      ifMatchOf: `/v1/follow-ups/${f.followUpId}`,
    }),
  },
  "GET /v1/kpis": {
    allowed: everyone,
    reads: true,
    // By agent: what an agent (their own row) and a supervisor (their teams' agents) may ask.
    request: () => ({ path: "/v1/kpis?from=2026-11-01&to=2026-11-30&groupBy=agent" }),
  },
  "GET /v1/kpis/hotspots": {
    allowed: ["team-supervisor", "other-supervisor", "ops", "admin"],
    reads: true,
    request: () => ({ path: "/v1/kpis/hotspots?from=2026-11-01&to=2026-11-30&by=outlet" }),
  },
  "GET /v1/teams": { allowed: everyone, reads: true, request: () => ({ path: "/v1/teams" }) },
  "PUT /v1/teams/{teamId}": {
    allowed: ["admin"],
    request: () => ({ path: "/v1/teams/claims", body: claimsTeamBody }),
  },
  "GET /v1/agents": {
    allowed: everyone,
    reads: true,
    request: () => ({ path: "/v1/agents?team=claims" }),
    // A team outside the caller's reach gives an empty list.
    lists: {
      items: (b) => b.items.map((a: { agentId: string }) => ({ caseId: a.agentId })),
      sees: readers,
    },
  },
  "PUT /v1/agents/{agentId}": {
    allowed: ["admin"],
    request: (f) => ({ path: `/v1/agents/${f.assignee}`, body: agentBodies.get(f.assignee) }),
  },
  "PATCH /v1/agents/{agentId}": {
    // The agent themself (own-agent is the case's, i.e. this agent), their supervisor, admins.
    allowed: ["own-agent", "team-supervisor", "admin"],
    request: (f) => ({ path: `/v1/agents/${f.assignee}`, body: { onShift: true } }),
  },
  "GET /v1/notice-settings": {
    allowed: everyone,
    reads: true,
    request: () => ({ path: "/v1/notice-settings" }),
  },
  "PUT /v1/notice-settings/{category}": {
    // The supervisors of the team owning the category (damage: claims), and admins.
    allowed: supervisorsOfTeam,
    request: () => ({ path: "/v1/notice-settings/damage", body: { enabled: true } }),
  },
};

// ---- fixtures --------------------------------------------------------------------------------

let mergeTarget = "";
const sharedFixtures = new Map<string, Fixture>();
const kept = new Set<string>();

/** The fixture every read and refusal uses (kept open after each test). */
async function shared(kind: "case" | "followUp", make: () => Promise<Fixture>): Promise<Fixture> {
  let f = sharedFixtures.get(kind);
  if (!f) {
    f = await make();
    sharedFixtures.set(kind, f);
    kept.add(f.caseId);
  }
  return f;
}
let claimsTeamBody: unknown;
const agentBodies = new Map<string, unknown>();
const created: string[] = [];

async function tokenFor(kind: CallerKind, f: Fixture): Promise<string> {
  const caller = CALLERS[kind];
  const sub =
    kind === "own-agent" ? f.assignee : kind === "team-agent" ? f.teamAgent : CALLERS[kind].sub;
  return local.system.token(sub as string, [...caller.groups]);
}

async function claimsCase(): Promise<Fixture> {
  const waybillNo = newWaybill("MTX");
  const customerId = `cust-${waybillNo}`;
  const customer = { id: customerId, name: "Han Meimei", phone: "13987654321", tier: "regular" };
  await local.system.publish([
    { detailType: "Parcel Damaged", detail: damaged(waybillNo, { declaredValue: 80, customer }) },
  ]);
  await local.system.runtime.idle();
  const [c] = await local.casesOf(waybillNo);
  expect(c).toMatchObject({ status: "assigned", team: "claims" });
  created.push(c.caseId);
  const teamAgent = c.assignee === "agent-claims-1" ? "agent-claims-2" : "agent-claims-1";
  return { caseId: c.caseId, assignee: c.assignee, teamAgent, waybillNo, customerId };
}

/** A claims case resolved by its agent, whose follow-up call is due. */
async function withDueFollowUp(): Promise<Fixture> {
  const f = await claimsCase();
  const agent = await local.system.token(f.assignee, ["agents"]);
  expect((await local.act(f.caseId, "resolve", agent, { resolution: "paid" })).status).toBe(200);
  await local.system.runtime.idle();
  await local.system.advance("P2D");
  await local.system.runtime.idle();
  const due = await local.system.get("/v1/follow-ups?status=due&limit=100", agent);
  const fu = due.body.items.find((item: { caseId: string }) => item.caseId === f.caseId);
  expect(fu, "the resolved case's follow-up is due").toBeDefined();
  return { ...f, followUpId: fu.followUpId };
}

async function prepare(): Promise<void> {
  if (mergeTarget) return;
  const admin = await local.system.token("admin-1", ["admins"]);
  const target = await claimsCase();
  mergeTarget = target.caseId;
  const teams = (await local.system.get("/v1/teams", admin)).body.items;
  const {
    teamId: _t,
    version: _v,
    updatedAt: _u,
    ...team
  } = teams.find((t: { teamId: string }) => t.teamId === "claims");
  claimsTeamBody = Object.fromEntries(Object.entries(team).filter(([, v]) => v !== null));
  for (const agent of (await local.system.get("/v1/agents?team=claims", admin)).body.items)
    agentBodies.set(agent.agentId, {
      name: agent.name,
      team: agent.team,
      skills: agent.skills,
      capacity: agent.capacity,
      onShift: agent.onShift,
      vipCustomers: agent.vipCustomers,
    });
}

/** What a refused call must leave as it was: the case with its timeline, the follow-up, the org. */
async function state(f: Fixture) {
  const timeline = await timelineOf(f.caseId, 100);
  return {
    case: await getCase(f.caseId),
    timeline: timeline.items,
    followUp: f.followUpId ? await getFollowUp(f.followUpId) : null,
    agents: [await getAgent(f.assignee), await getAgent(f.teamAgent)],
    teams: await listTeams(),
    notices: (await local.system.get("/v1/notice-settings", local.ops)).body,
    matrixCases: (
      await local.system.get("/v1/cases?limit=100", await local.system.token("admin-1", ["admins"]))
    ).body.items.filter((c: { customer: { id: string } }) => c.customer.id === "cust-matrix")
      .length,
  };
}

afterEach(async () => {
  await local.system.runtime.idle();
  const admin = await local.system.token("admin-1", ["admins"]);
  for (const caseId of created.splice(0)) {
    const c = await getCase(caseId);
    if (!c || c.status === "closed" || caseId === mergeTarget || kept.has(caseId)) continue;
    const closed = await local.act(caseId, "close", admin, { reason: "test clean-up" });
    expect([200, 409]).toContain(closed.status);
  }
  await local.system.runtime.idle();
});

// ---- the table -------------------------------------------------------------------------------

describe("the authorization matrix", () => {
  it("has a row for every route of the topology, and no row for a route that does not exist", () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(MATRIX).sort()).toEqual([...keys].sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([key, row]) =>
    KINDS.map((kind) => ({ key, kind, row, allowed: row.allowed.includes(kind) })),
  );

  it.each(cases)("$key by $kind → allowed: $allowed", async ({ key, kind, row, allowed }) => {
    await prepare();
    const method = key.split(" ")[0] as string;
    // A call that may write gets a fresh fixture; reads and refusals change nothing (checked
    // below), so they share one.
    const fresh = allowed && !row.reads;
    const f = row.needsFollowUp
      ? await (fresh ? withDueFollowUp() : shared("followUp", withDueFollowUp))
      : await (fresh ? claimsCase() : shared("case", claimsCase));
    const request = row.request(f);
    const before = await state(f);
    const headers = request.ifMatchOf ? await local.ifMatch(request.ifMatchOf) : {};
    const token = await tokenFor(kind, f);
    const auth = routes.find((r) => `${r.method} ${r.path}` === key)?.auth;
    const response = await local.system.request(method, request.path, {
      ...(auth ? { token } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      headers,
    });
    const what = `${key} by ${kind}: ${JSON.stringify(response.body).slice(0, 300)}`;
    if (allowed) {
      expect(response.status, what).toBeGreaterThanOrEqual(200);
      expect(response.status, what).toBeLessThan(300);
      if (row.lists) {
        const ids = row.lists.items(response.body).map((item: any) => item.caseId);
        const wanted = key === "GET /v1/agents" ? f.assignee : f.caseId;
        expect(ids.includes(wanted), `${what}: sees the item`).toBe(row.lists.sees.includes(kind));
      }
    } else {
      expect([403, 404], what).toContain(response.status);
      expect(response.headers.get("content-type"), what).toMatch(/^application\/problem\+json/);
    }
    if (!allowed || row.reads) {
      await local.system.runtime.idle();
      expect(await state(f), `${what}: nothing changed`).toEqual(before);
    }
  });
});
