// The final state of a run, read back from the whole `cases` table and normalised, for the
// scenario tests that compare two runs of the same events: the fault scenario (a clean run and a
// faulty one) and the replay (in order once, and three times shuffled). What legitimately
// differs between two runs is left out (see `normalise`); what each run must hold on its own
// (no load without its case, no case twice, nothing counted twice) is returned as `problems`.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { CUSTOMER_MESSAGE } from "#shared/domain/feedback-case.ts";

export type Item = Record<string, any>;

export async function scanCases(): Promise<Item[]> {
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

/** Timeline keys whose presence depends on the order events arrived in (see normalise). */
const ORDER_DEPENDENT_ENTRIES = /^(opened|event#.*|routed|reclassified)$/;
/** Times the runtime's clock stamps; the events' own times (occurredAt, deliveredAt) stay. */
const CLOCK_FIELD = /(At|Due|Until)$/;
const KEPT_TIMES = new Set(["occurredAt", "deliveredAt"]);

/**
 * The final state without what legitimately differs between two runs of the same events:
 * - clock times (createdAt, SLA deadlines, timeline `at`, a message's receipt, the minutes a
 *   case waited, …), versions, index keys, leases;
 * - case ids (derived from the first event to arrive): cases are named by waybill, category and
 *   trigger (the earliest event), and every id built on a case id (follow-ups, notices, facts)
 *   is renamed so;
 * - which agent holds a case, and whether an open case is assigned or queued: capacity goes to
 *   the cases that come first. Instead, per team, the counts of assigned and queued cases and
 *   the agents' total load are compared, and each run is checked on its own (problems): every
 *   load equals the open cases its agent holds, and no case is queued while an agent who could
 *   take it has a free slot;
 * - on the timeline, which event opened the case and which were attached (their set is compared
 *   as `events`), the routing entry (it names the agent), and reclassifications (a case
 *   classified before all its events arrived);
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
  /** Entries keyed once per case (no `#v<version>`): a second is one applied twice. */
  const once = new Map<string, number>();
  for (const entry of items.filter((item) => item.type === "timeline")) {
    const key = caseKeys.get(entry.caseId) ?? `unknown case ${entry.caseId}`;
    if (entry.key === "opened" || String(entry.key).startsWith("event#")) {
      const set = events.get(key) ?? new Set<string>();
      set.add(entry.data?.trigger?.eventId ?? entry.key);
      events.set(key, set);
    }
    if (ORDER_DEPENDENT_ENTRIES.test(entry.key)) continue;
    const name = `${renameIds(String(entry.key), caseKeys).replace(/#v\d+$/, "")} (${entry.kind})`;
    if (!/#v\d+$/.test(entry.key))
      once.set(`${key}: ${name}`, (once.get(`${key}: ${name}`) ?? 0) + 1);
    const kinds = timelines.get(key) ?? new Map<string, number>();
    kinds.set(name, (kinds.get(name) ?? 0) + 1);
    timelines.set(key, kinds);
  }

  const state: Record<string, unknown> = {};
  const kpis: Record<string, Record<string, number>> = {};
  for (const item of items) {
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
        const { assignee: _assignee, routeReason: _routeReason, escalated, status, ...rest } = item;
        state[`case ${key}`] = {
          ...(clean({ ...rest, escalated }, caseKeys) as Item),
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
  // Entries of a move (`<action>#v<version>`) may recur (a case resolved twice): their counts are
  // compared between runs; any other entry is written once.
  for (const [name, n] of once) if (n > 1) problems.push(`${name}: ${n}× on the timeline`);
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
  // (a message without a waybill opens a case of its own: no slot to share)
  const openKeys = cases
    .filter((c) => open(c) && c.waybillNo)
    .map((c) => `${c.waybillNo}/${c.category}`);
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
    if (key === "pausedMinutes") continue; // time spent waiting, on the runtime's clock
    if (CLOCK_FIELD.test(key) && !KEPT_TIMES.has(key)) continue;
    // A customer's message "occurred" when the API received it: a clock time too.
    if (key === "occurredAt" && (value as Item).detailType === CUSTOMER_MESSAGE) continue;
    out[key] = clean(child, caseKeys);
  }
  return out;
}

/** Case ids (and the ids built on them: FU-…, NT-…) replaced by the case's name. */
export function renameIds(text: string, caseKeys: ReadonlyMap<string, string>): string {
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

export function plain(item: Item): string {
  return JSON.stringify(item, (_key, value) => (value instanceof Set ? [...value] : value));
}
