// What a team record says about its business calendar (JSON, checked by `calendarSpecSchema`),
// and the BusinessCalendar it stands for (`calendarOf`): the domain defaults where the team says
// nothing, and its holiday region's public holidays and make-up working days merged in.
// Pure: the holiday files are data bundled with the code (shared/calendars/).
import * as z from "zod";
import { holidayRegions, regionDates } from "../calendars/index.ts";
import {
  assertValidCalendar,
  type BusinessCalendar,
  DEFAULT_CALENDAR,
  type DateOverride,
  type IsoWeekday,
  type PeakPeriod,
  type Period,
} from "./business-time.ts";

/** ISO weekday as a JSON key: "1" = Monday … "7" = Sunday. */
export type WeekdayKey = `${IsoWeekday}`;

export interface CalendarSpec {
  /** IANA time zone; default "Asia/Shanghai". */
  readonly timeZone?: string;
  /** Working periods per weekday. When given, it replaces the default week as a whole. */
  readonly weeklyHours?: Readonly<Partial<Record<WeekdayKey, readonly Period[]>>>;
  /** Whose public holidays apply: default "cn" (mainland China); null for none. */
  readonly holidayRegion?: string | null;
  /** The team's own days off. They win over the region's make-up working days. */
  readonly extraHolidays?: readonly string[];
  /** The team's own extra working days. They win over the region's holidays. */
  readonly extraWorkingDays?: readonly string[];
  /** Special hours for single dates (`periods: []` closes the date); they win over all else. */
  readonly overrides?: readonly DateOverride[];
  /** Peak seasons relaxing the SLA of cases opened in them, e.g. 双11 with slaFactor 1.5. */
  readonly peaks?: readonly PeakPeriod[];
  /** Hours of a make-up working day and of one SLA "business day"; default: the first worked weekday's. */
  readonly makeUpDayHours?: readonly Period[];
}

const WEEKDAY_KEYS = ["1", "2", "3", "4", "5", "6", "7"] as const;
const NINE_TO_SIX: readonly Period[] = [{ start: "09:00", end: "18:00" }];

/** The domain default (../domain.md "SLA"): Shanghai, Monday–Saturday 09:00–18:00, cn holidays. */
export const DEFAULT_CALENDAR_SPEC: CalendarSpec = {
  timeZone: "Asia/Shanghai",
  weeklyHours: {
    1: NINE_TO_SIX,
    2: NINE_TO_SIX,
    3: NINE_TO_SIX,
    4: NINE_TO_SIX,
    5: NINE_TO_SIX,
    6: NINE_TO_SIX,
  },
  holidayRegion: "cn",
};

// ---- the schema ------------------------------------------------------------------------------

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM (00:00–23:59)");

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a real date");

export const period = z.strictObject({ start: timeOfDay, end: timeOfDay });

const timeZone = z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai");

const holidayRegion = z.string().refine((r) => holidayRegions().includes(r), {
  error: (issue) =>
    `unknown holiday region ${JSON.stringify(issue.input)} (known: ${holidayRegions().join(", ")})`,
});

// Zod reports an unknown key of a partial record as "unrecognized_keys", which its error
// callback's type does not list (zod 4.6): hence the cast.
const weeklyHours = z.partialRecord(z.enum(WEEKDAY_KEYS), z.array(period), {
  error: (issue) => {
    const { code, keys } = issue as { code: string; keys?: readonly string[] };
    return code === "unrecognized_keys"
      ? `weekdays must be "1" (Monday) to "7" (Sunday), not ${keys?.join(", ")}`
      : undefined;
  },
});

const peak = z.strictObject({
  name: z.string().min(1, "a peak needs a name").max(60),
  from: localDate,
  to: localDate,
  slaFactor: z.number().positive("must be > 0").max(10, "must be at most 10"),
});

/**
 * A team's `calendar` as stored: unknown fields are refused, and the whole calendar is then
 * checked as business-time.ts would (overlapping periods, a date both off and worked, …).
 */
export const calendarSpecSchema = z
  .strictObject({
    timeZone: timeZone.optional(),
    weeklyHours: weeklyHours.optional(),
    holidayRegion: holidayRegion.nullable().optional(),
    extraHolidays: z.array(localDate).optional(),
    extraWorkingDays: z.array(localDate).optional(),
    overrides: z.array(z.strictObject({ date: localDate, periods: z.array(period) })).optional(),
    peaks: z.array(peak).optional(),
    makeUpDayHours: z.array(period).optional(),
  })
  .superRefine(
    (spec, ctx) => {
      try {
        calendarOf(spec);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
      }
    },
    { when: (payload) => payload.issues.length === 0 },
  );

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// ---- from spec to calendar -------------------------------------------------------------------

/** The holiday regions a spec uses: ["cn"] by default, [] with `holidayRegion: null`. */
export function calendarRegionsOf(spec?: CalendarSpec): readonly string[] {
  const region = spec?.holidayRegion === undefined ? "cn" : spec.holidayRegion;
  return region === null ? [] : [region];
}

/**
 * The business calendar of a spec (the domain default for none). Remembered by the spec's JSON,
 * so every case of a team shares one calendar object (and business-time.ts's index of it).
 * Throws a RangeError naming the problem for an invalid spec (check team records on write
 * with `calendarSpecSchema`, which reports the same problems as issues).
 */
export function calendarOf(spec?: CalendarSpec): BusinessCalendar {
  const key = JSON.stringify(spec ?? {});
  let cal = calendars.get(key);
  if (!cal) {
    if (calendars.size >= MAX_CACHED_CALENDARS) calendars.clear();
    cal = key === "{}" ? DEFAULT_CALENDAR : build(spec ?? {});
    assertValidCalendar(cal);
    calendars.set(key, cal);
  }
  return cal;
}

const calendars = new Map<string, BusinessCalendar>();
const MAX_CACHED_CALENDARS = 1000;

function build(spec: CalendarSpec): BusinessCalendar {
  const region = regionOf(spec);
  const extraOff = new Set(spec.extraHolidays ?? []);
  const extraWorked = new Set(spec.extraWorkingDays ?? []);
  // The team's own lists win over the region's: a date is dropped from the region's other list.
  const holidays = [...region.holidays.filter((d) => !extraWorked.has(d)), ...extraOff];
  const workingDays = [...region.workingDays.filter((d) => !extraOff.has(d)), ...extraWorked];
  return {
    timeZone: spec.timeZone ?? (DEFAULT_CALENDAR_SPEC.timeZone as string),
    weeklyHours: weekOf(spec.weeklyHours ?? DEFAULT_CALENDAR_SPEC.weeklyHours ?? {}),
    holidays: [...new Set(holidays)],
    workingDays: [...new Set(workingDays)],
    ...(spec.makeUpDayHours ? { makeUpDayHours: spec.makeUpDayHours } : {}),
    ...(spec.overrides?.length ? { overrides: spec.overrides } : {}),
    ...(spec.peaks?.length ? { peaks: spec.peaks } : {}),
  };
}

function regionOf(spec: CalendarSpec): ReturnType<typeof regionDates> {
  const [region] = calendarRegionsOf(spec);
  if (region === undefined) return { holidays: [], workingDays: [] };
  if (!holidayRegions().includes(region))
    throw new RangeError(
      `Invalid business calendar: unknown holiday region "${region}" (known: ${holidayRegions().join(", ")})`,
    );
  return regionDates(region);
}

/** JSON's "1" key is weekday 1: JavaScript object keys are strings, so only the type changes. */
const weekOf = (hours: NonNullable<CalendarSpec["weeklyHours"]>) =>
  hours as BusinessCalendar["weeklyHours"];
