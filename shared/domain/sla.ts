// SLA deadlines (../domain.md "SLA"): first response and resolution, in business time.
// Pure: the opening instant is passed in.
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessDayLengthMinutes,
} from "./business-time.ts";
import type { Priority } from "./case.ts";

/** "urgent" | "high" | "routine" (the case vocabulary's type, re-exported). */
export type { Priority };

export interface SlaPolicy {
  /** Business minutes from opening to the first response, per priority. */
  readonly firstResponseMinutes: Readonly<Record<Priority, number>>;
  /**
   * Business days from opening to resolution, per priority. "N business days" means N × the
   * calendar's business-day length (9 h for 09:00–18:00) of business time, counted from the
   * case's start — not "by closing time on the Nth working day". Fractions are allowed.
   */
  readonly resolutionBusinessDays: Readonly<Record<Priority, number>>;
  /** When true, the urgent first response runs on the wall clock (24×7), not in business time. */
  readonly urgentFirstResponseAroundTheClock: boolean;
}

/**
 * The product's defaults: urgent 15 min / 1 business day, high 2 business hours / 3 business
 * days, routine 4 business hours / 5 business days.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  firstResponseMinutes: { urgent: 15, high: 2 * 60, routine: 4 * 60 },
  resolutionBusinessDays: { urgent: 1, high: 3, routine: 5 },
  urgentFirstResponseAroundTheClock: false,
};

export interface SlaDeadlines {
  /** ISO-8601 UTC, e.g. "2026-11-30T01:05:00.000Z". */
  readonly firstResponseDue: string;
  /** ISO-8601 UTC. */
  readonly resolutionDue: string;
}

/**
 * Deadlines for a case opened at `openedAt`. Both clocks run in the calendar's business time
 * and, for a case opened outside business hours, start at the next opening. The one exception
 * is the urgent first response under `urgentFirstResponseAroundTheClock`: `openedAt` plus its
 * minutes on the wall clock (the resolution still runs in business time).
 */
export function slaDeadlines(
  priority: Priority,
  openedAt: Date,
  cal: BusinessCalendar,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaDeadlines {
  const firstResponseMinutes = policy.firstResponseMinutes[priority];
  const resolutionDays = policy.resolutionBusinessDays[priority];
  if (!isDuration(firstResponseMinutes) || !isDuration(resolutionDays))
    throw new RangeError(`The SLA policy has no valid deadlines for priority "${priority}"`);
  const firstResponseDue =
    priority === "urgent" && policy.urgentFirstResponseAroundTheClock
      ? wallClockPlus(openedAt, firstResponseMinutes)
      : addBusinessMinutes(openedAt, firstResponseMinutes, cal);
  const resolutionDue = addBusinessMinutes(
    openedAt,
    resolutionDays * businessDayLengthMinutes(cal),
    cal,
  );
  return {
    firstResponseDue: firstResponseDue.toISOString(),
    resolutionDue: resolutionDue.toISOString(),
  };
}

const isDuration = (n: number): boolean => Number.isFinite(n) && n >= 0;

function wallClockPlus(at: Date, minutes: number): Date {
  const due = new Date(at.getTime() + Math.round(minutes * 60_000));
  if (Number.isNaN(due.getTime())) throw new RangeError("Invalid Date given as openedAt");
  return due;
}
