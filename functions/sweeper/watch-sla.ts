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

/** Timers looked at per tick; more wait for the next minute (the earliest first). */
const TIMERS_PER_SWEEP = 100;

export async function watchSla(now: Date): Promise<string> {
  const timers = await dueSlaTimers(now, TIMERS_PER_SWEEP);
  if (timers.length === 0) return "no SLA check due";
  const teams = await listTeams();
  let raisedCount = 0;
  for (const timer of timers) {
    const current = await getCase(timer.caseId);
    if (!current) {
      await setSlaTimer(timer.caseId, null, timer.caseVersion);
      continue;
    }
    const policy = teamPolicy(current.category, teams);
    const team = teams.find((t) => t.teamId === current.team) ?? policy.team;
    const watched = slaWatch(current, policy.calendar, now, maxEscalationLevel(team));
    if (!watched) {
      // Nothing due (the case moved on): the timer follows the case.
      await setSlaTimer(current.caseId, current.sla.nextCheckAt ?? null, current.version);
      continue;
    }
    for (const raised of watched.raised) await announce(current, raised, team);
    try {
      await saveCase(watched.next, current.version, current);
    } catch (error) {
      if (error instanceof VersionConflictError) continue; // changed meanwhile: next tick
      throw error;
    }
    for (const raised of watched.raised) await record(current, raised, team);
    raisedCount += watched.raised.length;
  }
  if (raisedCount) metrics.addMetric("SlaEventsRaised", "Count", raisedCount);
  return `watched ${timers.length} SLA timers, raised ${raisedCount}`;
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
