// The fault scenario (issue 11, point 2): a seeded set of upstream events through the local
// runtime, with function faults (function-faults.ts) or without; then the faults stop, every DLQ
// is redriven, the queues drain, one last sweep runs, and the whole `cases` table is read back
// as a final state that leaves out what legitimately depends on timing or processing order
// (see `normalise`). Used by function-faults.test.ts, in process (the faulty run) and as a
// child process (the clean run, which needs a store of its own):
//   node --import tsx test/integration/fault-scenario.ts '<FaultRunOptions as JSON>' <out.json>
import "./quiet.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { FunctionFaults, InjectedCounts } from "#infra/local/function-faults.ts";
import { startLocalRuntime } from "#infra/local/runtime.ts";
import type { LocalQueueTotals } from "#infra/local/queue.ts";
import { queues as queueSpecs } from "#infra/topology.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { advanceClock } from "#shared/adapters/clock.ts";
import { groupKeysOf } from "#shared/domain/kpi-facts.ts";
import { type ScenarioEvent, scenario, shuffle } from "./scenario.ts";

export interface FaultRunOptions {
  readonly events: number;
  readonly seed: number;
  readonly faults?: FunctionFaults;
  readonly faultSeed?: number;
  /** Publishes the events in a shuffled order (this seed): what order alone changes. */
  readonly shuffle?: number;
  /** Real time allowed for each drain. */
  readonly drainTimeoutMs?: number;
}

export interface DeadLetterSummary {
  readonly queue: string;
  /** The upstream eventId, or the domain event's detail type and case (normalised). */
  readonly message: string;
  readonly reason: string;
}

export interface FaultRunResult {
  /** The final state, normalised: equal for a clean and a faulty run of the same events. */
  readonly state: Record<string, unknown>;
  /** Broken guarantees found in the final state (none applied twice, nothing stuck). */
  readonly problems: string[];
  /** The events published, and those whose eventId shows up in the store or the intake DLQ. */
  readonly published: number;
  readonly traced: {
    readonly beforeRedrive: readonly string[];
    readonly final: readonly string[];
  };
  /** Every dead letter after the faulty drain (before the redrive), with its reason. */
  readonly deadLettersBeforeRedrive: readonly DeadLetterSummary[];
  readonly deadLettersAtEnd: readonly DeadLetterSummary[];
  /** Per queue, what became of its messages (before the redrive, and at the end). */
  readonly totalsBeforeRedrive: Record<string, LocalQueueTotals & { pending: number }>;
  readonly totalsAtEnd: Record<string, LocalQueueTotals & { pending: number }>;
  readonly redriven: Record<string, number>;
  readonly injected: Record<string, InjectedCounts>;
  /** The same, as GET /_local/queues reports it per queue. */
  readonly reportedInjected: Record<string, InjectedCounts>;
  /** Deliveries to consumers (a redelivery counts again), over the whole run. */
  readonly deliveries: number;
  readonly seconds: { readonly faulty: number; readonly redrive: number; readonly total: number };
  readonly counts: Record<string, number>;
}

const TAG = "FX";

/** The scenario's events, and every 25th made schema-invalid (it must end in the intake DLQ). */
export function faultScenarioEvents(count: number, seed: number): ScenarioEvent[] {
  return scenario(count, seed, TAG).map((event, i) =>
    i % 25 === 12 ? { ...event, detail: { ...event.detail, waybillNo: "bad" } } : event,
  );
}

