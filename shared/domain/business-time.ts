// Business time (../domain.md "SLA"): a calendar per team of working hours, working weekdays,
// holidays and make-up working days in the team's time zone. SLA clocks only run inside it.
// Pure: no clock is read, the instants are always passed in. Time zones go through
// Intl.DateTimeFormat (no library) and are correct across daylight-saving changes.
// Fast: every function walks the calendar a day at a time, never a minute at a time.

export interface BusinessCalendar {
  /** IANA time zone in which the hours and dates below are read, e.g. "Asia/Shanghai". */
  readonly timeZone: string;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  readonly workWeekdays: readonly number[];
  /** Local opening time, "HH:MM" (24-hour clock). */
  readonly opens: string;
  /** Local closing time, "HH:MM", after `opens` on the same day. */
  readonly closes: string;
  /** Local dates (YYYY-MM-DD) that are not working days whatever the weekday. */
  readonly holidays: readonly string[];
  /**
   * Local dates (YYYY-MM-DD) that are working days whatever the weekday: the 调休 make-up
   * working days, e.g. a Sunday worked to bridge a public holiday. A date may not be listed
   * both here and in `holidays`.
   */
  readonly workingDays?: readonly string[];
}

/**
 * Asia/Shanghai, Monday to Saturday, 09:00–18:00.
 *
 * Holidays: the 2026 arrangement exactly as the State Council announced it on 4 November 2025
 * (国办: 2026年部分节假日安排), and for 2027 only the statutory days of the 全国年节及纪念日
 * 放假办法 (New Year 1 day, Spring Festival 4 days from 除夕, Qingming 1, Labour Day 2,
 * Dragon Boat 1, Mid-Autumn 1, National Day 3): the 2027 bridging days and make-up working
 * days depend on the State Council's notice for 2027 and are not in this list.
 *
 * OPERATORS MUST MAINTAIN THIS LIST (or their team's own calendar): add each year's
 * arrangement when the State Council publishes it, usually in November of the year before.
 * Make-up working days on a Saturday need no entry here (Saturday is a working day already);
 * those on a Sunday go in `workingDays`.
 */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: "Asia/Shanghai",
  workWeekdays: [1, 2, 3, 4, 5, 6],
  opens: "09:00",
  closes: "18:00",
  holidays: [
    // 2026 (announced arrangement)
    ...["2026-01-01", "2026-01-02", "2026-01-03"], // New Year
    ...["2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19"], // Spring Festival
    ...["2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23"], // … until 正月初七
    ...["2026-04-04", "2026-04-05", "2026-04-06"], // Qingming
    ...["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05"], // Labour Day
    ...["2026-06-19", "2026-06-20", "2026-06-21"], // Dragon Boat
    ...["2026-09-25", "2026-09-26", "2026-09-27"], // Mid-Autumn
    ...["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"], // National Day
    ...["2026-10-05", "2026-10-06", "2026-10-07"],
    // 2027 (statutory days only; replace with the State Council's arrangement)
    "2027-01-01", // New Year
    ...["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"], // Spring Festival (除夕 to 初三)
    "2027-04-05", // Qingming
    ...["2027-05-01", "2027-05-02"], // Labour Day
    "2027-06-09", // Dragon Boat
    "2027-09-15", // Mid-Autumn
    ...["2027-10-01", "2027-10-02", "2027-10-03"], // National Day
  ],
  // 2026 make-up working Sundays (1月4日 for New Year, 9月20日 for National Day).
  workingDays: ["2026-01-04", "2026-09-20"],
};

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Searching further than this without meeting any working time means the calendar has none. */
const MAX_IDLE_DAYS = 2 * 366;

/**
 * Length of one business day in minutes: closing minus opening time (540 for 09:00–18:00).
 * This nominal length is what "N business days" means in the SLA policy. On the rare day a
 * daylight-saving change falls inside business hours, that day's real window differs from it.
 */
