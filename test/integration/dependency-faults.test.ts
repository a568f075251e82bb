// Dependency faults (GitHub issue 11, point 3): DynamoDB and EventBridge answering throttling or
// 5xx. The faults are injected on the wire by the local runtime (infra/local/dependency-faults.ts:
// a proxy in front of the embedded store, and the PutEvents endpoint of the functions), so the
// functions' real SDK clients meet them with their real retry strategy.
// - Fewer failed attempts than the client's budget: the operation succeeds, and an upstream
//   event still becomes an assigned case, counted once, exactly as without faults.
// - Past the budget, at every write of the path in turn (the Nth write of each kind, as
//   kpi-counting.test.ts does for countFact): the message is reported failed and retried, or
//   dead-lettered while the fault persists; whenever the system is idle nothing is half-written
//   (no case without its guard, no agent slot without its case, no KPI counted but not recorded,
//   or twice), and once the fault clears everything completes to the state of a clean run.
import "./quiet.ts";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  DependencyCall,
  DependencyError,
  DependencyFault,
  DependencyService,
} from "#infra/local/dependency-faults.ts";
import { DEFAULT_ORG_FILE } from "#infra/local/seed-organisation.ts";
import { dynamoClient, eventBridgeClient } from "#shared/adapters/aws-clients.ts";
import { caseIdFor } from "#shared/domain/case-id.ts";
import type { Case } from "#shared/domain/case.ts";
import { isOpenStatus } from "#shared/domain/case.ts";
import { holdsCapacity } from "#shared/domain/case-lifecycle.ts";
import { groupKeysOf, type KpiFact } from "#shared/domain/kpi-facts.ts";
import { busRecorder, damaged, newWaybill, useLocalSystem } from "./local-system.ts";

// The claims team with room for every case of this file (so each one is assigned, not queued).
const orgDir = mkdtempSync(join(tmpdir(), "courier-care-faults-org-"));
const orgFile = join(orgDir, "org.json");
const org = JSON.parse(readFileSync(DEFAULT_ORG_FILE, "utf8")) as {
  agents: { team: string; capacity: number }[];
};
for (const agent of org.agents) if (agent.team === "claims") agent.capacity = 200;
writeFileSync(orgFile, JSON.stringify(org));

const recorder = busRecorder();
const local = useLocalSystem({
  dependencyFaults: [],
  organisationFile: orgFile,
  queueTiming: { visibilityTimeoutMs: 50, maxBatchingWindowMs: 5 },
  loseEvent: recorder.loseEvent,
});
const faults = () => local.system.runtime.dependencyFaults;

/** The store itself (not behind the faults), for this test's own reads. */
let store: DynamoDBDocumentClient;
/** The functions' clients' attempt budgets, as the SDK configures them (aws-clients.ts sets none). */
const budget = { dynamodb: 0, eventbridge: 0 };
beforeAll(async () => {
  store = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: faults().storeEndpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    }),
  );
  budget.dynamodb = await dynamoClient().config.maxAttempts();
  budget.eventbridge = await eventBridgeClient().config.maxAttempts();
});
afterAll(() => {
  store?.destroy();
  rmSync(orgDir, { recursive: true, force: true });
});

// ---- the write steps of the path: upstream event → case → classified → assigned → counted --------

interface Step {
  readonly name: string;
  readonly service: DependencyService;
  readonly operation: string | readonly string[];
  readonly match?: (call: DependencyCall) => boolean;
  /** Made after the batch (kpi-store.ts `flushMarks`): its failure retries no message. */
  readonly afterBatch?: boolean;
}

const onCases = (test: (pk: string, sk: string) => boolean) => (call: DependencyCall) =>
  call.table === "cases" && test(call.key?.pk ?? "", call.key?.sk ?? "");

const isMarkRemoval = (call: DependencyCall) =>
  String(call.input.UpdateExpression ?? "").startsWith("REMOVE marks.");

