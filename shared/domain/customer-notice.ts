// Proactive customer notices (主动推送): when a delivery exception opens a case, the company's
// SMS/app-push system is asked to tell the customer before they have to call. Which problem an
// upstream event reports, the template per problem, one notice per case and problem, and the
// customer's quiet hours (21:00–08:00 in their time zone: a notice asked for at night is held
// until 08:00 of the next morning).
// Pure: no AWS, no clock. Time zones through business-time.ts (Intl, DST-correct).
import { type BusinessCalendar, type Period, nextBusinessOpening } from "./business-time.ts";
import { isTimeZone } from "./calendar-spec.ts";
import { DEFAULT_CUSTOMER_TIME_ZONE } from "./case.ts";

export const NOTICE_PROBLEMS = [
  "parcel-delayed",
  "parcel-damaged",
  "parcel-lost",
  "delivery-failed",
] as const;
export type NoticeProblem = (typeof NOTICE_PROBLEMS)[number];

/** Quiet hours in the customer's time zone: no notice from 21:00 until 08:00 (local). */
export const QUIET_HOURS = { from: "21:00", until: "08:00" } as const;

/**
 * How long the sweeper leaves a notice to be published at once to its writer (intake publishes
 * right after the put, the sweeper right after its claim): only a notice whose writer died in
 * between is published by the sweeper, this long after.
 */
export const PUBLISH_GRACE_MS = 2 * 60_000;

/**
 * The problem an upstream event reports, or null when it asks for no notice: a first failed
 * attempt opens no case, a delivered parcel is no problem, unknown types are ignored.
 */
export function problemOf(detailType: string, attempt?: number): NoticeProblem | null {
  switch (detailType) {
    case "Parcel Delayed":
      return "parcel-delayed";
    case "Parcel Damaged":
      return "parcel-damaged";
    case "Parcel Lost":
      return "parcel-lost";
    case "Delivery Attempt Failed":
      return attempt !== undefined && attempt >= 2 ? "delivery-failed" : null;
    default:
      return null;
  }
}

/** The sender's message template for the problem, e.g. `notice.parcel-delayed`. */
export function templateKeyOf(problem: NoticeProblem): string {
  return `notice.${problem}`;
}

/** Deterministic, so that a case asks for each problem's notice once: `NT-<case>-<problem>`. */
export function noticeIdOf(caseId: string, problem: NoticeProblem): string {
  return `NT-${caseId.replace(/^CS-/, "")}-${problem}`;
}

const DAYTIME: readonly Period[] = [{ start: QUIET_HOURS.until, end: QUIET_HOURS.from }];

/** The customer's daytime as a calendar: every day 08:00–21:00, no holidays (cached per zone). */
const daytimes = new Map<string, BusinessCalendar>();
function daytimeOf(timeZone: string): BusinessCalendar {
  let cal = daytimes.get(timeZone);
  if (!cal) {
    cal = {
      timeZone,
      weeklyHours: {
        1: DAYTIME,
        2: DAYTIME,
        3: DAYTIME,
        4: DAYTIME,
        5: DAYTIME,
        6: DAYTIME,
        7: DAYTIME,
      },
      holidays: [],
    };
    daytimes.set(timeZone, cal);
  }
  return cal;
}

/**
 * When a notice asked for at `requestedAt` may be sent: at once in the customer's daytime
 * (08:00 included, 21:00 excluded), else at 08:00 local of the next morning. A time zone that
 * is missing or unknown counts as Asia/Shanghai.
 */
export function sendAtOf(requestedAt: Date, timeZone?: string | null): Date {
  return nextBusinessOpening(requestedAt, daytimeOf(validTimeZone(timeZone)));
}

function validTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isTimeZone(timeZone) ? timeZone : DEFAULT_CUSTOMER_TIME_ZONE;
}