export function businessDayLengthMinutes(cal: BusinessCalendar): number {
  const c = compile(cal);
  return c.closes - c.opens;
}

/** Whether `at` is inside business hours: a working day, at or after opening, before closing. */
export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const c = compile(cal);
  const t = instant(at);
  const window = windowOf(localDayOf(t, c.timeZone), c);
  return window !== null && t >= window.open && t < window.close;
}

/** `at` itself when inside business hours, else the next opening (a closing instant is outside). */
export function nextBusinessOpening(at: Date, cal: BusinessCalendar): Date {
  const c = compile(cal);
  const t = instant(at);
  let day = localDayOf(t, c.timeZone);
  for (let idle = 0; idle < MAX_IDLE_DAYS; idle++, day++) {
    const window = windowOf(day, c);
    if (window && t < window.close) return new Date(Math.max(t, window.open));
  }
  throw new RangeError(noWorkingTime(cal));
}

/**
 * The instant `minutes` business minutes after `start`. A start outside business hours counts
 * from the next opening; a result that uses up a day's hours exactly is that day's closing
 * instant (18:00), not the next opening. Fractional minutes are rounded to the millisecond.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  const c = compile(cal);
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`Business minutes must be a finite number >= 0, not ${minutes}`);
  let remaining = Math.round(minutes * MINUTE);
  let t = instant(start);
  let day = localDayOf(t, c.timeZone);
  for (let idle = 0; idle < MAX_IDLE_DAYS; idle++, day++) {
    const window = windowOf(day, c);
    if (!window || t >= window.close) continue;
    t = Math.max(t, window.open);
    const available = window.close - t;
    if (remaining <= available) return new Date(t + remaining);
    remaining -= available;
    t = window.close;
    idle = -1; // time was counted: the search limit is about days without working time
  }
  throw new RangeError(noWorkingTime(cal));
}

/** Business minutes between two instants (fractional below a minute); 0 when `to` <= `from`. */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  const c = compile(cal);
  const a = instant(from);
  const b = instant(to);
  if (b <= a) return 0;
  let total = 0;
  const last = localDayOf(b, c.timeZone);
  for (let day = localDayOf(a, c.timeZone); day <= last; day++) {
    const window = windowOf(day, c);
    if (!window) continue;
    const overlap = Math.min(window.close, b) - Math.max(window.open, a);
    if (overlap > 0) total += overlap;
  }
  return total / MINUTE;
}

// ---- the calendar, checked -------------------------------------------------------------------

/** A local calendar date as a day number: days since 1970-01-01. */
type Day = number;

interface Compiled {
  readonly timeZone: string;
  /** Minutes after local midnight. */
  readonly opens: number;
  readonly closes: number;
  readonly weekdays: ReadonlySet<number>;
  readonly holidays: ReadonlySet<Day>;
  readonly workingDays: ReadonlySet<Day>;
}

/**
 * Validates the calendar (a RangeError naming what is wrong) and indexes its dates. The result
 * is remembered per calendar object: calendars are immutable values (every field is readonly),
 * so change one by making a new object, never by editing it in place.
 */
function compile(cal: BusinessCalendar): Compiled {
  let c = compiled.get(cal);
  if (!c) {
    c = check(cal);
    compiled.set(cal, c);
  }
  return c;
}

const compiled = new WeakMap<BusinessCalendar, Compiled>();

function check(cal: BusinessCalendar): Compiled {
  const opens = minutesOfDay(cal.opens, "opens");
  const closes = minutesOfDay(cal.closes, "closes");
  if (opens >= closes)
    throw new RangeError(
      `Invalid business calendar: it opens (${cal.opens}) at or after it closes (${cal.closes})`,
    );
  formatter(cal.timeZone);
  for (const weekday of cal.workWeekdays) {
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7)
      throw new RangeError(
        `Invalid business calendar: work weekday ${weekday} is not an ISO weekday 1 (Monday) to 7 (Sunday)`,
      );
  }
  const holidays = new Set(cal.holidays.map((d) => dayOfDate(d, "holidays")));
  const workingDays = new Set((cal.workingDays ?? []).map((d) => dayOfDate(d, "workingDays")));
  for (const day of workingDays) {
    if (holidays.has(day))
      throw new RangeError(
        `Invalid business calendar: ${dateOfDay(day)} is both a holiday and a working day`,
      );
  }
  return {
    timeZone: cal.timeZone,
    opens,
    closes,
    weekdays: new Set(cal.workWeekdays),
    holidays,
    workingDays,
  };
}