const STEPS: readonly Step[] = [
  {
    name: "open-case guard put",
    service: "dynamodb",
    operation: "PutItem",
    match: onCases((pk, sk) => pk.startsWith("WAYBILL#") && sk.startsWith("OPEN#")),
  },
  {
    name: "customer index put",
    service: "dynamodb",
    operation: "PutItem",
    match: onCases((pk) => pk.startsWith("CUSTOMER#")),
  },
  {
    // The creation (from the guard's copy), the classification's save, the assignment's save.
    name: "case put",
    service: "dynamodb",
    operation: "PutItem",
    match: onCases((pk, sk) => pk.startsWith("CASE#") && sk === "CASE"),
  },
  {
    name: "guard copy drop",
    service: "dynamodb",
    operation: "UpdateItem",
    match: onCases((pk, sk) => pk.startsWith("WAYBILL#") && sk.startsWith("OPEN#")),
  },
  {
    name: "timeline put",
    service: "dynamodb",
    operation: "PutItem",
    match: onCases((pk, sk) => pk.startsWith("CASE#") && sk.startsWith("TL#")),
  },
  {
    name: "SLA timer put",
    service: "dynamodb",
    operation: ["PutItem", "DeleteItem"],
    match: onCases((pk) => pk.startsWith("SLATIMER#")),
  },
  {
    name: "notice put",
    service: "dynamodb",
    operation: "PutItem",
    match: onCases((pk) => pk.startsWith("NOTICE#")),
  },
  {
    name: "agent slot update",
    service: "dynamodb",
    operation: "UpdateItem",
    match: onCases((pk) => pk.startsWith("AGENT#")),
  },
  {
    name: "KPI fact write",
    service: "dynamodb",
    operation: ["PutItem", "UpdateItem"],
    match: onCases((pk) => pk.startsWith("KPIFACT#")),
  },
  {
    name: "KPI aggregate update",
    service: "dynamodb",
    operation: "UpdateItem",
    match: (call) => onCases((pk) => pk.startsWith("KPI#"))(call) && !isMarkRemoval(call),
  },
  {
    // The marks of counted facts that no later add in the batch removed.
    name: "KPI mark removal",
    service: "dynamodb",
    operation: "UpdateItem",
    match: (call) => onCases((pk) => pk.startsWith("KPI#"))(call) && isMarkRemoval(call),
    afterBatch: true,
  },
  { name: "PutEvents", service: "eventbridge", operation: "PutEvents" },
];

// ---- running one upstream event ----------------------------------------------------------------

/** Records handed to the consumers so far, redeliveries included (the sweeper's aside). */
function deliveries(): number {
  let n = 0;
  for (const [name, queue] of local.system.runtime.queues)
    if (name !== "sweeper") n += queue.stats().delivered;
  return n;
}

function deadLetters(): Map<string, number> {
  const letters = new Map<string, number>();
  for (const [name, queue] of local.system.runtime.queues) {
    const n = queue.stats().deadLetters;
    if (n > 0) letters.set(name, n);
  }
  return letters;
}

interface Run {
  readonly waybillNo: string;
  /** Attempts the plan failed. */
  readonly injected: ReturnType<ReturnType<typeof faults>["injected"]>;
  /** Records delivered for this event, redeliveries included. */
  readonly delivered: number;
  /** Dead letters once idle with the plan still in force, by queue. */
  readonly deadLettered: Map<string, number>;
}

/**
 * Publishes a damaged parcel with `plan` in force and waits until the system is idle. The plan
 * only takes the calls about this event's case (or the KPI aggregates, which only the case's
 * counting writes meanwhile), not the sweeper's about earlier cases; `everyCall`: all calls.
 */
async function runEvent(
  plan: readonly DependencyFault[],
  { everyCall = false } = {},
): Promise<Run> {
  const waybillNo = newWaybill("DF");
  const caseId = caseIdFor(`event:${damaged(waybillNo).eventId}`);
  const concerns = (call: DependencyCall) =>
    (call.key?.pk ?? "").startsWith("KPI#") ||
    JSON.stringify(call.input).includes(caseId) ||
    JSON.stringify(call.input).includes(waybillNo);
  const before = deliveries();
  faults().set(
    everyCall
      ? plan
      : plan.map((rule) => ({
          ...rule,
          match: (call: DependencyCall) => concerns(call) && (rule.match?.(call) ?? true),
        })),
  );
  const [entry] = await local.system.publish([
    { detailType: "Parcel Damaged", detail: damaged(waybillNo) },
  ]);
  expect(entry?.EventId).toBeTruthy();
  await local.system.runtime.idle(30_000);
  return {
    waybillNo,
    injected: faults().injected(),
    delivered: deliveries() - before,
    deadLettered: deadLetters(),
  };
}

