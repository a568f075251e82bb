// An agent's live load (openCases, openCaseIds) against the cases they really hold, through the
// HTTP API and the bus: twenty damage events racing for ten free claims slots, then a seeded
// random scenario of openings and moves by permitted actors (respond, wait, assign, resolve,
// close, merge, going off and on shift), interleaved with the pipeline catching up. Afterwards
// every agent's load equals the cases they hold, nobody is above capacity, and every case is in
// a status the lifecycle allows.
import "./quiet.ts";
import { readFileSync } from "node:fs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import { random } from "./scenario.ts";
import { DEFAULT_ORG_FILE } from "#infra/local/seed-organisation.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { config } from "#shared/adapters/config.ts";
import { getAgent } from "#shared/adapters/org-store.ts";
import { type Case, CASE_STATUSES, type CaseStatus, isOpenStatus } from "#shared/domain/case.ts";
import { holdsCapacity, transitionOf } from "#shared/domain/case-lifecycle.ts";

const local = useLocalSystem();

interface OrgFile {
  readonly teams: readonly { teamId: string; categories: string[]; supervisors: string[] }[];
  readonly agents: readonly {
    agentId: string;
    name: string;
    team: string;
    skills: string[];
    capacity: number;
    onShift: boolean;
    vipCustomers: string[];
  }[];
}
/** The organisation the local runtime seeded. */
const ORG = JSON.parse(readFileSync(DEFAULT_ORG_FILE, "utf8")) as OrgFile;
const supervisorOf = (team: string) =>
  ORG.teams.find((t) => t.teamId === team)?.supervisors[0] as string;

/** The statuses in which a case holds one of its assignee's slots. */
const HOLDING: readonly CaseStatus[] = ["assigned", "in_progress", "waiting", "reopened"];

const tokens = new Map<string, Promise<string>>();
function tokenOf(sub: string, group: string): Promise<string> {
  const key = `${sub}|${group}`;
  if (!tokens.has(key)) tokens.set(key, local.system.token(sub, [group]));
  return tokens.get(key) as Promise<string>;
}
const admin = () => tokenOf("admin-1", "admins");

let adminToken = "";
beforeAll(async () => {
  adminToken = await admin();
});

function putProfile(agentId: string, changes: { capacity?: number; onShift?: boolean } = {}) {
  const seeded = ORG.agents.find((a) => a.agentId === agentId);
  if (!seeded) throw new Error(`${agentId} is not in the seeded organisation`);
  const { agentId: _id, ...profile } = seeded;
  return local.system.request("PUT", `/v1/agents/${agentId}`, {
    token: adminToken,
    body: { ...profile, ...changes },
  });
}

/** The agent's openCaseIds as stored (the load's other half; getAgent does not return it). */
async function openCaseIdsOf(agentId: string): Promise<string[]> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: { pk: `AGENT#${agentId}`, sk: "AGENT" },
      ConsistentRead: true,
    }),
  );
  return [...((Item?.openCaseIds as Set<string> | undefined) ?? [])].sort();
}

