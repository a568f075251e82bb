// The SLA watch (../domain.md "SLA"): what is due on a case at an instant, in business time.
// Each open case has up to five checkpoints, each raised once:
//   - first-response warning, at 80 % of the first-response time (only while nobody responded);
//   - first-response breach, at `sla.firstResponseDue`;
//   - resolution warning, at 80 % of the resolution time the clock has run (pauses excluded);
//   - resolution breach, at `sla.resolutionDue` (which already includes the pauses);
//   - escalation to level k (2 … maxLevel), still open k × the resolution target after it
//     opened: `resolutionDue` plus (k − 1) targets, in business time.
// A breach escalates the case to level 1 (the team's supervisors) and sets `sla.breached`; the
// assignee keeps the case. The resolution clock is paused while the case is `waiting`: no
// resolution checkpoint is due then (the lifecycle moves `resolutionDue` later on resuming).
// Resolved and closed cases have none. What was raised is recorded on the case
// (`sla.*WarnedAt`, `sla.*BreachedAt`, `escalationLevel`), stamped with the instant the
// checkpoint fell due, not the sweep's time: a late, repeated or split sweep gives the same case.
// Pure: the instant is passed in.
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
} from "./business-time.ts";
import { type Case, type CaseSla, isOpenStatus } from "./case.ts";

export type SlaClock = "firstResponse" | "resolution";
export type SlaCheckKind = "warning" | "breach" | "escalation";

/** Share of a clock's time after which the warning is raised. */
export const SLA_WARNING_SHARE = 0.8;
/** Highest level the watch escalates to unless told otherwise (twice the target: level 2). */
export const DEFAULT_MAX_SLA_LEVEL = 2;

/** A checkpoint of a case's SLA that has not been raised yet. */
export interface SlaCheckpoint {
  readonly kind: SlaCheckKind;
  readonly clock: SlaClock;
  /** When the checkpoint falls due (ISO-8601 UTC). */
  readonly at: string;
  /** The clock's deadline it is about (for an escalation: the resolution deadline it missed). */
  readonly dueAt: string;
  /** An escalation's level (2 for twice the target, 3 for three times, …). */
  readonly level?: number;
}

/**
 * A checkpoint the watch raised. `level` is set when raising it raised the case's escalation
 * level: a breach of a case below level 1 (level 1), an escalation (its level). A second breach
 * of a case already at level 1 or above has none.
 */
export type RaisedSla = SlaCheckpoint;

export interface SlaWatchResult {
  /** The case with what was raised recorded and `sla.nextCheckAt` recomputed. */
  readonly next: Case;
  /** In the order they fell due (ties: first response before resolution, warning first). */
  readonly raised: readonly RaisedSla[];
}

const MINUTE = 60_000;
const KIND_ORDER: Record<SlaCheckKind, number> = { warning: 0, breach: 1, escalation: 2 };
const CLOCK_ORDER: Record<SlaClock, number> = { firstResponse: 0, resolution: 1 };

/**
 * The checkpoints of the case not raised yet, earliest first. None for a resolved or closed
 * case; none on the first-response clock once somebody responded; none on the resolution
 * clock while the case is `waiting`.
 *
 * The 80 % rule: a deadline on the business clock (it is exactly its business minutes after
 * `createdAt`, as sla.ts computes it) has its warning at 80 % of those business minutes (of the
 * minutes the clock ran, for the resolution: minus `sla.pausedMinutes`). A deadline that is not
 * (the urgent first response under `urgentFirstResponseAroundTheClock`, e.g. opened Sunday
 * 03:00 and due 03:15, which business time cannot reach) has it at 80 % of the wall-clock time.
 */
export function slaCheckpoints(
  c: Case,
  cal: BusinessCalendar,
  maxLevel: number = DEFAULT_MAX_SLA_LEVEL,
): readonly SlaCheckpoint[] {
  if (!isOpenStatus(c.status)) return [];
  const sla = c.sla;
  const points: SlaCheckpoint[] = [];
  const opened = new Date(c.createdAt);
  if (sla.firstResponseDue && !sla.firstRespondedAt) {
    const due = new Date(sla.firstResponseDue);
    const dueAt = due.toISOString();
    const clock = clockOf(opened, due, 0, cal);
    if (!sla.firstResponseWarnedAt)
      points.push({
        kind: "warning",
        clock: "firstResponse",
        at: iso(clock.share(SLA_WARNING_SHARE)),
        dueAt,
      });
    if (!sla.firstResponseBreachedAt)
      points.push({ kind: "breach", clock: "firstResponse", at: dueAt, dueAt });
  }
  if (sla.resolutionDue && c.status !== "waiting") {
    const due = new Date(sla.resolutionDue);
    const dueAt = due.toISOString();
    const clock = clockOf(opened, due, sla.pausedMinutes ?? 0, cal);
    if (!sla.resolutionWarnedAt)
      points.push({
        kind: "warning",
        clock: "resolution",
        at: iso(clock.share(SLA_WARNING_SHARE)),
        dueAt,
      });
    if (!sla.resolutionBreachedAt)
      points.push({ kind: "breach", clock: "resolution", at: dueAt, dueAt });
    for (let level = Math.max(2, (c.escalationLevel ?? 0) + 1); level <= maxLevel; level++)
      points.push({
        kind: "escalation",
        clock: "resolution",
        at: iso(clock.targetsAfterDue(level - 1)),
        dueAt,
        level,
      });
  }
  return points.sort(byDue);
}