export async function runFaultScenario(options: FaultRunOptions): Promise<FaultRunResult> {
  const started = Date.now();
  const drainMs = options.drainTimeoutMs ?? 600_000;
  const dataDir = await mkdtemp(join(tmpdir(), "courier-care-faults-"));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    queueTiming: { visibilityTimeoutMs: 200, maxBatchingWindowMs: 5 },
    log: () => undefined,
    ...(options.faults ? { functionFaults: options.faults } : {}),
    ...(options.faultSeed !== undefined ? { faultSeed: options.faultSeed } : {}),
  });
  const client = new EventBridgeClient({
    endpoint: runtime.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    const generated = faultScenarioEvents(options.events, options.seed);
    const events = options.shuffle === undefined ? generated : shuffle(generated, options.shuffle);
    for (let i = 0; i < events.length; i += 10) {
      // Half way, a minute passes: a sweep runs while the events are worked (and faults are on).
      if (i === Math.floor(events.length / 20) * 10) {
        advanceClock(60_000);
        for (const queue of runtime.queues.values()) queue.poke();
      }
      const result = await client.send(
        new PutEventsCommand({
          Entries: events.slice(i, i + 10).map((e) => ({
            EventBusName: "courier-service",
            Source: "courier.orders",
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if (result.FailedEntryCount) throw new Error(`PutEvents refused ${result.FailedEntryCount}`);
    }
    await runtime.idle(drainMs);
    const faultyDone = Date.now();

    const queueTotals = () =>
      Object.fromEntries(
        [...runtime.queues.values()].map((q) => {
          const s = q.stats();
          return [q.name, { ...q.totals(), pending: s.visible + s.inFlight + s.delayed }];
        }),
      );
    const report = async () =>
      (await (await fetch(`${runtime.url}/_local/queues`)).json()) as Record<
        string,
        {
          deadLetterMessages: { body: string; reason: string }[];
          injectedFaults?: InjectedCounts;
        }
      >;
    const eventIds = events.map((e) => e.detail.eventId as string);
    const totalsBeforeRedrive = queueTotals();
    const before = await report();
    const itemsBefore = await scanCases();
    const tracedBefore = traced(eventIds, itemsBefore, before);

    // The faults stop (the bug is fixed); every DLQ goes back to its queue, as an operator would.
    runtime.functionFaults.set(undefined);
    const redriven: Record<string, number> = {};
    for (const spec of queueSpecs) {
      const response = await fetch(`${runtime.url}/_local/queues/${spec.name}/redrive`, {
        method: "POST",
      });
      redriven[spec.name] = ((await response.json()) as { moved: number }).moved;
    }
    await runtime.idle(drainMs);
    // One sweep after everything settled, so both runs end having swept (follow-ups fall due).
    const clock = await fetch(`${runtime.url}/_local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "PT1M" }),
    });
    if (clock.status !== 200) throw new Error(`POST /_local/clock: ${clock.status}`);
    await runtime.idle(drainMs);

    const after = await report();
    const items = await scanCases();
    const { state, problems, caseKeys } = normalise(items);
    const deliveries = [...runtime.queues.values()].reduce((n, q) => n + q.stats().delivered, 0);
    const summarise = (r: typeof before) =>
      Object.entries(r).flatMap(([queue, q]) =>
        q.deadLetterMessages.map((d) => ({
          queue,
          message: describeMessage(d.body, caseKeys),
          reason: d.reason,
        })),
      );
    return {
      state,
      problems,
      published: events.length,
      traced: { beforeRedrive: tracedBefore, final: traced(eventIds, items, after) },
      deadLettersBeforeRedrive: summarise(before),
      deadLettersAtEnd: summarise(after),
      totalsBeforeRedrive,
      totalsAtEnd: queueTotals(),
      redriven,
      injected: runtime.functionFaults.injected(),
      reportedInjected: Object.fromEntries(
        Object.entries(after).flatMap(([queue, q]) =>
          q.injectedFaults ? [[queue, q.injectedFaults]] : [],
        ),
      ),
      deliveries,
      seconds: {
        faulty: (faultyDone - started) / 1000,
        redrive: (Date.now() - faultyDone) / 1000,
        total: (Date.now() - started) / 1000,
      },
      counts: countByType(items),
    };
  } finally {
    client.destroy();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Item = Record<string, any>;

async function scanCases(): Promise<Item[]> {
  // Scan only here, in a test: the system itself never scans.
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({ TableName: "cases", ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The eventIds that appear anywhere in the store, or in a body in the intake DLQ. */
function traced(
  eventIds: readonly string[],
  items: readonly Item[],
  report: Record<string, { deadLetterMessages: { body: string }[] }>,
): string[] {
  const text = `${items.map((item) => plain(item)).join("\n")}\n${(
    report.intake?.deadLetterMessages ?? []
  )
    .map((d) => d.body)
    .join("\n")}`;
  return eventIds.filter((id) => text.includes(`"${id}"`)).sort();
}

function countByType(items: readonly Item[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.type] = (counts[item.type] ?? 0) + 1;
  return counts;
}

/** A dead letter, named without personal data: its upstream event id, or its detail type and case. */
function describeMessage(body: string, caseKeys: ReadonlyMap<string, string>): string {
  try {
    const event = JSON.parse(body) as { "detail-type": string; detail: Record<string, unknown> };
    const detail = event.detail ?? {};
    if (typeof detail.eventId === "string") return `${event["detail-type"]} ${detail.eventId}`;
    const id = typeof detail.caseId === "string" ? detail.caseId : "";
    return renameIds(`${event["detail-type"]} ${id || JSON.stringify(detail)}`, caseKeys);
  } catch {
    return "unreadable body";
  }
}

// ---- the final state ---------------------------------------------------------------------------

/** Timeline keys whose presence depends on the order events arrived in (see normalise). */
const ORDER_DEPENDENT_ENTRIES = /^(opened|event#.*|routed|reclassified|escalated#severe)$/;
/** Times the runtime's clock stamps; the events' own times (occurredAt, deliveredAt) stay. */
const CLOCK_FIELD = /(At|Due|Until)$/;
const KEPT_TIMES = new Set(["occurredAt", "deliveredAt"]);

/**
 * The final state without what legitimately differs between two runs of the same events:
 * - clock times (createdAt, SLA deadlines, timeline `at`, …), versions, index keys, leases;
 * - case ids (derived from the first event to arrive): cases are named by waybill, category and
 *   trigger (the earliest event), and every id built on a case id (follow-ups, notices, facts)
 *   is renamed so;
 * - which agent holds a case, and whether an open case is assigned or queued: capacity goes to
 *   the cases that come first. Instead, per team, the counts of assigned and queued cases and
 *   the agents' total load are compared, and each run is checked on its own (problems): every
 *   load equals the open cases its agent holds, and no case is queued while an agent who could
 *   take it has a free slot;
 * - on the timeline, which event opened the case and which were attached (their set is compared
 *   as `events`), the routing entry, reclassifications (a case classified before all its events
 *   arrived), and the severe escalation with the case's `escalated`/`escalationLevel`: assignment
 *   escalates a case that is severe when it is routed, not one that becomes severe later;
 * - a delivered parcel's sampled follow-up (with its customer ref and KPI facts) on a waybill
 *   that has a case: it exists only if the delivery came before the case;
 * - customer notices: which problem's notice a case gets, with which tier, and whether at all
 *   (its case may be resolved first) follow the event that came first; each is only checked to
 *   belong to a case;
 * - KPI aggregates summed over days and shards (shards follow fact ids), without the per-agent
 *   rows (a case resolved while queued counts for no agent) and the histograms (durations).
 */
export function normalise(items: readonly Item[]): {
  state: Record<string, unknown>;
  problems: string[];
  caseKeys: Map<string, string>;
} {
  const problems: string[] = [];
  const cases = items.filter((item) => item.type === "case");
  const caseKeys = new Map<string, string>();
  for (const c of cases) {
    const key = `${c.waybillNo}/${c.category}/${c.trigger?.eventId}`;
    if ([...caseKeys.values()].includes(key)) problems.push(`two cases for ${key}`);
    caseKeys.set(c.caseId, key);
  }
  const events = new Map<string, Set<string>>();
  const timelines = new Map<string, Map<string, number>>();
  for (const entry of items.filter((item) => item.type === "timeline")) {
    const key = caseKeys.get(entry.caseId) ?? `unknown case ${entry.caseId}`;
    if (entry.key === "opened" || String(entry.key).startsWith("event#")) {
      const set = events.get(key) ?? new Set<string>();
      set.add(entry.data?.trigger?.eventId ?? entry.key);
      events.set(key, set);
    }
    if (ORDER_DEPENDENT_ENTRIES.test(entry.key)) continue;
    const name = `${renameIds(String(entry.key), caseKeys).replace(/#v\d+$/, "")} (${entry.kind})`;
    const kinds = timelines.get(key) ?? new Map<string, number>();
    kinds.set(name, (kinds.get(name) ?? 0) + 1);
    timelines.set(key, kinds);
  }

  // A delivered parcel's sampled follow-up exists if the delivery came before any case of its
  // waybill (a case takes the sample's place when it is resolved): left out where there is one.
  const waybillsWithCases = new Set(cases.map((c) => c.waybillNo));
  const ordered = new Set(
    items
      .filter((i) => i.type === "follow-up" && i.kind === "delivery")
      .filter((i) => waybillsWithCases.has(i.waybillNo))
      .map((i) => i.followUpId as string),
  );
  const sampleFact = (item: Item) =>
    ordered.has(String(item.fact?.id ?? "").replace(/^follow-up-(due|done)#/, ""));
  const left = items.filter(
    (i) =>
      !(i.type === "follow-up" && ordered.has(i.followUpId)) &&
      !(i.type === "customer-ref" && ordered.has(i.followUpId)) &&
      !(i.type === "kpi-fact" && sampleFact(i)),
  );

  const state: Record<string, unknown> = {};
  const kpis: Record<string, Record<string, number>> = {};
  // … and so are the counts of their facts.
  for (const item of items.filter((i) => i.type === "kpi-fact" && sampleFact(i)))
    for (const { group, key } of groupKeysOf(item.fact)) {
      const totals = (kpis[`${group}#${key}`] ??= {});
      for (const [name, n] of Object.entries(item.fact.counts ?? {}))
        totals[name] = (totals[name] ?? 0) - (n as number);
    }
  for (const item of left) {
    switch (item.type) {
      case "timeline":
        continue;
      case "kpi-aggregate": {
        if (item.group === "agent") continue; // who holds a case depends on the order
        const totals = (kpis[`${item.group}#${item.key}`] ??= {});
        for (const [name, n] of Object.entries(item.counts ?? {}))
          totals[name] = (totals[name] ?? 0) + (n as number);
        if (Object.keys(item.marks ?? {}).length)
          problems.push(`KPI aggregate ${item.pk} ${item.sk} keeps marks of facts being added`);
        continue;
      }
      case "case": {
        const key = caseKeys.get(item.caseId) as string;
        const {
          assignee: _assignee,
          routeReason: _routeReason,
          escalated,
          escalationLevel: _level,
          status,
          ...rest
        } = item;
        if (escalated && item.severity !== "severe") problems.push(`${key} escalated, not severe`);
        state[`case ${key}`] = {
          ...(clean(rest, caseKeys) as Item),
          status: status === "assigned" || status === "queued" ? "routed" : status,
          events: [...(events.get(key) ?? [])].sort(),
          timeline: Object.fromEntries([...(timelines.get(key) ?? new Map())].sort()),
        };
        continue;
      }
      case "agent": {
        const { openCases: _n, openCaseIds: _ids, ...rest } = item;
        state[`agent ${item.agentId}`] = clean(rest, caseKeys);
        continue;
      }
      case "notice": {
        if (!caseKeys.has(item.caseId)) problems.push(`${item.noticeId}: no case ${item.caseId}`);
        continue;
      }
      case "follow-up": {
        const { assignee: _assignee, ...rest } = item;
        state[renameIds(`${item.pk}`, caseKeys)] = clean(rest, caseKeys);
        continue;
      }
      case "kpi-fact": {
        // The day of a case's fact is the day it opened: a run may pass midnight.
        const { dims, samples: _samples, day: _day, ...fact } = item.fact ?? {};
        const { agent: _agent, ...otherDims } = dims ?? {};
        if (item.status !== "counted") problems.push(`KPI fact ${item.pk} is ${item.status}`);
        state[renameIds(`${item.pk}`, caseKeys)] = clean(
          { status: item.status, fact: { ...fact, dims: otherDims } },
          caseKeys,
        );
        continue;
      }
      default:
        state[renameIds(`${item.pk} ${item.sk}`, caseKeys)] = clean(item, caseKeys);
    }
  }
  state.kpis = Object.fromEntries(
    Object.entries(kpis)
      .map(
        ([group, totals]) =>
          [group, Object.fromEntries(Object.entries(totals).filter(([, n]) => n !== 0))] as const,
      )
      .filter(([group, totals]) => !group.startsWith("agent#") && Object.keys(totals).length > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  for (const [key, kinds] of timelines)
    for (const [name, n] of kinds)
      if (n > 1) problems.push(`${key}: ${n}× ${name} on the timeline`);
  state.teams = teamsOf(items, problems);
  return { state: sortKeys(state) as Record<string, unknown>, problems, caseKeys };
}

/** Per team: cases by status and the agents' total load; each load checked against the cases. */
function teamsOf(items: readonly Item[], problems: string[]): Record<string, unknown> {
  const cases = items.filter((item) => item.type === "case");
  const agents = items.filter((item) => item.type === "agent");
  const teams: Record<string, { cases: Record<string, number>; load: number }> = {};
  for (const c of cases) {
    const team = (teams[c.team ?? "none"] ??= { cases: {}, load: 0 });
    team.cases[c.status] = (team.cases[c.status] ?? 0) + 1;
    if (c.status === "new") problems.push(`case ${c.caseId} is still new`);
  }
  const open = (c: Item) => c.status !== "resolved" && c.status !== "closed";
  const openKeys = cases.filter(open).map((c) => `${c.waybillNo}/${c.category}`);
  for (const key of new Set(openKeys))
    if (openKeys.filter((k) => k === key).length > 1) problems.push(`two open cases for ${key}`);
  for (const agent of agents) {
    const held = cases.filter((c) => c.assignee === agent.agentId && open(c)).map((c) => c.caseId);
    const ids = [...((agent.openCaseIds as Set<string> | undefined) ?? [])].sort();
    if (agent.openCases !== held.length || ids.join() !== held.sort().join())
      problems.push(
        `${agent.agentId}: load ${agent.openCases}, slots ${ids.length}, holds ${held.length} open cases`,
      );
    if (agent.openCases > agent.capacity)
      problems.push(`${agent.agentId}: load ${agent.openCases} over capacity ${agent.capacity}`);
    (teams[agent.team] ??= { cases: {}, load: 0 }).load += agent.openCases ?? 0;
  }
  for (const c of cases.filter((c) => c.status === "queued")) {
    const free = agents.find(
      (a) =>
        a.team === c.team &&
        a.onShift &&
        a.skills.includes(c.category) &&
        (a.openCases ?? 0) < a.capacity,
    );
    if (free) problems.push(`case ${c.caseId} queued while ${free.agentId} has a free slot`);
  }
  return teams;
}

/** A copy without clock times, index keys, versions and leases; ids renamed; sets as lists. */
function clean(value: unknown, caseKeys: ReadonlyMap<string, string>): unknown {
  if (value instanceof Set) return [...value].map((v) => clean(v, caseKeys)).sort();
  if (Array.isArray(value)) return value.map((v) => clean(v, caseKeys));
  if (typeof value === "string") return renameIds(value, caseKeys);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith("gsi") || key === "at" || key === "version" || key === "caseVersion")
      continue;
    if (key === "acceptance") continue; // seconds from the event's time to the runtime's clock
    if (CLOCK_FIELD.test(key) && !KEPT_TIMES.has(key)) continue;
    out[key] = clean(child, caseKeys);
  }
  return out;
}

/** Case ids (and the ids built on them: FU-…, NT-…) replaced by the case's name. */
function renameIds(text: string, caseKeys: ReadonlyMap<string, string>): string {
  return text.replace(/(CS-)?([0-9A-Z]{16})/g, (whole, _prefix, core: string) => {
    const key = caseKeys.get(`CS-${core}`);
    return key ? `<${key}>` : whole;
  });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

function plain(item: Item): string {
  return JSON.stringify(item, (_key, value) => (value instanceof Set ? [...value] : value));
}

// ---- as a child process ------------------------------------------------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [json, out] = process.argv.slice(2);
  if (!json || !out) {
    console.error("usage: fault-scenario.ts '<options as JSON>' <out.json>");
    process.exit(2);
  }
  const result = await runFaultScenario(JSON.parse(json) as FaultRunOptions);
  await writeFile(out, JSON.stringify(result));
  process.exit(0);
}