/** Every case with this assignee, through GET /v1/cases as an admin, page by page. */
async function casesAssignedTo(agentId: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/v1/cases?assignee=${agentId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await local.system.get(query, adminToken);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const post = (caseId: string, route: string, token: string, body: unknown) =>
  local.act(caseId, route, token, body);

/** Each agent's stored load equals the cases they hold, openCaseIds names them, none over capacity. */
async function expectLoadsMatchCases(): Promise<void> {
  for (const { agentId } of ORG.agents) {
    const agent = await getAgent(agentId);
    expect(agent, agentId).toBeDefined();
    const held = (await casesAssignedTo(agentId))
      .filter((c) => HOLDING.includes(c.status))
      .map((c) => c.caseId as string)
      .sort();
    expect(agent?.openCases, `${agentId} openCases`).toBe(held.length);
    expect(await openCaseIdsOf(agentId), `${agentId} openCaseIds`).toEqual(held);
    expect(agent?.openCases, `${agentId} within capacity`).toBeLessThanOrEqual(
      agent?.capacity as number,
    );
  }
}

// ---- a race for the last slots ---------------------------------------------------------------

describe("twenty damage events at once for ten free claims slots", () => {
  const share: Record<string, number> = { "agent-claims-1": 6, "agent-claims-2": 4 };
  const opened: string[] = [];

  afterAll(async () => {
    // Leave the claims team as seeded: its queue first (so closing does not hand it out), then
    // the assigned cases, then the seeded capacities.
    await local.system.runtime.idle();
    const cases = (await Promise.all(opened.map((id) => getCase(id)))).filter(
      (c): c is Case => c !== undefined && c.status !== "closed",
    );
    cases.sort((a, b) => Number(a.assignee !== null) - Number(b.assignee !== null));
    for (const c of cases)
      expect((await post(c.caseId, "close", adminToken, { reason: "clean-up" })).status).toBe(200);
    for (const agentId of Object.keys(share)) expect((await putProfile(agentId)).status).toBe(200);
    await local.system.runtime.idle();
  });

  it("assigns exactly ten, queues the other ten, and fills both agents to capacity", async () => {
    const capacities: Record<string, number> = {};
    for (const [agentId, free] of Object.entries(share)) {
      const load = (await getAgent(agentId))?.openCases ?? 0;
      capacities[agentId] = load + free;
      const put = await putProfile(agentId, { capacity: load + free, onShift: true });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ capacity: load + free, onShift: true, openCases: load });
    }
    await local.system.runtime.idle();
    const loadsBefore: Record<string, number> = {};
    for (const agentId of Object.keys(share))
      loadsBefore[agentId] = (await getAgent(agentId))?.openCases ?? 0;

    const waybills = Array.from({ length: 20 }, () => newWaybill("RACE"));
    const batches = [waybills.slice(0, 10), waybills.slice(10)];
    const answers = await Promise.all(
      batches.map((batch) =>
        local.system.publish(
          batch.map((w) => ({ detailType: "Parcel Damaged", detail: damaged(w) })),
        ),
      ),
    );
    expect(answers.flat().filter((e) => e.EventId)).toHaveLength(20);
    await local.system.runtime.idle();

    const cases: any[] = [];
    for (const waybillNo of waybills) {
      const found = await local.casesOf(waybillNo);
      expect(found, waybillNo).toHaveLength(1);
      cases.push(found[0]);
      opened.push(found[0].caseId);
    }
    const assigned = cases.filter((c) => c.status === "assigned");
    const queued = cases.filter((c) => c.status === "queued");
    expect(assigned).toHaveLength(10);
    expect(queued).toHaveLength(10);
    for (const c of queued) expect(c).toMatchObject({ assignee: null, team: "claims" });

    for (const [agentId, free] of Object.entries(share)) {
      const mine = assigned.filter((c) => c.assignee === agentId).map((c) => c.caseId);
      expect(mine, agentId).toHaveLength(free);
      const agent = await getAgent(agentId);
      expect(agent?.openCases).toBe(capacities[agentId]);
      expect(agent?.openCases).toBe((loadsBefore[agentId] as number) + free);
      const ids = await openCaseIdsOf(agentId);
      for (const caseId of mine) expect(ids).toContain(caseId);
    }
    await expectLoadsMatchCases();
  });
});

// ---- a seeded random scenario ----------------------------------------------------------------

const SEED = Number(process.env.AGENT_LOAD_SEED ?? 20_261_123);
const OPENINGS = 12;
const STEPS = Number(process.env.AGENT_LOAD_STEPS ?? 60);

const MESSAGES: Record<string, readonly string[]> = {
  "delivery-ops": ["快递员态度很差，还骂人，太过分了"],
  billing: ["I was overcharged for shipping, the fee is far above the quote.", "运费多收了二十块"],
  "customer-care": ["建议你们增加夜间配送服务", "How do I change my delivery address?"],
};

type StepKind = "open" | "respond" | "wait" | "assign" | "resolve" | "close" | "merge" | "shift";
const WEIGHTS: readonly [StepKind, number][] = [
  ["open", 3],
  ["respond", 4],
  ["wait", 2],
  ["assign", 2],
  ["resolve", 2],
  ["close", 1],
  ["merge", 1],
  ["shift", 1],
];

const ROUTE: Record<Exclude<StepKind, "open" | "shift">, string> = {
  respond: "responses",
  wait: "wait",
  assign: "assign",
  resolve: "resolve",
  close: "close",
  merge: "merge",
};

