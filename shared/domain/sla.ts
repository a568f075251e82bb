// SLA deadlines (../domain.md "SLA"): first response and resolution, in business time, with a
// team's own targets over the defaults and a peak season's factor (e.g. 双11) on both.
// Pure: the opening instant is passed in.
import * as z from "zod";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessDayLengthMinutes,
  slaFactorAt,
} from "./business-time.ts";
import { CHANNELS, type Channel, PRIORITIES, type Priority } from "./case.ts";

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
  /**
   * A channel's own first-response cap in business minutes, when its target is stricter than
   * the priority's (an e-mail is answered within 2 hours): the earlier of the two applies.
   */
  readonly firstResponseMinutesByChannel: Readonly<Partial<Record<Channel, number>>>;
}

/**
 * The product's defaults: urgent 15 min / 1 business day, high 2 business hours / 3 business
 * days, routine 4 business hours / 5 business days.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  firstResponseMinutes: { urgent: 15, high: 2 * 60, routine: 4 * 60 },
  resolutionBusinessDays: { urgent: 1, high: 3, routine: 5 },
  urgentFirstResponseAroundTheClock: false,
  firstResponseMinutesByChannel: { email: 2 * 60 },
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
 * minutes on the wall clock (the resolution still runs in business time). A case opened on a
 * date of a peak period gets both durations multiplied by the peak's factor (`slaFactorAt`).
 */
export function slaDeadlines(
  priority: Priority,
  openedAt: Date,
  cal: BusinessCalendar,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
  channel: Channel | null = null,
): SlaDeadlines {
  const channelCap = channel ? policy.firstResponseMinutesByChannel?.[channel] : undefined;
  const priorityTarget = policy.firstResponseMinutes[priority];
  const baseFirstResponse =
    channelCap !== undefined ? Math.min(channelCap, priorityTarget) : priorityTarget;
  const baseResolution = policy.resolutionBusinessDays[priority];
  if (!isDuration(baseFirstResponse) || !isDuration(baseResolution))
    throw new RangeError(`The SLA policy has no valid deadlines for priority "${priority}"`);
  const factor = slaFactorAt(openedAt, cal);
  const firstResponseMinutes = baseFirstResponse * factor;
  const resolutionDays = baseResolution * factor;
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

// ---- per-team targets ------------------------------------------------------------------------

/** A team's SLA targets where they differ from the defaults: any priority, any field. */
export interface SlaOverrides {
  readonly firstResponseMinutes?: Readonly<Partial<Record<Priority, number>>>;
  readonly resolutionBusinessDays?: Readonly<Partial<Record<Priority, number>>>;
  readonly urgentFirstResponseAroundTheClock?: boolean;
  readonly firstResponseMinutesByChannel?: Readonly<Partial<Record<Channel, number>>>;
}

const perPriority = (duration: z.ZodNumber) =>
  z.strictObject(
    Object.fromEntries(PRIORITIES.map((p) => [p, duration.optional()])) as Record<
      Priority,
      z.ZodOptional<z.ZodNumber>
    >,
  );

/** A team's `sla` as stored: unknown fields and priorities are refused. */
export const slaOverridesSchema = z.strictObject({
  firstResponseMinutes: perPriority(
    z
      .number()
      .positive("must be > 0 minutes")
      .max(7 * 24 * 60, "must be at most a week (10080 minutes)"),
  ).optional(),
  resolutionBusinessDays: perPriority(
    z.number().positive("must be > 0 business days").max(365, "must be at most 365 business days"),
  ).optional(),
  urgentFirstResponseAroundTheClock: z.boolean().optional(),
  firstResponseMinutesByChannel: z
    .strictObject(
      Object.fromEntries(
        CHANNELS.map((c) => [
          c,
          z
            .number()
            .positive("must be > 0 minutes")
            .max(7 * 24 * 60, "must be at most a week (10080 minutes)")
            .optional(),
        ]),
      ) as Record<Channel, z.ZodOptional<z.ZodNumber>>,
    )
    .optional(),
});

/** `base` with a team's overrides on top (each priority and field separately). */
export function slaPolicyWith(
  overrides?: SlaOverrides,
  base: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaPolicy {
  if (!overrides) return base;
  return {
    firstResponseMinutes: {
      ...base.firstResponseMinutes,
      ...defined(overrides.firstResponseMinutes),
    },
    resolutionBusinessDays: {
      ...base.resolutionBusinessDays,
      ...defined(overrides.resolutionBusinessDays),
    },
    urgentFirstResponseAroundTheClock:
      overrides.urgentFirstResponseAroundTheClock ?? base.urgentFirstResponseAroundTheClock,
    firstResponseMinutesByChannel: {
      ...base.firstResponseMinutesByChannel,
      ...defined(overrides.firstResponseMinutesByChannel),
    },
  };
}

/** The entries with a value: `{ high: undefined }` must not erase the base's target. */
function defined<K extends string>(
  targets: Readonly<Partial<Record<K, number>>> | undefined,
): Partial<Record<K, number>> {
  return Object.fromEntries(
    Object.entries(targets ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<Record<K, number>>;
}