/**
 * The fault is gone: whatever was retried is done; what went to a DLQ is redriven (as an
 * operator does) after the leases of runs that failed part way ran out (kpi-store.ts). Returns
 * how many dead letters had to be redriven.
 */
async function settle(): Promise<number> {
  faults().clear();
  await local.system.runtime.idle(30_000);
  let redriven = 0;
  for (let round = 0; round < 3 && deadLetters().size > 0; round++) {
    await local.system.advance("PT3M");
    for (const name of deadLetters().keys()) redriven += local.system.runtime.redrive(name);
    await local.system.runtime.idle(30_000);
  }
  expect(deadLetters(), "dead letters after the faults cleared").toEqual(new Map());
  return redriven;
}

// ---- what is stored ------------------------------------------------------------------------------

async function scanCases(): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.send(
      new ScanCommand({ TableName: "cases", ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The mark a fact leaves on an aggregate item while counted there (kpi-store.ts `markOf`). */
const markOf = (id: string) => createHash("sha256").update(id).digest("base64url").slice(0, 16);

/**
 * What must hold whenever the system is idle, faults or not. `settled`: nothing is left to
 * finish (the faults cleared and every message was processed), so nothing may be pending.
 */
async function checkInvariants(settled: boolean, label = ""): Promise<void> {
  const items = await scanCases();
  const cases = new Map<string, Case>();
  for (const item of items)
    if (item.sk === "CASE" && String(item.pk).startsWith("CASE#"))
      cases.set(item.caseId, item as unknown as Case);
  const guards = items.filter(
    (i) => String(i.pk).startsWith("WAYBILL#") && i.type === "open-guard",
  );

  // No case without its guard: every open case holds its waybill's slot for its problem.
  for (const c of cases.values()) {
    if (!c.waybillNo || !isOpenStatus(c.status)) continue;
    const guard = guards.find(
      (g) => g.pk === `WAYBILL#${c.waybillNo}` && g.sk === `OPEN#${c.category}`,
    );
    expect(guard?.caseId, `the guard of open case ${c.caseId}`).toBe(c.caseId);
  }
  // No guard pointing to no case, unless it carries the case for whoever finds it to complete
  // (case-store.ts openOrAttach: the retry, or the next event of the waybill and problem).
  for (const guard of guards) {
    const c = cases.get(guard.caseId);
    if (c) {
      if (settled) expect(guard.pending, `guard ${guard.pk} keeps no copy`).toBeUndefined();
      continue;
    }
    expect(settled, `guard ${guard.pk} ${guard.sk} points to no case`).toBe(false);
    expect(guard.pending?.caseId, `guard ${guard.pk} carries its case`).toBe(guard.caseId);
  }

  // Agents: the count is the set, and the set is the cases they hold — plus, while a message is
  // still to be retried, a slot reserved for a case not yet saved as assigned (still `new`).
  for (const agent of items.filter((i) => i.type === "agent")) {
    const ids = [...((agent.openCaseIds as Set<string> | undefined) ?? [])].sort();
    expect(agent.openCases, `${agent.agentId}: openCases`).toBe(ids.length);
    const holding = [...cases.values()]
      .filter((c) => c.assignee === agent.agentId && holdsCapacity(c))
      .map((c) => c.caseId)
      .sort();
    for (const id of holding) expect(ids, `${agent.agentId} holds ${id}`).toContain(id);
    const reservedOnly = ids.filter((id) => !holding.includes(id));
    if (settled) expect(reservedOnly, `${agent.agentId}: slots without their case`).toEqual([]);
    for (const id of reservedOnly)
      expect(cases.get(id)?.status, `${label}: ${agent.agentId} reserved ${id}`).toBe("new");
  }

  // KPIs: every aggregate holds exactly the facts recorded as counted, plus the pending ones
  // whose mark it carries (a run that failed part way; its retry finishes it).
  const facts = items.filter((i) => i.type === "kpi-fact");
  if (settled)
    expect(
      facts.filter((f) => f.status !== "counted").map((f) => f.pk),
      "facts left pending",
    ).toEqual([]);
  const aggregates = items.filter((i) => i.type === "kpi-aggregate");
  const expected = new Map<string, Record<string, number>>();
  const actual = new Map<string, Record<string, number>>();
  const add = (into: Map<string, Record<string, number>>, key: string, counts: object) => {
    const sum = into.get(key) ?? {};
    for (const [counter, n] of Object.entries(counts)) sum[counter] = (sum[counter] ?? 0) + n;
    into.set(key, sum);
  };
  for (const aggregate of aggregates) {
    const day = String(aggregate.pk).slice("KPI#".length);
    const group = `${day}|${aggregate.group}|${aggregate.key}`;
    add(actual, group, aggregate.counts ?? {});
  }
  for (const item of facts) {
    const fact = item.fact as KpiFact;
    for (const { group, key } of groupKeysOf(fact)) {
      const target = `${fact.day}|${group}|${key}`;
      const marked = aggregates.some(
        (a) =>
          a.pk === `KPI#${fact.day}` &&
          a.group === group &&
          a.key === key &&
          a.marks?.[markOf(fact.id)] === true,
      );
      if (item.status === "counted" || marked) add(expected, target, fact.counts);
    }
  }
  const nonZero = (m: Map<string, Record<string, number>>) =>
    new Map(
      [...m].map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, n]) => n !== 0))]),
    );
  expect(nonZero(actual), `${label}: KPI aggregates = the facts counted, each once`).toEqual(
    nonZero(expected),
  );
}