describe(`a seeded random scenario (seed ${SEED})`, () => {
  it(`keeps every agent's load equal to the cases they hold (seed ${SEED}, ${STEPS} steps)`, async () => {
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const log: string[] = [];
    onTestFailed(() => console.log(`seed ${SEED}:\n${log.join("\n")}`));

    /** Waybills published whose case the intake has not opened yet (as far as we know). */
    const pending: string[] = [];
    /** The cases of the scenario, and the status each last answer of ours gave it. */
    const ids: string[] = [];
    const lastAnswer = new Map<string, CaseStatus>();
    let counter = 0;

    async function open(): Promise<void> {
      counter += 1;
      const waybillNo = newWaybill("LD");
      const vip = next() < 0.1;
      const customer = vip
        ? { id: "cust-2001", name: "Li Lei", phone: "13812345678", tier: "vip" }
        : { id: `cust-ld-${counter}`, name: "Li Lei", phone: "13812345678", tier: "regular" };
      const kind = pick(["damaged", "lost", "delayed", "message", "message"] as const);
      const base = {
        eventId: `evt-${waybillNo}`,
        waybillNo,
        occurredAt: "2026-11-23T10:00:00+08:00",
        customer,
      };
      if (kind === "message") {
        const team = pick(Object.keys(MESSAGES));
        const response = await local.system.request("POST", "/v1/cases", {
          token: adminToken,
          body: {
            channel: pick(["phone", "online", "email", "app"]),
            text: pick(MESSAGES[team] as readonly string[]),
            waybillNo,
            customer,
          },
        });
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        ids.push(response.body.caseId);
        log.push(`open message ${response.body.caseId} (${response.body.category})`);
        return;
      }
      const [detailType, detail] =
        kind === "damaged"
          ? [
              "Parcel Damaged",
              damaged(waybillNo, {
                ...base,
                declaredValue: next() < 0.15 ? 800 : 50 + Math.floor(next() * 400),
              }),
            ]
          : kind === "lost"
            ? ["Parcel Lost", { ...base, declaredValue: Math.floor(next() * 400) }]
            : [
                "Parcel Delayed",
                { ...base, promisedAt: "2026-11-22T18:00:00+08:00", reason: "hub backlog" },
              ];
      const [entry] = await local.system.publish([{ detailType, detail }]);
      expect(entry?.EventId).toBeTruthy();
      pending.push(waybillNo);
      log.push(`open ${detailType} ${waybillNo}${vip ? " (VIP)" : ""}`);
    }

    /** The scenario's cases as stored now (a published waybill once the intake opened it). */
    async function current(): Promise<Case[]> {
      for (const waybillNo of [...pending]) {
        const found = await local.casesOf(waybillNo);
        if (found.length === 0) continue;
        expect(found).toHaveLength(1);
        ids.push(found[0].caseId);
        pending.splice(pending.indexOf(waybillNo), 1);
      }
      const cases = await Promise.all(ids.map((id) => getCase(id)));
      return cases.filter((c): c is Case => c !== undefined);
    }

    /** A permitted actor: the case's own agent (for their moves), its supervisor, or admins. */
    async function actorFor(c: Case, agentMay: boolean): Promise<[string, string]> {
      const choices: [string, string][] = [
        [supervisorOf(c.team as string), "supervisors"],
        ["admin-1", "admins"],
      ];
      if (agentMay && c.assignee) choices.push([c.assignee, "agents"], [c.assignee, "agents"]);
      const [sub, group] = pick(choices);
      return [sub, await tokenOf(sub, group)];
    }

    async function move(kind: Exclude<StepKind, "open" | "shift">): Promise<void> {
      if (kind === "assign") await local.system.runtime.idle();
      const cases = await current();
      // A new case is still on its way through the pipeline: act on routed ones.
      const candidates = cases.filter((c) => {
        if (c.status === "new" || c.team === null) return false;
        if (!transitionOf(kind, c.status)) return false;
        if (kind === "merge")
          return cases.some(
            (t) => t.caseId !== c.caseId && t.team === c.team && isOpenStatus(t.status),
          );
        if (kind === "assign")
          return ORG.agents.some((a) => a.team === c.team && a.agentId !== c.assignee);
        return true;
      });
      if (candidates.length === 0) {
        log.push(`${kind}: no case to ${kind}`);
        return;
      }
      const c = pick(candidates);
      const agentMay = kind === "respond" || kind === "wait" || kind === "resolve";
      const [sub, token] = await actorFor(c, agentMay);
      let body: Record<string, unknown>;
      let expected = [200];
      switch (kind) {
        case "respond":
          body = { text: `step ${log.length}: we are on it` };
          break;
        case "wait":
          body = { reason: "waiting for the customer's photos" };
          break;
        case "resolve":
          body = { resolution: "compensated" };
          break;
        case "close":
          body = { reason: "duplicate" };
          break;
        case "merge": {
          const target = pick(
            cases.filter(
              (t) => t.caseId !== c.caseId && t.team === c.team && isOpenStatus(t.status),
            ),
          );
          body = { intoCaseId: target.caseId };
          break;
        }
        case "assign": {
          const to = pick(ORG.agents.filter((a) => a.team === c.team && a.agentId !== c.assignee));
          const agent = await getAgent(to.agentId);
          const free = !!agent && agent.onShift && agent.openCases < agent.capacity;
          // Refused (409) when the agent is off shift or full: nothing changes.
          expected = free ? [200] : [409];
          body = { assignee: to.agentId };
          break;
        }
      }
      // A queued case may be handed out by a backfill at the same moment: then 412.
      if (c.status === "queued" && kind !== "assign") expected = [200, 412];
      const response = await post(c.caseId, ROUTE[kind], token, body);
      log.push(
        `${kind} ${c.caseId} (${c.status}, ${c.assignee ?? "-"}) by ${sub} ${JSON.stringify(body)} → ${response.status}`,
      );
      expect(expected, `${log.at(-1)}: ${JSON.stringify(response.body)}`).toContain(
        response.status,
      );
      if (response.status !== 200) return;
      const transition = transitionOf(kind, c.status);
      expect(response.body.status).toBe(transition === "same" ? c.status : transition);
      lastAnswer.set(c.caseId, response.body.status);
    }

    async function shift(): Promise<void> {
      const { agentId } = pick(ORG.agents);
      const before = await getAgent(agentId);
      const onShift = !before?.onShift;
      const response = await local.system.request("PATCH", `/v1/agents/${agentId}`, {
        token: await tokenOf(agentId, "agents"),
        body: { onShift },
      });
      log.push(`shift ${agentId} → ${onShift} → ${response.status}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ agentId, onShift });
    }

    const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    const kindOf = (r: number): StepKind => {
      let left = r * total;
      for (const [kind, weight] of WEIGHTS) if ((left -= weight) < 0) return kind;
      return "open";
    };

    for (let i = 0; i < OPENINGS; i++) await open();
    for (let step = 0; step < STEPS; step++) {
      const kind = kindOf(next());
      if (kind === "open") await open();
      else if (kind === "shift") await shift();
      else await move(kind);
      if (next() < 0.35) {
        await local.system.runtime.idle();
        log.push("idle");
      }
    }
    await local.system.runtime.idle();

    // ---- afterwards ----
    const cases = await current();
    expect(pending).toEqual([]);
    expect(cases).toHaveLength(ids.length);
    const statusCounts: Record<string, number> = {};
    for (const c of cases) statusCounts[c.status] = (statusCounts[c.status] ?? 0) + 1;
    log.push(`final statuses ${JSON.stringify(statusCounts)}`);

    for (const c of cases) {
      const what = `${c.caseId} (${c.status}, ${c.assignee ?? "-"})`;
      expect(CASE_STATUSES, what).toContain(c.status);
      // Nothing is left half-way through the pipeline.
      expect(c.status, what).not.toBe("new");
      expect(c.team, what).not.toBeNull();
      if (HOLDING.includes(c.status)) expect(c.assignee, what).not.toBeNull();
      if (c.status === "queued") expect(c.assignee, what).toBeNull();
      if (c.status === "waiting") expect(c.sla.pausedAt, what).toEqual(expect.any(String));
      if (c.status === "in_progress") expect(c.sla.firstRespondedAt, what).not.toBeNull();
      if (c.status === "resolved") expect(c.resolvedAt, what).toEqual(expect.any(String));
      if (c.mergedInto) {
        expect(c.status, what).toBe("closed");
        expect(cases.find((t) => t.caseId === c.mergedInto)?.team, what).toBe(c.team);
      }
      expect(holdsCapacity(c), what).toBe(HOLDING.includes(c.status) && c.assignee !== null);
      // The status our last answer gave it, unless a backfill has handed out a queued case since.
      const last = lastAnswer.get(c.caseId);
      if (last === "queued") expect(["queued", "assigned"], what).toContain(c.status);
      else if (last) expect(c.status, what).toBe(last);
    }

    await expectLoadsMatchCases();

    // A queued case waits only while nobody of its team on shift with its skill has a free slot.
    const agents = await Promise.all(ORG.agents.map((a) => getAgent(a.agentId)));
    for (const c of cases.filter((q) => q.status === "queued")) {
      const free = agents.filter(
        (a) =>
          a &&
          a.team === c.team &&
          a.onShift &&
          a.skills.includes(c.category) &&
          a.openCases < a.capacity,
      );
      expect(
        free.map((a) => a?.agentId),
        `${c.caseId} (${c.category}) queued in ${c.team}`,
      ).toEqual([]);
    }
  }, 120_000);
});
