// GET /v1/kpis and GET /v1/kpis/hotspots: the KPIs of any date range (business days), all or
// grouped, from the daily aggregates of the KPI aggregator (functions/kpis) — a Query per day,
// never a Scan. Agents see their own row, supervisors their teams' (and their agents'), ops and
// admins everything; hotspots are for supervisors, ops and admins.
import { z } from "zod";
import { backlogOfTeam, countNewCases } from "#shared/adapters/case-store.ts";
import { totalsByKey } from "#shared/adapters/kpi-store.ts";
import { listAgentsOfTeam, listTeams } from "#shared/adapters/org-store.ts";
import { KPI_GROUPS, type KpiGroup } from "#shared/domain/kpi-facts.ts";
import {
  type Backlog,
  daysBetween,
  EMPTY_TOTALS,
  kpiRow,
  type KpiTotals,
  previousPeriod,
} from "#shared/domain/kpis.ts";
import type { Caller } from "../caller.ts";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, parseQuery } from "../request.ts";

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

const kpiQuery = z
  .strictObject({ ...rangeQuery, groupBy: z.enum(KPI_GROUPS).optional() })
  .superRefine(checkRange);

const hotspotQuery = z
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
  return json(200, { from: query.from, to: query.to, groupBy: query.groupBy ?? null, rows });
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
  });
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
