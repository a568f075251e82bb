// GET /v1/kpis and GET /v1/kpis/hotspots: the KPIs of any date range (business days), all or
// grouped, from the daily aggregates of the KPI aggregator (functions/kpis) — a Query per day,
// never a Scan. Agents see their own row, supervisors their teams' (and their agents'), ops and
// admins everything; hotspots are for supervisors, ops and admins.
import * as z from "zod";
import { backlogOfTeam, countNewCases } from "#shared/adapters/case-store.ts";
import { totalsByKey } from "#shared/adapters/kpi-store.ts";
import { listAgentsOfTeam, listTeams } from "#shared/adapters/org-store.ts";
import { CASE_STATUSES } from "#shared/domain/case.ts";
import { KPI_GROUPS, type KpiGroup } from "#shared/domain/kpi-facts.ts";
import {
  type Backlog,
  daysBetween,
  EMPTY_TOTALS,
  KPI_COUNTERS,
  type KpiCounter,
  kpiRow,
  type KpiTotals,
  previousPeriod,
} from "#shared/domain/kpis.ts";
import type { Caller } from "../caller.ts";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, parseQuery } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import {
  localDate as businessDay,
  ratio,
  responseBody,
  type ResponseOf,
  timestamp,
} from "../schemas.ts";

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a real date");

/** The longest range one request may ask for (a Query per day). */
export const MAX_KPI_DAYS = 366;

const rangeQuery = {
  from: localDate,
  to: localDate,
};

export const kpiQuery = z
  .strictObject({ ...rangeQuery, groupBy: z.enum(KPI_GROUPS).optional() })
  .superRefine(checkRange);