/** The next instant at which the watch should look at the case; null when nothing is left. */
export function nextSlaCheckAt(
  c: Case,
  cal: BusinessCalendar,
  maxLevel: number = DEFAULT_MAX_SLA_LEVEL,
): string | null {
  return slaCheckpoints(c, cal, maxLevel)[0]?.at ?? null;
}

/**
 * Everything due on the case at `now`, raised at once (several after a long gap in the sweep),
 * with the case updated; null when nothing is due and `sla.nextCheckAt` is already right.
 * When nothing is due but the stored `nextCheckAt` is stale (e.g. the case was resolved), the
 * result has no raised checkpoint and the corrected case. Idempotent: applied again at the same
 * (or an earlier) instant it gives null. `maxLevel`: the highest level it escalates to (the
 * team's, `maxEscalationLevel` in assignment.ts; default 2).
 */
export function slaWatch(
  c: Case,
  cal: BusinessCalendar,
  now: Date,
  maxLevel: number = DEFAULT_MAX_SLA_LEVEL,
): SlaWatchResult | null {
  const t = now.getTime();
  if (Number.isNaN(t)) throw new RangeError("Invalid Date given as the SLA watch's instant");
  const due = slaCheckpoints(c, cal, maxLevel).filter((p) => Date.parse(p.at) <= t);
  let level = c.escalationLevel ?? 0;
  let sla: CaseSla = c.sla;
  const raised: RaisedSla[] = [];
  for (const point of due) {
    if (point.kind === "warning") {
      sla =
        point.clock === "firstResponse"
          ? { ...sla, firstResponseWarnedAt: point.at }
          : { ...sla, resolutionWarnedAt: point.at };
      raised.push(point);
    } else if (point.kind === "breach") {
      sla =
        point.clock === "firstResponse"
          ? { ...sla, firstResponseBreachedAt: point.at, breached: true }
          : { ...sla, resolutionBreachedAt: point.at, breached: true };
      raised.push(level < 1 ? { ...point, level: 1 } : point);
      level = Math.max(level, 1);
    } else {
      const to = point.level ?? 2;
      if (to <= level) continue; // unreachable: slaCheckpoints lists only higher levels
      raised.push(point);
      level = to;
    }
  }
  const latest = raised.reduce((max, p) => laterOf(max, p.at), c.updatedAt);
  const touched: Case =
    raised.length === 0
      ? c
      : {
          ...c,
          sla,
          escalationLevel: level,
          escalated: c.escalated || level > 0,
          updatedAt: latest,
        };
  const nextCheckAt = nextSlaCheckAt(touched, cal, maxLevel);
  if (raised.length === 0 && (c.sla.nextCheckAt ?? null) === nextCheckAt) return null;
  return { next: { ...touched, sla: { ...touched.sla, nextCheckAt } }, raised };
}

// ---- clocks ------------------------------------------------------------------------------------

interface Clock {
  /** The instant at which `share` of the clock's (unpaused) time has run. */
  share(share: number): Date;
  /** The deadline plus `n` whole targets. */
  targetsAfterDue(n: number): Date;
}

/**
 * A clock from `opened` to `due`, `pausedMinutes` of it paused. On the business clock when the
 * deadline is exactly its business minutes after the opening (the earliest such instant, as
 * addBusinessMinutes gives it); otherwise (a wall-clock deadline) on the wall clock.
 */
function clockOf(opened: Date, due: Date, pausedMinutes: number, cal: BusinessCalendar): Clock {
  const total = businessMinutesBetween(opened, due, cal);
  const onBusinessClock =
    due.getTime() > opened.getTime() &&
    addBusinessMinutes(opened, total, cal).getTime() === due.getTime();
  if (onBusinessClock) {
    const paused = Math.min(Math.max(0, pausedMinutes), total);
    const target = total - paused;
    return {
      share: (s) => addBusinessMinutes(opened, s * target + paused, cal),
      targetsAfterDue: (n) => (n * target > 0 ? addBusinessMinutes(due, n * target, cal) : due),
    };
  }
  const span = Math.max(0, due.getTime() - opened.getTime());
  const pausedMs = Math.min(Math.max(0, pausedMinutes) * MINUTE, span);
  const targetMs = span - pausedMs;
  return {
    share: (s) => new Date(opened.getTime() + Math.round(s * targetMs + pausedMs)),
    targetsAfterDue: (n) => new Date(due.getTime() + n * targetMs),
  };
}

function byDue(a: SlaCheckpoint, b: SlaCheckpoint): number {
  return (
    Date.parse(a.at) - Date.parse(b.at) ||
    CLOCK_ORDER[a.clock] - CLOCK_ORDER[b.clock] ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.level ?? 0) - (b.level ?? 0)
  );
}

const iso = (d: Date) => d.toISOString();
const laterOf = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);
