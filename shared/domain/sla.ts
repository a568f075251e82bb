// SLA deadlines (../domain.md "SLA"): first response and resolution, in business time.
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessDayLengthMinutes,
  nextBusinessOpening,
} from "./business-time.ts";
import type { Priority } from "./case.ts";

export interface SlaPolicy {
  readonly firstResponseMinutes: Readonly<Record<Priority, number>>;
  /** One business day is the calendar's working day length (9 h for 09:00–18:00) of business time. */
  readonly resolutionBusinessDays: Readonly<Record<Priority, number>>;
  /** When true, the urgent first response runs on the wall clock (24×7), not in business time. */
  readonly urgentFirstResponseAroundTheClock: boolean;
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  firstResponseMinutes: { urgent: 15, high: 2 * 60, routine: 4 * 60 },
  resolutionBusinessDays: { urgent: 1, high: 3, routine: 5 },
  urgentFirstResponseAroundTheClock: false,
};

export interface SlaDeadlines {
  readonly firstResponseDue: string;
  readonly resolutionDue: string;
}

/** Deadlines for a case opened at `openedAt`; outside business hours the clock starts at the next opening. */
export function slaDeadlines(
  priority: Priority,
  openedAt: Date,
  cal: BusinessCalendar,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaDeadlines {
  const firstResponseMinutes = policy.firstResponseMinutes[priority];
  const firstResponseDue =
    priority === "urgent" && policy.urgentFirstResponseAroundTheClock
      ? new Date(openedAt.getTime() + firstResponseMinutes * 60_000)
      : addBusinessMinutes(openedAt, firstResponseMinutes, cal);
  const resolutionMinutes = policy.resolutionBusinessDays[priority] * businessDayLengthMinutes(cal);
  return {
    firstResponseDue: firstResponseDue.toISOString(),
    resolutionDue: addBusinessMinutes(
      nextBusinessOpening(openedAt, cal),
      resolutionMinutes,
      cal,
    ).toISOString(),
  };
}