function minutesOfDay(text: string, field: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match)
    throw new RangeError(
      `Invalid business calendar: ${field} "${text}" is not a time of day as HH:MM (00:00–23:59)`,
    );
  return Number(match[1]) * 60 + Number(match[2]);
}

function dayOfDate(text: string, field: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY
    : Number.NaN;
  if (!match || dateOfDay(day) !== text)
    throw new RangeError(
      `Invalid business calendar: ${field} "${text}" is not a date as YYYY-MM-DD`,
    );
  return day;
}

const dateOfDay = (day: Day): string => new Date(day * DAY).toISOString().slice(0, 10);

/** ISO weekday, 1 = Monday … 7 = Sunday (day 0, 1970-01-01, was a Thursday). */
const weekdayOf = (day: Day): number => ((((day + 3) % 7) + 7) % 7) + 1;

function isWorkingDay(day: Day, c: Compiled): boolean {
  if (c.workingDays.has(day)) return true;
  return c.weekdays.has(weekdayOf(day)) && !c.holidays.has(day);
}

/** Opening and closing instants (ms) of a local date, or null when it is not a working day. */
function windowOf(day: Day, c: Compiled): { open: number; close: number } | null {
  if (!isWorkingDay(day, c)) return null;
  const open = instantOf(day, c.opens, c.timeZone);
  const close = instantOf(day, c.closes, c.timeZone);
  return close > open ? { open, close } : null;
}

function instant(at: Date): number {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError("Invalid Date given as an instant");
  return t;
}

const noWorkingTime = (cal: BusinessCalendar) =>
  `The business calendar (${cal.timeZone}) has no working time within ${MAX_IDLE_DAYS} days`;

// ---- time zones ------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new RangeError(`Invalid business calendar: unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall-clock reading at an instant, as if that reading were UTC (whole seconds). */
function wallClockAsUtc(t: number, timeZone: string): number {
  const p = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(t))) {
    if (part.type in p) p[part.type as keyof typeof p] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The zone's offset from UTC at an instant, in ms (Shanghai: +8 h). */
const offsetAt = (t: number, timeZone: string): number =>
  wallClockAsUtc(t, timeZone) - Math.floor(t / 1000) * 1000;

function localDayOf(t: number, timeZone: string): Day {
  return Math.floor(wallClockAsUtc(t, timeZone) / DAY);
}

/**
 * The instant at which the zone's clock reads `minuteOfDay` on a local date. As with
 * Temporal's "compatible" choice: a reading that occurs twice (clocks going back) is its
 * first occurrence, one that is skipped (clocks going forward) moves forward by the gap.
 */
function instantOf(day: Day, minuteOfDay: number, timeZone: string): number {
  const key = `${timeZone} ${day} ${minuteOfDay}`;
  let t = instants.get(key);
  if (t === undefined) {
    if (instants.size >= MAX_CACHED_INSTANTS) instants.clear();
    t = computeInstantOf(day * DAY + minuteOfDay * MINUTE, timeZone);
    instants.set(key, t);
  }
  return t;
}

/** Memo of `instantOf`: the same openings and closings are looked up over and over. */
const instants = new Map<string, number>();
const MAX_CACHED_INSTANTS = 20_000;

function computeInstantOf(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  if (before === after) return wall - before;
  const candidates = [wall - before, wall - after].filter(
    (t) => t + offsetAt(t, timeZone) === wall,
  );
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}
