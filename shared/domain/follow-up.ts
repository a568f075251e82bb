// The follow-up call (回访, ../domain.md "Follow-up"): after a case is resolved, or for a sampled
// delivered parcel, the customer is called back to confirm the result and their satisfaction.
// Calls are placed only at callable times — inside the team's working hours (its calendar,
// holidays and make-up days included) and inside the customer's calling hours in their time
// zone — and within a window of N business days of the trigger. An urgent case whose customer
// agreed may be called at any hour. A customer not reached gets more attempts spread over what
// is left of the window; the last one failing makes the follow-up `unreachable`. A reached
// customer who is not satisfied (score ≤ 3) or whose problem is not solved reopens the case.
// Pure: no clock, no store.
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessDayLengthMinutes,
  type Period,
  workingWindows,
} from "./business-time.ts";
import * as z from "zod";
import { period } from "./calendar-spec.ts";
import {
  type Category,
  type Channel,
  type CustomerTier,
  DEFAULT_CUSTOMER_TIME_ZONE,
  type Priority,
} from "./case.ts";

export const FOLLOW_UP_STATUSES = ["scheduled", "due", "done", "unreachable", "cancelled"] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** What a follow-up confirms: a resolved case, or a delivered parcel picked by sampling. */
export type FollowUpKind = "case" | "delivery";

/** The follow-up rules of a team; the domain defaults where the team record says nothing. */
export interface FollowUpPolicy {
  /** The window: this many business days (the team's calendar) after the trigger. */
  readonly windowBusinessDays: number;
  /** Calls before a customer never reached is `unreachable`. */
  readonly maxAttempts: number;
  /** Callable minutes between the trigger and the first call (the resolution settles first). */
  readonly firstAttemptAfterMinutes: number;
  /** Retries are spread over the rest of the window, but never closer than this (callable minutes). */
  readonly minRetryGapMinutes: number;
  /** When customers may be called, every day, in the customer's own time zone. */
  readonly callingHours: readonly Period[];
  /** Share (0..1) of delivered parcels of regular customers sampled; VIP customers always. */
  readonly deliverySampleShare: number;
}

export const DEFAULT_FOLLOW_UP_POLICY: FollowUpPolicy = {
  windowBusinessDays: 3,
  maxAttempts: 3,
  firstAttemptAfterMinutes: 60,
  minRetryGapMinutes: 60,
  callingHours: [{ start: "09:00", end: "20:00" }],
  deliverySampleShare: 0.05,
};

/** A team's `followUp` as stored: what differs from the defaults. */
export const followUpOverridesSchema = z.strictObject({
  windowBusinessDays: z.number().int("whole business days").min(1).max(30).optional(),
  maxAttempts: z.number().int("a whole number of calls").min(1).max(10).optional(),
  firstAttemptAfterMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  minRetryGapMinutes: z
    .number()
    .min(1)
    .max(24 * 60)
    .optional(),
  callingHours: z.array(period).min(1, "at least one period").max(6).optional(),
  deliverySampleShare: z.number().min(0).max(1).optional(),
  /** This team calls the sampled delivered parcels (its follow-up pool). */
  samplesDeliveries: z.boolean().optional(),
});
export type FollowUpOverrides = z.output<typeof followUpOverridesSchema>;

/** The defaults with a team's overrides on top. */
export function followUpPolicyWith(overrides?: FollowUpOverrides): FollowUpPolicy {
  const { samplesDeliveries: _pool, ...rest } = overrides ?? {};
  return {
    ...DEFAULT_FOLLOW_UP_POLICY,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
  };
}

export interface FollowUpOutcome {
  readonly reached: boolean;
  readonly satisfaction?: number;
  readonly nps?: number;
  readonly resolved?: boolean;
  readonly comment?: string;
  readonly suggestionAdopted?: boolean;
}

/** One call that did not reach the customer. */
export interface FollowUpAttempt {
  readonly at: string;
  readonly by: string;
}