export const hotspotQuery = z
  .strictObject({
    ...rangeQuery,
    by: z.enum(["outlet", "courier", "region"]),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkRange);

function checkRange(q: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (q.to < q.from) ctx.addIssue({ code: "custom", path: ["to"], message: "before from" });
  else if (daysBetween(q.from, q.to).length > MAX_KPI_DAYS)
    ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_KPI_DAYS} days` });
}

export async function kpisRoute({ event, caller }: ApiRequest) {
  const query = parseQuery(event, kpiQuery);
  const group = query.groupBy ?? "all";
  const visible = await visibleKeys(caller, group);
  const totals = await totalsByKey(daysBetween(query.from, query.to), group);
  if (group === "all" && !totals.has("all")) totals.set("all", EMPTY_TOTALS);
  const keys = [...totals.keys()].filter((k) => visible === null || visible.has(k)).sort();
  const rows = [];
  for (const key of keys)
    rows.push(
      kpiRow(key, totals.get(key) as KpiTotals, await backlogOf(group, key, visible === null)),
    );
  return json(200, {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy ?? null,
    rows,
  } satisfies ResponseOf<typeof kpiTableSchema>);
}

export async function hotspotsRoute({ event, caller }: ApiRequest) {
  if (!caller.roles.some((r) => r === "supervisors" || r === "ops" || r === "admins"))
    throw new HttpError(403, "Forbidden", "Hotspots are for supervisors, ops and admins");
  const query = parseQuery(event, hotspotQuery);
  const previous = previousPeriod(query.from, query.to);
  const now = await totalsByKey(daysBetween(query.from, query.to), query.by);
  const before = await totalsByKey(daysBetween(previous.from, previous.to), query.by);
  const spots = [...now.entries()].map(([key, totals]) => {
    const current = rates(totals);
    const earlier = rates(before.get(key) ?? EMPTY_TOTALS);
    return {
      key,
      ...current,
      previous: earlier,
      change: {
        complaints: current.complaints - earlier.complaints,
        complaintRate:
          current.complaintRate === null || earlier.complaintRate === null
            ? null
            : current.complaintRate - earlier.complaintRate,
      },
    };
  });
  const byCount = [...spots]
    .filter((s) => s.complaints > 0)
    .sort((a, b) => b.complaints - a.complaints || a.key.localeCompare(b.key));
  const byRate = spots
    .filter((s) => s.complaintRate !== null && s.complaints > 0)
    .sort(
      (a, b) =>
        (b.complaintRate as number) - (a.complaintRate as number) || a.key.localeCompare(b.key),
    );
  return json(200, {
    by: query.by,
    from: query.from,
    to: query.to,
    previous,
    mostComplaints: byCount.slice(0, query.limit),
    highestComplaintRate: byRate.slice(0, query.limit),
  } satisfies ResponseOf<typeof hotspotsSchema>);
}

function rates(totals: KpiTotals) {
  const row = kpiRow("", totals);
  return {
    complaints: row.counts.complaints,
    delivered: row.counts.delivered,
    complaintRate: row.complaintRate,
    damageRate: row.damageRate,
    lossRate: row.lossRate,
  };
}

/**
 * The keys of `group` the caller may see, or null for all: agents their own row (groupBy
 * agent); supervisors their teams (groupBy team) or their teams' agents (groupBy agent);
 * ops and admins everything. Any other grouping mixes teams: not for agents and supervisors.
 */
async function visibleKeys(caller: Caller, group: "all" | KpiGroup): Promise<Set<string> | null> {
  if (caller.roles.includes("admins") || caller.roles.includes("ops")) return null;
  const keys = new Set<string>();
  if (caller.roles.includes("supervisors")) {
    const supervised = (await listTeams()).filter((t) => t.supervisors.includes(caller.userId));
    if (group === "team") for (const t of supervised) keys.add(t.teamId);
    if (group === "agent")
      for (const t of supervised)
        for (const agent of await listAgentsOfTeam(t.teamId)) keys.add(agent.agentId);
  }
  if (caller.roles.includes("agents") && group === "agent") keys.add(caller.userId);
  if (keys.size === 0)
    throw new HttpError(
      403,
      "Forbidden",
      caller.roles.includes("supervisors")
        ? "Supervisors read the KPIs of their teams: groupBy=team or groupBy=agent"
        : caller.roles.includes("agents")
          ? "Agents read their own KPIs: groupBy=agent"
          : "Your token names none of the groups of this API",
    );
  return keys;
}

/** Open cases by status, for the rows where they are known: all (ops, admins) and teams. */
async function backlogOf(
  group: "all" | KpiGroup,
  key: string,
  seesAll: boolean,
): Promise<Backlog | null> {
  if (group === "team") return backlogOfTeam(key);
  if (group !== "all" || !seesAll) return null;
  const parts = await Promise.all((await listTeams()).map((t) => backlogOfTeam(t.teamId)));
  const byStatus: Record<string, number> = { new: await countNewCases() };
  for (const part of parts)
    for (const [status, n] of Object.entries(part.byStatus))
      byStatus[status] = (byStatus[status] ?? 0) + n;
  const oldest = parts
    .map((p) => p.oldestOpenedAt)
    .filter((at): at is string => at !== null)
    .sort()[0];
  return {
    byStatus,
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    oldestOpenedAt: oldest ?? null,
  };
}

// ---- documentation (GET /openapi.json) --------------------------------------------------------

/** A quotient of two counters of the period, ≥ 0, not clamped (its parts may fall on other days). */
const rate = z.number().min(0).nullable();
/** A percentile of durations, null without any value. */
const percentileValue = z.number().min(0).nullable();

export const kpiRowSchema = responseBody(
  "KpiRow",
  "The KPIs of one key (`all`, a team, an agent, …) over the period; every ratio null when its denominator is 0",
  z.object({
    key: z.string().min(1),
    csat: ratio.nullable(),
    avgSatisfaction: z.number().min(1).max(5).nullable(),
    nps: z.number().min(-100).max(100).nullable(),
    followUpCoverage: ratio.nullable(),
    followUpTimeliness: ratio.nullable(),
    followUpMedianHours: percentileValue,
    resolutionRate: rate,
    firstFollowUpResolution: ratio.nullable(),
    suggestionAdoptionRate: rate,
    firstResponseMinutesP50: percentileValue,
    firstResponseMinutesP90: percentileValue,
    acceptanceSecondsP50: percentileValue,
    slaAttainment: ratio.nullable(),
    complaintRate: rate,
    repeatComplaintRate: ratio.nullable(),
    damageRate: rate,
    lossRate: rate,
    /** Open cases now, for the `all` row (ops, admins) and team rows; null elsewhere. */
    backlog: z
      .object({
        byStatus: z.partialRecord(z.enum(CASE_STATUSES), z.number().int().min(0)),
        total: z.number().int().min(0),
        oldestOpenedAt: timestamp.nullable(),
      })
      .nullable(),
    /** Every counter the ratios are made of. */
    counts: z.object(
      Object.fromEntries(KPI_COUNTERS.map((name) => [name, z.number().int().min(0)])) as Record<
        KpiCounter,
        z.ZodNumber
      >,
    ),
  }),
);

export const kpiTableSchema = responseBody(
  "KpiTable",
  "The KPIs of a period, a row per key that has any fact in it (without groupBy one row, `all`)",
  z.object({
    from: businessDay,
    to: businessDay,
    groupBy: z.enum(KPI_GROUPS).nullable(),
    rows: z.array(kpiRowSchema),
  }),
);

const hotspotRates = {
  complaints: z.number().int().min(0),
  delivered: z.number().int().min(0),
  complaintRate: rate,
  damageRate: rate,
  lossRate: rate,
};

const hotspotSchema = z.object({
  key: z.string().min(1),
  ...hotspotRates,
  /** The same for the previous period of as many days. */
  previous: z.object(hotspotRates),
  change: z.object({
    complaints: z.number().int(),
    /** null when either period has no delivered parcel. */
    complaintRate: z.number().nullable(),
  }),
});

export const hotspotsSchema = responseBody(
  "Hotspots",
  "The outlets, couriers or regions with the most complaints, and with the most per delivered parcel, against the previous period",
  z.object({
    by: z.enum(["outlet", "courier", "region"]),
    from: businessDay,
    to: businessDay,
    previous: z.object({ from: businessDay, to: businessDay }),
    mostComplaints: z.array(hotspotSchema),
    highestComplaintRate: z.array(hotspotSchema),
  }),
);

export const kpiDocs: RouteDocs = {
  "GET /v1/kpis": {
    operationId: "getKpis",
    summary: "The KPIs of a date range (business days, both included, at most 366), all or grouped",
    description:
      "Agents: `groupBy=agent`, their own row; supervisors: `groupBy=team` or `agent`, their teams' rows; ops and admins: everything.",
    query: kpiQuery,
    responses: { 200: { description: "The KPI table", body: kpiTableSchema } },
    problems: {
      400: "A missing or bad date, `to` before `from`, more than 366 days, an unknown groupBy or parameter",
      403: "A grouping the caller's role may not read",
    },
  },
  "GET /v1/kpis/hotspots": {
    operationId: "getKpiHotspots",
    summary: "Where complaints come from: outlets, couriers or regions",
    description: "Supervisors, ops and admins.",
    query: hotspotQuery,
    responses: { 200: { description: "The hotspots", body: hotspotsSchema } },
    problems: {
      400: "A missing or bad date or `by`, `to` before `from`, more than 366 days, an unknown parameter",
      403: "Agents, or a token of none of the API's groups",
    },
  },
};
