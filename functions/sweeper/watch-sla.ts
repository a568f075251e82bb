// Use case: the SLA watch. Cases whose next SLA check is due (a sparse index of small timer
// items, no Scan: the sweep reads only what is due) get their warnings, breaches and
// escalations raised in business time (shared/domain/sla-watch.ts): an event each, published
// before the case is saved (a crash in between repeats the event, never loses it; consumers
// dedupe by case, clock and kind), then a timeline entry each.
import { caseEscalated, slaBreached, slaWarning } from "#events/index.ts";
import {
  addTimelineEntry,
  dueSlaTimers,
  getCase,
  saveCase,
  setSlaTimer,
  VersionConflictError,
} from "#shared/adapters/case-store.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { listTeams } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { escalationContacts, maxEscalationLevel, type Team } from "#shared/domain/assignment.ts";
import type { Case } from "#shared/domain/case.ts";
import { type RaisedSla, slaWatch } from "#shared/domain/sla-watch.ts";
import { teamPolicy } from "#shared/domain/team-policy.ts";
import { SWEEP_BUDGET_MS, sweepPages } from "./sweep-pages.ts";

/** Timers read per page. At 600,000 cases a day (about 4 checks each) some 1,700 fall due a minute. */
const TIMERS_PER_PAGE = 100;

export async function watchSla(now: Date): Promise<string> {
  const teams = await listTeams();
  let raisedCount = 0;
  const watched = await sweepPages(
    () => dueSlaTimers(now, TIMERS_PER_PAGE),
    (timer) => timer.caseId,
    async (timer) => {
      raisedCount += await watchOne(timer, teams, now);
    },
    SWEEP_BUDGET_MS.slaWatch,
  );
  if (raisedCount) metrics.addMetric("SlaEventsRaised", "Count", raisedCount);
  return `watched ${watched} SLA timers, raised ${raisedCount}`;
}

/** One due timer: what is due on its case is raised, and the timer follows the case. */
async function watchOne(
  timer: { caseId: string; caseVersion: number },
  teams: readonly Team[],
  now: Date,
): Promise<number> {
  const current = await getCase(timer.caseId);
  if (!current) {
    await setSlaTimer(timer.caseId, null, timer.caseVersion);
    return 0;
  }
  const policy = teamPolicy(current.category, teams);
  const team = teams.find((t) => t.teamId === current.team) ?? policy.team;
  const watched = slaWatch(current, policy.calendar, now, maxEscalationLevel(team));
  if (!watched) {
    // Nothing due (the case moved on): the timer follows the case.
    const next = current.sla.nextCheckAt ?? null;
    await setSlaTimer(current.caseId, next, current.version);
    return 0;
  }
  for (const raised of watched.raised) await announce(current, raised, team);
  try {
    await saveCase(watched.next, current.version, current);
  } catch (error) {
    if (error instanceof VersionConflictError) return 0; // changed meanwhile: next tick
    throw error;
  }
  for (const raised of watched.raised) await record(current, raised, team);
  return watched.raised.length;
}

async function announce(c: Case, raised: RaisedSla, team: Team | undefined): Promise<void> {
  const base = { caseId: c.caseId, waybillNo: c.waybillNo, team: c.team };
  if (raised.kind === "warning")
    await publish(slaWarning, {
      ...base,
      assignee: c.assignee,
      clock: raised.clock,
      dueAt: raised.dueAt,
      warnedAt: raised.at,
    });
  if (raised.kind === "breach")
    await publish(slaBreached, {
      ...base,
      assignee: c.assignee,
      clock: raised.clock,
      dueAt: raised.dueAt,
      breachedAt: raised.at,
    });
  if (raised.level !== undefined && raised.level > (c.escalationLevel ?? 0))
    await publish(caseEscalated, {
      ...base,
      level: raised.level,
      reason: raised.kind === "escalation" ? "twice-target" : "sla-breach",
      notify: team ? [...escalationContacts(team, raised.level)] : [],
      escalatedAt: raised.at,
    });
}

function record(c: Case, raised: RaisedSla, team: Team | undefined): Promise<boolean> {
  const what =
    raised.kind === "warning"
      ? `SLA warning: ${clockName(raised.clock)} due ${raised.dueAt}`
      : raised.kind === "breach"
        ? `SLA breached: ${clockName(raised.clock)} was due ${raised.dueAt}`
        : `Still open at twice its ${clockName(raised.clock)} target`;
  const escalation =
    raised.level !== undefined && raised.level > (c.escalationLevel ?? 0)
      ? `; escalated to level ${raised.level} (${team ? escalationContacts(team, raised.level).join(", ") || "nobody listed" : "no team"})`
      : "";
  return addTimelineEntry(c.caseId, {
    at: raised.at,
    key: `sla#${raised.clock}#${raised.kind}`,
    kind:
      raised.kind === "warning"
        ? "sla-warning"
        : raised.kind === "breach"
          ? "sla-breached"
          : "escalated",
    summary: what + escalation,
    data: { clock: raised.clock, dueAt: raised.dueAt, level: raised.level ?? null },
  });
}

const clockName = (clock: RaisedSla["clock"]) =>
  clock === "firstResponse" ? "first response" : "resolution";