/** What a run leaves of its case, ids aside: the same after any fault as in a clean run. */
async function outcomeOf(waybillNo: string) {
  const items = await scanCases();
  const cases = items.filter(
    (i) => i.sk === "CASE" && String(i.pk).startsWith("CASE#") && i.waybillNo === waybillNo,
  );
  expect(cases, `one case for ${waybillNo}`).toHaveLength(1);
  const c = cases[0] as Case;
  const agent = items.find((i) => i.type === "agent" && i.agentId === c.assignee);
  const fact = items.find((i) => i.pk === `KPIFACT#opened#${c.caseId}`);
  const published = recorder.published
    .filter((e) => (e.detail as { caseId?: string }).caseId === c.caseId)
    .map((e) => e["detail-type"]);
  return {
    status: c.status,
    team: c.team,
    category: c.category,
    severity: c.severity,
    priority: c.priority,
    agentHoldsIt: [...((agent?.openCaseIds as Set<string> | undefined) ?? [])].includes(c.caseId),
    timeline: items
      .filter((i) => i.pk === `CASE#${c.caseId}` && String(i.sk).startsWith("TL#"))
      .map((i) => i.kind as string)
      .sort(),
    published: [...new Set(published)].sort(),
    kpiFact: { status: fact?.status, counts: fact?.fact?.counts },
    guard: items.find((i) => i.pk === `WAYBILL#${waybillNo}` && i.sk === `OPEN#${c.category}`)
      ?.caseId,
    caseId: c.caseId,
  };
}

type Outcome = Awaited<ReturnType<typeof outcomeOf>>;
let clean: Omit<Outcome, "caseId" | "guard"> & { delivered: number };

function expectLikeClean(outcome: Outcome, label: string) {
  const { caseId, guard, ...rest } = outcome;
  const { delivered: _delivered, ...expected } = clean;
  expect(rest, label).toEqual(expected);
  expect(guard, `${label}: the guard holds the case`).toBe(caseId);
}

const fault = (step: Step, error: DependencyError, extra: Partial<DependencyFault> = {}) =>
  ({
    service: step.service,
    operation: step.operation,
    ...(step.match ? { match: step.match } : {}),
    error,
    ...extra,
  }) as DependencyFault;

// ---- the tests -----------------------------------------------------------------------------------

/** KPI steps: a run that failed part way holds its fact's lease (kpi-store.ts) for two minutes. */
const leased = (step: Step) => step.name.startsWith("KPI");