export interface FollowUp {
  readonly followUpId: string;
  readonly kind: FollowUpKind;
  readonly caseId: string | null;
  readonly waybillNo: string | null;
  /** Which resolution of the case it follows (1 = the first); 0 for a sampled delivery. */
  readonly round: number;
  readonly team: string | null;
  /** The agent who calls: the case's agent; null for the team's follow-up pool. */
  readonly assignee: string | null;
  readonly customerId: string;
  readonly customerTier: CustomerTier;
  readonly customerTimeZone: string;
  readonly category: Category | null;
  readonly channel: Channel | null;
  /** Called at any hour (an urgent case whose customer agreed). */
  readonly anyHour: boolean;
  readonly status: FollowUpStatus;
  /** The resolution or the delivery. */
  readonly triggeredAt: string;
  /** When the next call is due (the current attempt's). */
  readonly dueAt: string;
  readonly windowEndsAt: string;
  /** Calls made so far. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly missedCalls: readonly FollowUpAttempt[];
  readonly outcome: FollowUpOutcome | null;
  readonly completedAt: string | null;
  readonly completedBy: string | null;
  /** Why it was cancelled (its case was closed first, or a case's follow-up took its place). */
  readonly cancelReason?: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

// ---- ids -------------------------------------------------------------------------------------

/** The follow-up of a case's `round`-th resolution: FU-<case id without CS->-<round>. */
export const caseFollowUpId = (caseId: string, round: number) =>
  `FU-${caseId.replace(/^CS-/, "")}-${round}`;

/** The follow-up of a sampled delivery: one per waybill. */
export const deliveryFollowUpId = (waybillNo: string) => `FU-D-${waybillNo.toUpperCase()}`;

export const FOLLOW_UP_ID = /^FU-[0-9A-Z-]{3,60}$/;

// ---- when to call ----------------------------------------------------------------------------

/** The callable time of one follow-up: the calendars whose hours must all be open. */
export interface CallingTime {
  readonly calendars: readonly BusinessCalendar[];
  /** The team's calendar: the window is counted in its business days. */
  readonly team: BusinessCalendar;
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * When this customer may be called: the team's hours ∩ the customer's calling hours (their
 * time zone), or every hour for an urgent case whose customer agreed.
 */
export function callingTime(
  teamCalendar: BusinessCalendar,
  policy: FollowUpPolicy,
  customerTimeZone: string,
  anyHour: boolean,
): CallingTime {
  if (anyHour) return { calendars: [ALWAYS], team: teamCalendar };
  const customer: BusinessCalendar = {
    timeZone: customerTimeZone,
    weeklyHours: Object.fromEntries(EVERY_DAY.map((d) => [d, policy.callingHours])),
    holidays: [],
  };
  return { calendars: [teamCalendar, customer], team: teamCalendar };
}

const ALWAYS: BusinessCalendar = {
  timeZone: "UTC",
  weeklyHours: Object.fromEntries(EVERY_DAY.map((d) => [d, [{ start: "00:00", end: "00:00" }]])),
  holidays: [],
};

/** Callers that find no common hour in this many weeks have calendars that never meet. */
const MAX_SEARCH_MS = 8 * 7 * 86_400_000;

/** The callable windows from `from` on: the intersection of every calendar's windows. */
function* callableWindows(
  from: Date,
  time: CallingTime,
): Generator<{ open: number; close: number }> {
  const streams = time.calendars.map((cal) => workingWindows(from, cal));
  const current = streams.map((s) => s.next().value as { open: number; close: number });
  // The search gives up after MAX_SEARCH_MS without a common hour (from `from`, then from the
  // last callable window), not after MAX_SEARCH_MS in all: a long span of callable time is fine.
  let limit = from.getTime() + MAX_SEARCH_MS;
  for (;;) {
    const open = Math.max(...current.map((w) => w.open));
    const close = Math.min(...current.map((w) => w.close));
    if (open >= limit)
      throw new RangeError(
        "The team's working hours and the customer's calling hours never meet: no call can be scheduled",
      );
    if (open < close) {
      yield { open, close };
      limit = close + MAX_SEARCH_MS;
    }
    // Advance every window that ends first.
    for (let i = 0; i < streams.length; i++)
      if ((current[i] as { close: number }).close === close)
        current[i] = (streams[i] as Generator<{ open: number; close: number }>).next().value as {
          open: number;
          close: number;
        };
  }
}

/** The earliest callable instant at or after `at` by which `minutes` callable minutes passed. */
export function addCallableMinutes(at: Date, minutes: number, time: CallingTime): Date {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`Callable minutes must be a finite number >= 0, not ${minutes}`);
  let remaining = Math.round(minutes * 60_000);
  for (const w of callableWindows(at, time)) {
    // A result exactly at a window's close would be outside: it moves to the next opening.
    if (remaining < w.close - w.open) return new Date(w.open + remaining);
    remaining -= w.close - w.open;
  }
  throw new RangeError("unreachable");
}

/** Callable minutes between two instants (0 when `to` <= `from`). */
export function callableMinutesBetween(from: Date, to: Date, time: CallingTime): number {
  let total = 0;
  if (to <= from) return 0;
  for (const w of callableWindows(from, time)) {
    if (w.open >= to.getTime()) break;
    total += Math.min(w.close, to.getTime()) - w.open;
  }
  return total / 60_000;
}

/** Whether `at` is callable (inside every calendar's hours). */
export function isCallable(at: Date, time: CallingTime): boolean {
  const first = callableWindows(at, time).next().value as { open: number };
  return first.open === at.getTime();
}

/** The end of the window: `windowBusinessDays` business days of the team after the trigger. */
export function windowEndOf(triggeredAt: Date, policy: FollowUpPolicy, team: BusinessCalendar) {
  return addBusinessMinutes(
    triggeredAt,
    policy.windowBusinessDays * businessDayLengthMinutes(team),
    team,
  );
}

// ---- scheduling ------------------------------------------------------------------------------

export interface FollowUpTrigger {
  readonly followUpId: string;
  readonly kind: FollowUpKind;
  readonly caseId: string | null;
  readonly waybillNo: string | null;
  readonly round: number;
  readonly team: string | null;
  readonly assignee: string | null;
  readonly customer: {
    readonly id: string;
    readonly tier: CustomerTier;
    readonly timeZone?: string;
    readonly outOfHoursCallsAgreed?: boolean;
  };
  readonly category: Category | null;
  readonly channel: Channel | null;
  readonly priority: Priority | null;
  readonly triggeredAt: string;
}

/**
 * A new follow-up, due `firstAttemptAfterMinutes` callable minutes after its trigger. Every time
 * comes from the trigger, never from the clock: a replayed event schedules the same call.
 */
export function scheduleFollowUp(
  trigger: FollowUpTrigger,
  teamCalendar: BusinessCalendar,
  policy: FollowUpPolicy,
  now: Date,
): FollowUp {
  const anyHour = trigger.priority === "urgent" && trigger.customer.outOfHoursCallsAgreed === true;
  const customerTimeZone = trigger.customer.timeZone ?? DEFAULT_CUSTOMER_TIME_ZONE;
  const time = callingTime(teamCalendar, policy, customerTimeZone, anyHour);
  const triggeredAt = new Date(trigger.triggeredAt);
  const at = now.toISOString();
  return {
    followUpId: trigger.followUpId,
    kind: trigger.kind,
    caseId: trigger.caseId,
    waybillNo: trigger.waybillNo,
    round: trigger.round,
    team: trigger.team,
    assignee: trigger.assignee,
    customerId: trigger.customer.id,
    customerTier: trigger.customer.tier,
    customerTimeZone,
    category: trigger.category,
    channel: trigger.channel,
    anyHour,
    status: "scheduled",
    triggeredAt: trigger.triggeredAt,
    dueAt: addCallableMinutes(triggeredAt, policy.firstAttemptAfterMinutes, time).toISOString(),
    windowEndsAt: windowEndOf(triggeredAt, policy, teamCalendar).toISOString(),
    attempts: 0,
    maxAttempts: policy.maxAttempts,
    missedCalls: [],
    outcome: null,
    completedAt: null,
    completedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** The calling time a follow-up was scheduled with (its team's calendar and the policy). */
export function callingTimeOf(
  fu: Pick<FollowUp, "anyHour" | "customerTimeZone">,
  teamCalendar: BusinessCalendar,
  policy: FollowUpPolicy,
): CallingTime {
  return callingTime(teamCalendar, policy, fu.customerTimeZone, fu.anyHour);
}

/** Still to be made: scheduled, or due and not yet answered (a cancel or an update applies). */
export function isPending(fu: FollowUp): boolean {
  return fu.status === "scheduled" || fu.status === "due";
}

/** Due: the sweep found the follow-up's time come. */
export function markDue(fu: FollowUp, at: Date): FollowUp | null {
  return fu.status === "scheduled" && Date.parse(fu.dueAt) <= at.getTime()
    ? { ...fu, status: "due", updatedAt: at.toISOString() }
    : null;
}

// ---- outcomes --------------------------------------------------------------------------------

/** What a recorded outcome means for the case. */
export type OutcomeResult =
  /** Not reached, attempts left: called again at `next.dueAt`. */
  | "retry"
  /** Not reached at the last attempt. */
  | "unreachable"
  /** Reached, the problem solved and a score of 4–5 (or none): the case closes. */
  | "satisfied"
  /** Reached, not solved or a score of 1–3: the case reopens. */
  | "dissatisfied";

export type OutcomeDecision =
  | { readonly ok: true; readonly next: FollowUp; readonly result: OutcomeResult }
  | { readonly ok: false; readonly status: 409 | 422; readonly reason: string };

export const isSatisfied = (satisfaction: number) => satisfaction >= 4;

/**
 * Records one call's outcome on a due follow-up (`by` the caller, `at` now). The follow-up is
 * the next attempt, `unreachable` or `done`; nothing else changes here (the case moves when the
 * completed follow-up is announced).
 */
export function recordOutcome(
  fu: FollowUp,
  outcome: FollowUpOutcome,
  by: string,
  at: Date,
  time: CallingTime,
  policy: FollowUpPolicy,
): OutcomeDecision {
  if (fu.status !== "due")
    return {
      ok: false,
      status: 409,
      reason:
        fu.status === "scheduled"
          ? `The follow-up is not due yet: its call is due at ${fu.dueAt}`
          : fu.status === "cancelled"
            ? `The follow-up was cancelled (${fu.cancelReason ?? "no reason given"}): there is no call to record`
            : `The follow-up is ${fu.status}: its outcome is already recorded`,
    };
  if (outcome.reached && fu.kind === "case" && outcome.resolved === undefined)
    return {
      ok: false,
      status: 422,
      reason: "A reached customer's follow-up of a case says whether the problem is resolved",
    };
  const iso = at.toISOString();
  const attempts = fu.attempts + 1;
  const base = { ...fu, attempts, updatedAt: iso };
  if (!outcome.reached) {
    const missedCalls = [...fu.missedCalls, { at: iso, by }];
    if (attempts >= fu.maxAttempts)
      return {
        ok: true,
        result: "unreachable",
        next: {
          ...base,
          missedCalls,
          status: "unreachable",
          outcome: { reached: false },
          completedAt: iso,
          completedBy: by,
        },
      };
    return {
      ok: true,
      result: "retry",
      next: {
        ...base,
        missedCalls,
        status: "scheduled",
        dueAt: nextAttemptAt(at, fu, attempts, time, policy).toISOString(),
      },
    };
  }
  const dissatisfied =
    outcome.resolved === false ||
    (outcome.satisfaction !== undefined && !isSatisfied(outcome.satisfaction));
  return {
    ok: true,
    result: dissatisfied ? "dissatisfied" : "satisfied",
    next: { ...base, status: "done", outcome, completedAt: iso, completedBy: by },
  };
}

/**
 * The next call after a missed one: what callable time is left of the window, shared evenly by
 * the calls left (two left: a third of it from now, then half of what remains), but at least
 * `minRetryGapMinutes` later. Past the window's end the calls are still made, as soon as the
 * gap allows (late, and counted so in the timeliness KPI).
 */
export function nextAttemptAt(
  at: Date,
  fu: Pick<FollowUp, "maxAttempts" | "windowEndsAt">,
  attemptsMade: number,
  time: CallingTime,
  policy: FollowUpPolicy,
): Date {
  const callsLeft = fu.maxAttempts - attemptsMade;
  const left = callableMinutesBetween(at, new Date(fu.windowEndsAt), time);
  const gap = Math.max(left / (callsLeft + 1), policy.minRetryGapMinutes);
  return addCallableMinutes(at, gap, time);
}

// ---- sampling --------------------------------------------------------------------------------

/**
 * Is this delivered parcel sampled for a follow-up? VIP customers always; others when the
 * waybill's hash falls in the share, so a replayed or redelivered event decides the same.
 */
export function sampledForFollowUp(
  waybillNo: string,
  tier: CustomerTier,
  share: number,
  hash: (text: string) => number,
): boolean {
  if (tier === "vip") return true;
  return hash(`follow-up-sample:${waybillNo.toUpperCase()}`) < share;
}

// ---- KPI facts -------------------------------------------------------------------------------

/** Hours from the trigger to the outcome (the follow-up median-hours KPI). */
export const hoursToOutcome = (fu: Pick<FollowUp, "triggeredAt">, completedAt: string) =>
  Math.max(0, (Date.parse(completedAt) - Date.parse(fu.triggeredAt)) / 3_600_000);

/** Done within its window (the timeliness KPI). */
export const withinWindow = (fu: Pick<FollowUp, "windowEndsAt">, completedAt: string) =>
  Date.parse(completedAt) <= Date.parse(fu.windowEndsAt);
