// Business time (../domain.md "SLA"): a calendar per team of working hours, working weekdays
// and holidays in the team's time zone. SLA clocks only run inside it. Pure: the current time
// is always passed in. Time zones through Intl (no library); correct across DST changes.

export interface BusinessCalendar {
  readonly timeZone: string;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  readonly workWeekdays: readonly number[];
  /** Local opening and closing time, "HH:MM". */
  readonly opens: string;
  readonly closes: string;
  /** Local dates (YYYY-MM-DD) that are not working days. */
  readonly holidays: readonly string[];
  /** Local dates that are working days whatever the weekday (调休 make-up days). */
  readonly workingDays?: readonly string[];
}

/**
 * Asia/Shanghai, Monday to Saturday, 09:00–18:00, with the PRC public holidays of 2026 as the
 * State Council announced them. Operators must maintain this list (or their own calendar)
 * every year when the next year's holidays are announced.
 */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: "Asia/Shanghai",
  workWeekdays: [1, 2, 3, 4, 5, 6],
  opens: "09:00",
  closes: "18:00",
  holidays: [
    "2026-01-01",
    "2026-01-02",
    "2026-01-03", // New Year
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23", // Spring Festival
    "2026-04-04",
    "2026-04-05",
    "2026-04-06", // Qingming
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05", // Labour Day
    "2026-06-19",
    "2026-06-20",
    "2026-06-21", // Dragon Boat
    "2026-09-25",
    "2026-09-26",
    "2026-09-27", // Mid-Autumn
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07", // National Day
  ],
  workingDays: [],
};

const MINUTE = 60_000;
/** Searching further than this for a working day means the calendar has none. */
const MAX_DAYS_SEARCHED = 2 * 366;

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function businessDayLengthMinutes(cal: BusinessCalendar): number {
  const { opens, closes } = checked(cal);
  return closes - opens;
}

export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const window = windowOf(localDateOf(at, cal.timeZone), cal);
  return window !== null && at.getTime() >= window.open && at.getTime() < window.close;
}

/** `at` itself inside business hours, else the next opening. */
export function nextBusinessOpening(at: Date, cal: BusinessCalendar): Date {
  let t = at.getTime();
  let date = localDateOf(at, cal.timeZone);
  for (let i = 0; i < MAX_DAYS_SEARCHED; i++, date = nextDate(date)) {
    const window = windowOf(date, cal);
    if (window && t < window.close) return new Date(Math.max(t, window.open));
    t = Math.max(t, window?.close ?? t);
  }
  throw new RangeError(noWorkingDays(cal));
}

/** The instant `minutes` business minutes after `start` (a start outside hours counts from the next opening). */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError("minutes must be a non-negative number");
  let remaining = minutes * MINUTE;
  let t = start.getTime();
  let date = localDateOf(start, cal.timeZone);
  for (let i = 0; i < MAX_DAYS_SEARCHED; i++, date = nextDate(date)) {
    const window = windowOf(date, cal);
    if (window && t < window.close) {
      t = Math.max(t, window.open);
      const available = window.close - t;
      if (remaining <= available) return new Date(t + remaining);
      remaining -= available;
      t = window.close;
      i = 0; // progress was made: the search limit is about days without any working time
    }
  }
  throw new RangeError(noWorkingDays(cal));
}

/** Business minutes between two instants; 0 when `to` is not after `from`. */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  let total = 0;
  let date = localDateOf(from, cal.timeZone);
  const last = localDateOf(to, cal.timeZone);
  for (;;) {
    const window = windowOf(date, cal);
    if (window) {
      const start = Math.max(window.open, from.getTime());
      const end = Math.min(window.close, to.getTime());
      if (end > start) total += end - start;
    }
    if (compareDates(date, last) >= 0) break;
    date = nextDate(date);
  }
  return total / MINUTE;
}

// ---- calendar days ------------------------------------------------------------------------

function checked(cal: BusinessCalendar): { opens: number; closes: number } {
  const opens = minutesOfDay(cal.opens);
  const closes = minutesOfDay(cal.closes);
  if (opens >= closes)
    throw new RangeError(`The calendar opens (${cal.opens}) at or after it closes (${cal.closes})`);
  formatter(cal.timeZone);
  return { opens, closes };
}

function minutesOfDay(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a time of day as HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Opening and closing instants of a local date, or null when it is not a working day. */
function windowOf(date: LocalDate, cal: BusinessCalendar): { open: number; close: number } | null {
  const { opens, closes } = checked(cal);
  const key = dateKey(date);
  const weekday =
    ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
  const working =
    cal.workingDays?.includes(key) ||
    (cal.workWeekdays.includes(weekday) && !cal.holidays.includes(key));
  if (!working) return null;
  return {
    open: instantOf(date, opens, cal.timeZone),
    close: instantOf(date, closes, cal.timeZone),
  };
}

const dateKey = (d: LocalDate) =>
  `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

function nextDate(d: LocalDate): LocalDate {
  const next = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

const compareDates = (a: LocalDate, b: LocalDate) =>
  a.year - b.year || a.month - b.month || a.day - b.day;

const noWorkingDays = (cal: BusinessCalendar) =>
  `The calendar (${cal.timeZone}) has no working time within ${MAX_DAYS_SEARCHED} days`;

// ---- time zones ---------------------------------------------------------------------------

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
      throw new RangeError(`Unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(instant: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts as {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
  };
}

function localDateOf(at: Date, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(at.getTime(), timeZone);
  return { year, month, day };
}

/** Offset of the zone from UTC at an instant, in ms (Shanghai: +8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant of a local wall-clock time (a time skipped by DST moves forward with the clock). */
function instantOf(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const first = naive - offsetAt(naive, timeZone);
  const second = naive - offsetAt(first, timeZone);
  return second;
}