describe("dependency faults", () => {
  beforeAll(async () => {
    const run = await runEvent([]);
    expect(run.injected).toEqual([]);
    const { caseId: _c, guard: _g, ...rest } = await outcomeOf(run.waybillNo);
    clean = { ...rest, delivered: run.delivered };
  });

  it("has a clean run to compare with, and the SDK's retry budgets", async () => {
    expect(budget.dynamodb).toBeGreaterThanOrEqual(3);
    expect(budget.eventbridge).toBeGreaterThanOrEqual(3);
    expect(clean).toMatchObject({
      status: "assigned",
      team: "claims",
      agentHoldsIt: true,
      kpiFact: { status: "counted", counts: expect.objectContaining({ opened: 1 }) },
    });
    expect(clean.published).toEqual(
      expect.arrayContaining(["Case Opened", "Case Classified", "Case Assigned"]),
    );
    await checkInvariants(true);
  });

  it("succeeds when every DynamoDB call and every PutEvents fails once with a 5xx", async () => {
    for (const error of ["internal", "unavailable"] as const) {
      const run = await runEvent(
        [
          { service: "dynamodb", error, attempts: 1 },
          { service: "eventbridge", error, attempts: 1 },
        ],
        { everyCall: true },
      );
      // An event's path to an assigned, counted case makes about 40 such calls.
      expect(run.injected.length, error).toBeGreaterThan(30);
      expect(new Set(run.injected.map((f) => f.attempt))).toEqual(new Set([1]));
      expect(run.delivered, `${error}: no message failed`).toBe(clean.delivered);
      expect(await settle()).toBe(0);
      expectLikeClean(await outcomeOf(run.waybillNo), error);
    }
    await checkInvariants(true);
  });

  it("succeeds through throttling on all but the last attempt of the budget", async () => {
    const [guardPut, , , , , , , agentSlot, , , putEvents] = STEPS as Step[];
    const run = await runEvent([
      fault(guardPut as Step, "provisioned-throughput", {
        calls: 1,
        attempts: budget.dynamodb - 1,
      }),
      fault(agentSlot as Step, "throttling", { calls: 1, attempts: 1 }),
      fault(putEvents as Step, "throttling", { calls: 1, attempts: budget.eventbridge - 1 }),
    ]);
    const byRule = (rule: number) => run.injected.filter((f) => f.rule === rule).length;
    expect([byRule(0), byRule(1), byRule(2)]).toEqual([
      budget.dynamodb - 1,
      1,
      budget.eventbridge - 1,
    ]);
    expect(run.delivered, "no message failed").toBe(clean.delivered);
    expect(await settle()).toBe(0);
    expectLikeClean(await outcomeOf(run.waybillNo), "throttled");
    await checkInvariants(true);
  });

  it("succeeds when a call fails all but the last attempt of its budget, at each write step", async () => {
    for (const step of STEPS) {
      const attempts = budget[step.service as "dynamodb" | "eventbridge"] - 1;
      const run = await runEvent([fault(step, "internal", { calls: 1, attempts })]);
      expect(run.injected.length, step.name).toBe(attempts);
      expect(run.delivered, `${step.name}: no message failed`).toBe(clean.delivered);
      expect(await settle()).toBe(0);
      expectLikeClean(await outcomeOf(run.waybillNo), step.name);
    }
    await checkInvariants(true);
  });

  it("completes when a write is carried out but its answer is lost, at every write in turn", async () => {
    const tried: string[] = [];
    for (const step of STEPS) {
      for (let n = 1; ; n++) {
        // The nth call of the step is carried out, then answered with a 500: the SDK's retry
        // meets what the first attempt did (a condition that now fails, a second event).
        const run = await runEvent([
          fault(step, "internal", { skip: n - 1, calls: 1, attempts: 1, when: "after" }),
        ]);
        if (run.injected.length === 0) {
          // The path makes fewer such calls: all were tried (and this run was a clean one).
          expectLikeClean(await outcomeOf(run.waybillNo), `${step.name} #${n}: no fault`);
          break;
        }
        const label = `${step.name} #${n} (answer lost)`;
        tried.push(label);
        await checkInvariants(false, label);
        const redriven = await settle();
        if (!leased(step)) expect(redriven, `${label}: nothing dead-lettered`).toBe(0);
        await checkInvariants(true, label);
        expectLikeClean(await outcomeOf(run.waybillNo), label);
      }
    }
    expect(tried.length).toBeGreaterThanOrEqual(STEPS.length);
  }, 60_000);

  it("reports the message failed when one write fails past the budget, at every write in turn", async () => {
    const tried: string[] = [];
    for (const step of STEPS) {
      for (let n = 1; ; n++) {
        // The step's nth call fails on every attempt of its budget, once.
        const run = await runEvent([fault(step, "internal", { skip: n - 1, calls: 1 })]);
        if (run.injected.length === 0) {
          // The path makes fewer such calls: all were tried (and this run was a clean one).
          expectLikeClean(await outcomeOf(run.waybillNo), `${step.name} #${n}: no fault`);
          break;
        }
        const label = `${step.name} #${n}`;
        tried.push(label);
        expect(run.injected.length, `${label}: attempts`).toBe(budget[step.service as "dynamodb"]);
        expect(new Set(run.injected.map((f) => f.invocationId)).size, label).toBe(1);
        if (step.afterBatch)
          expect(run.delivered, `${label}: no message was retried`).toBe(clean.delivered);
        else
          expect(run.delivered, `${label}: the message was retried`).toBeGreaterThan(
            clean.delivered,
          );
        await checkInvariants(false, label);
        const redriven = await settle();
        if (!leased(step)) expect(redriven, `${label}: the retry finished it`).toBe(0);
        await checkInvariants(true, label);
        expectLikeClean(await outcomeOf(run.waybillNo), label);
      }
    }
    expect(tried.length).toBeGreaterThanOrEqual(STEPS.length);
  }, 60_000);

  it("completes a batch of events under random 5xx and throttling (seeded)", async () => {
    const waybills = Array.from({ length: 5 }, () => newWaybill("DR"));
    faults().set([
      { service: "dynamodb", error: "internal", probability: 0.15, seed: 11 },
      { service: "dynamodb", error: "throttling", probability: 0.02, seed: 12 },
      { service: "eventbridge", error: "unavailable", probability: 0.2, seed: 13 },
    ]);
    const entries = await local.system.publish(
      waybills.map((waybillNo) => ({ detailType: "Parcel Damaged", detail: damaged(waybillNo) })),
    );
    expect(entries.every((entry) => entry.EventId)).toBe(true);
    await local.system.runtime.idle(30_000);
    expect(faults().injected().length).toBeGreaterThan(20);
    await checkInvariants(false, "random");
    await settle();
    await checkInvariants(true, "random");
    for (const waybillNo of waybills) expectLikeClean(await outcomeOf(waybillNo), waybillNo);
  });

  // Last: a write failing on every attempt of every retry spends the SDK's retry quota (500
  // tokens per client, 14 a 5xx retry, refunded only by successes); later runs would retry less.
  it("dead-letters the message while a write keeps failing, half-writing nothing", async () => {
    const at = (name: string, n: number) => ({
      step: STEPS.find((s) => s.name === name) as Step,
      n,
    });
    const cases = [
      at("open-case guard put", 1),
      at("case put", 1), // the creation, after the guard
      at("timeline put", 2), // after Case Classified went out
      at("agent slot update", 1),
      at("case put", 3), // the assignment's save, after the agent's slot was taken
      at("PutEvents", 3), // Case Assigned, after the save
      at("KPI fact write", 1),
      at("KPI aggregate update", 2), // after the first aggregate counted it
    ];
    for (const { step, n } of cases) {
      const label = `${step.name} #${n} failing`;
      // From the nth call of the step on, every call fails (the retries' too) until cleared.
      const run = await runEvent([fault(step, "unavailable", { skip: n - 1 })]);
      expect(run.injected.length, label).toBeGreaterThan(0);
      // Dead-lettered: this message, and any other the failing write stops (a repeat event).
      expect(run.deadLettered.size, label).toBeGreaterThan(0);
      await checkInvariants(false, label);
      expect(await settle(), label).toBeGreaterThan(0);
      await checkInvariants(true, label);
      expectLikeClean(await outcomeOf(run.waybillNo), label);
    }
  }, 60_000);
});
