// Business time (../domain.md "SLA"): a calendar per team of working periods per weekday,
// holidays, make-up working days (调休), date overrides and peak periods, read in the team's time
// zone. SLA clocks only run inside its working periods.
// Pure: no clock is read, the instants are always passed in. Time zones go through
// Intl.DateTimeFormat (no library) and are correct across daylight-saving changes.
// Fast: every function walks the calendar a day at a time, never a minute at a time.
import { regionDates } from "../calendars/index.ts";

/**
 * A working period of a local day, "HH:MM" to "HH:MM" (24-hour clock), start included, end
 * excluded. An `end` at or before `start` ends on the next day (an overnight shift, e.g.
 * 22:00–06:00; 00:00–00:00 is the whole day): the period belongs to the day it starts on.
 */
export interface Period {
  readonly start: string;
  readonly end: string;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Hours of one date that replace every other rule for it; `periods: []` closes the date. */
export interface DateOverride {
  readonly date: string;
  readonly periods: readonly Period[];
}

/**
 * A peak season (e.g. 双11) in which SLA targets are relaxed: the SLA durations of a case opened
 * on a local date from `from` to `to` (both included) are multiplied by `slaFactor`.
 */
export interface PeakPeriod {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly slaFactor: number;
}

/**
 * A team's business calendar with its holiday dates merged in (see calendar-spec.ts for what a
 * team record stores). Dates are local dates, YYYY-MM-DD, in `timeZone`. For a date, the first
 * rule that applies gives its periods: an override; a holiday (none); a make-up working day
 * (`makeUpDayHours`); the weekday's hours.
 */
export interface BusinessCalendar {
  /** IANA time zone in which the hours and dates are read, e.g. "Asia/Shanghai". */
  readonly timeZone: string;
  /** Working periods per ISO weekday; a weekday absent or with no periods is not worked. */
  readonly weeklyHours: Readonly<Partial<Record<IsoWeekday, readonly Period[]>>>;
  /** Dates that are not worked whatever the weekday. */
  readonly holidays: readonly string[];
  /**
   * Make-up working days (调休): dates worked whatever the weekday, e.g. a Sunday worked to
   * bridge a public holiday. A date may not be listed both here and in `holidays`.
   */
  readonly workingDays?: readonly string[];
  /**
   * The hours of a regular working day: those of a make-up working day, and what one "business
   * day" of the SLA measures. Default: the hours of the first worked weekday (Monday's, usually).
   */
  readonly makeUpDayHours?: readonly Period[];
  /** Special hours for single dates; they win over the weekday, holiday and make-up rules. */
  readonly overrides?: readonly DateOverride[];
  /** Peak seasons; they may not overlap. */
  readonly peaks?: readonly PeakPeriod[];
}

const NINE_TO_SIX: readonly Period[] = [{ start: "09:00", end: "18:00" }];

/**
 * The domain default: Asia/Shanghai, Monday to Saturday 09:00–18:00, mainland China's public
 * holidays and make-up working days from shared/calendars/cn/ (see holiday-coverage.ts for the
 * warning raised when a year's file is missing or only provisional).
 */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: "Asia/Shanghai",
  weeklyHours: {
    1: NINE_TO_SIX,
    2: NINE_TO_SIX,
    3: NINE_TO_SIX,
    4: NINE_TO_SIX,
    5: NINE_TO_SIX,
    6: NINE_TO_SIX,
  },
  ...regionDates("cn"),
};

const MINUTE = 60_000;
const DAY = 86_400_000;
const MINUTES_PER_DAY = 1440;
/** Searching further than this without meeting any working time means the calendar has none. */
const MAX_IDLE_DAYS = 2 * 366;

/**
 * Length of a regular working day in minutes (the sum of `makeUpDayHours`' periods: 540 for
 * 09:00–18:00, 480 with a lunch hour). This nominal length is what "N business days" means in
 * the SLA policy; a day with other hours (an override, a daylight-saving change) differs from it.
 */
export function businessDayLengthMinutes(cal: BusinessCalendar): number {
  const c = compile(cal);
  const length = c.regularDay.reduce((sum, p) => sum + (p.end - p.start), 0);
  if (length === 0)
    throw new RangeError("Invalid business calendar: it has no regular working day to measure");
  return length;
}

/** Whether `at` is inside a working period: at or after its start, before its end. */
export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const c = compile(cal);
  const t = instant(at);
  const day = localDayOf(t, c.timeZone);
  for (const w of windows(day - 1, c, day)) {
    if (w.open > t) return false;
    if (t < w.close) return true;
  }
  return false;
}

/** `at` itself when inside business hours, else the next opening (a closing instant is outside). */
export function nextBusinessOpening(at: Date, cal: BusinessCalendar): Date {
  const c = compile(cal);
  const t = instant(at);
  for (const w of windows(localDayOf(t, c.timeZone) - 1, c)) {
    if (t < w.close) return new Date(Math.max(t, w.open));
  }
  throw new RangeError(noWorkingTime(c)); // unreachable: `windows` throws first
}

/**
 * The earliest instant by which `minutes` business minutes have passed since `start`. A start
 * outside business hours counts from the next opening (so 0 minutes is the next opening). A
 * result that uses up a period exactly is that period's closing instant (12:00 before a lunch
 * break, 18:00 in the evening), not the next opening. Fractions are rounded to the millisecond.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  const c = compile(cal);
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`Business minutes must be a finite number >= 0, not ${minutes}`);
  let remaining = Math.round(minutes * MINUTE);
  const t = instant(start);
  for (const w of windows(localDayOf(t, c.timeZone) - 1, c)) {
    if (w.close <= t) continue;
    const from = Math.max(t, w.open);
    if (remaining <= w.close - from) return new Date(from + remaining);
    remaining -= w.close - from;
  }
  throw new RangeError(noWorkingTime(c)); // unreachable: `windows` throws first
}

/** Business minutes between two instants (fractional below a minute); 0 when `to` <= `from`. */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  const c = compile(cal);
  const a = instant(from);
  const b = instant(to);
  if (b <= a) return 0;
  let total = 0;
  for (const w of windows(localDayOf(a, c.timeZone) - 1, c, localDayOf(b, c.timeZone))) {
    if (w.open >= b) break;
    const overlap = Math.min(w.close, b) - Math.max(w.open, a);
    if (overlap > 0) total += overlap;
  }
  return total / MINUTE;
}

/**
 * The working windows from `from` on, in time order and disjoint, as instants in ms (`open`
 * included, `close` excluded); a window already running at `from` starts at `from`. Unbounded:
 * the caller stops reading (it throws, as the other functions do, when no working time exists).
 */
export function* workingWindows(
  from: Date,
  cal: BusinessCalendar,
): Generator<{ readonly open: number; readonly close: number }> {
  const c = compile(cal);
  const t = instant(from);
  for (const w of windows(localDayOf(t, c.timeZone) - 1, c)) {
    if (w.close <= t) continue;
    yield { open: Math.max(t, w.open), close: w.close };
  }
}

/** The SLA factor of the peak period containing `at`'s local date, 1 outside any peak. */
export function slaFactorAt(at: Date, cal: BusinessCalendar): number {
  const c = compile(cal);
  const day = localDayOf(instant(at), c.timeZone);
  return c.peaks.find((p) => p.from <= day && day <= p.to)?.slaFactor ?? 1;
}

/** Checks a calendar, throwing the RangeError that any function given it would throw. */
export function assertValidCalendar(cal: BusinessCalendar): void {
  compile(cal);
}

// ---- working windows -------------------------------------------------------------------------

/** A local calendar date as a day number: days since 1970-01-01. */
type Day = number;

/** A period in minutes after the local midnight of its day; `end` > `start`, up to 2 days. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/** A working period as instants (ms), open included, close excluded. */
interface Window {
  readonly open: number;
  readonly close: number;
}

/**
 * The working windows of the periods starting on local days `from` … `to`, in time order and
 * disjoint (a period that a daylight-saving jump makes overlap the one before is trimmed).
 * Unbounded (`to` omitted), it throws once MAX_IDLE_DAYS days in a row have no period.
 * Callers start a day early: an overnight period of the day before may still be running.
 */
function* windows(from: Day, c: Compiled, to: Day = Infinity): Generator<Window> {
  let lastClose = -Infinity;
  let idle = 0;
  for (let day = from; day <= to; day++) {
    const spans = spansOf(day, c);
    if (spans.length === 0 && to === Infinity && ++idle > MAX_IDLE_DAYS)
      throw new RangeError(noWorkingTime(c));
    if (spans.length > 0) idle = 0;
    for (const span of spans) {
      const open = Math.max(instantOf(day, span.start, c.timeZone), lastClose);
      const close = instantOf(day, span.end, c.timeZone);
      if (close <= open) continue;
      lastClose = close;
      yield { open, close };
    }
  }
}

/** The periods of a local date: override, else holiday (none), else make-up day, else weekday. */
function spansOf(day: Day, c: Compiled): readonly Span[] {
  const override = c.overrides.get(day);
  if (override) return override;
  if (c.holidays.has(day)) return [];
  if (c.workingDays.has(day)) return c.regularDay;
  return c.weekly[weekdayOf(day)] ?? [];
}

// ---- the calendar, checked -------------------------------------------------------------------

interface Compiled {
  readonly timeZone: string;
  /** Index = ISO weekday (index 0 unused). */
  readonly weekly: readonly (readonly Span[])[];
  readonly regularDay: readonly Span[];
  readonly holidays: ReadonlySet<Day>;
  readonly workingDays: ReadonlySet<Day>;
  readonly overrides: ReadonlyMap<Day, readonly Span[]>;
  readonly peaks: readonly { readonly from: Day; readonly to: Day; readonly slaFactor: number }[];
}

/**
 * Validates the calendar (a RangeError naming what is wrong) and indexes it. The result is
 * remembered per calendar object: calendars are immutable values (every field is readonly),
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
  formatter(cal.timeZone);
  const weekly = weeklySpans(cal.weeklyHours);
  const regularDay = cal.makeUpDayHours
    ? spansOfPeriods(cal.makeUpDayHours, "makeUpDayHours")
    : (weekly.find((spans) => spans.length > 0) ?? []);
  const holidays = new Set(cal.holidays.map((d) => dayOfDate(d, "holidays")));
  const workingDays = new Set((cal.workingDays ?? []).map((d) => dayOfDate(d, "workingDays")));
  for (const day of workingDays) {
    if (holidays.has(day)) throw invalid(`${dateOfDay(day)} is both a holiday and a working day`);
  }
  const c: Compiled = {
    timeZone: cal.timeZone,
    weekly,
    regularDay,
    holidays,
    workingDays,
    overrides: overrideSpans(cal.overrides ?? []),
    peaks: peakDays(cal.peaks ?? []),
  };
  checkOvernightPeriods(c);
  return c;
}

function weeklySpans(hours: BusinessCalendar["weeklyHours"]): (readonly Span[])[] {
  const weekly: (readonly Span[])[] = Array.from({ length: 8 }, () => []);
  for (const [key, periods] of Object.entries(hours)) {
    const weekday = Number(key);
    if (!/^[1-7]$/.test(key))
      throw invalid(`weekday ${key} is not an ISO weekday 1 (Monday) to 7 (Sunday)`);
    weekly[weekday] = spansOfPeriods(periods ?? [], `weeklyHours[${key}]`);
  }
  return weekly;
}

function overrideSpans(overrides: readonly DateOverride[]): Map<Day, readonly Span[]> {
  const byDay = new Map<Day, readonly Span[]>();
  for (const { date, periods } of overrides) {
    const day = dayOfDate(date, "overrides");
    if (byDay.has(day)) throw invalid(`the date ${date} has two overrides`);
    byDay.set(day, spansOfPeriods(periods, `override ${date}`));
  }
  return byDay;
}

function peakDays(peaks: readonly PeakPeriod[]): Compiled["peaks"] {
  const days = peaks.map(({ name, from, to, slaFactor }) => {
    const span = {
      name,
      from: dayOfDate(from, `peak "${name}" from`),
      to: dayOfDate(to, `peak "${name}" to`),
    };
    if (span.to < span.from)
      throw invalid(`peak "${name}" ends (${to}) before it starts (${from})`);
    if (!Number.isFinite(slaFactor) || slaFactor <= 0)
      throw invalid(`peak "${name}" has an SLA factor of ${slaFactor}, not a number > 0`);
    return { ...span, slaFactor };
  });
  const sorted = [...days].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1]!, sorted[i]!];
    if (after.from <= before.to)
      throw invalid(`peaks "${before.name}" and "${after.name}" overlap`);
  }
  return sorted;
}

/** Parses a day's periods, sorted by start, refusing any two that overlap. */
function spansOfPeriods(periods: readonly Period[], where: string): readonly Span[] {
  const spans = periods
    .map((p, i) => {
      const start = minutesOfDay(p.start, `${where}[${i}].start`);
      const end = minutesOfDay(p.end, `${where}[${i}].end`);
      return { start, end: end > start ? end : end + MINUTES_PER_DAY };
    })
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const [before, after] = [spans[i - 1]!, spans[i]!];
    if (after.start < before.end)
      throw invalid(`${where}: the periods ${hhmm(before)} and ${hhmm(after)} overlap`);
  }
  return spans;
}

/**
 * Refuses a period running past midnight into the next day's first period: for each pair of
 * weekdays (Sunday → Monday too), and around each date with its own hours (overrides, make-up
 * days); a holiday only removes hours, so it cannot create an overlap.
 */
function checkOvernightPeriods(c: Compiled): void {
  for (let weekday = 1; weekday <= 7; weekday++) {
    const next = (weekday % 7) + 1;
    checkNextDay(c.weekly[weekday]!, c.weekly[next]!, `weekday ${weekday}`, `weekday ${next}'s`);
  }
  for (const day of new Set([...c.overrides.keys(), ...c.workingDays])) {
    const [before, on, after] = [spansOf(day - 1, c), spansOf(day, c), spansOf(day + 1, c)];
    checkNextDay(before, on, dateOfDay(day - 1), `${dateOfDay(day)}'s`);
    checkNextDay(on, after, dateOfDay(day), `${dateOfDay(day + 1)}'s`);
  }
}

function checkNextDay(day: readonly Span[], next: readonly Span[], where: string, whose: string) {
  const last = day.at(-1);
  const first = next[0];
  if (last && first && last.end - MINUTES_PER_DAY > first.start)
    throw invalid(`${where}: the overnight period ${hhmm(last)} overlaps ${whose} ${hhmm(first)}`);
}

const invalid = (problem: string) => new RangeError(`Invalid business calendar: ${problem}`);

function minutesOfDay(text: string, field: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw invalid(`${field} "${text}" is not a time of day as HH:MM (00:00–23:59)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const pad = (n: number) => String(n).padStart(2, "0");
const clock = (m: number) => `${pad(Math.floor(m / 60) % 24)}:${pad(m % 60)}`;
const hhmm = (s: Span) => `${clock(s.start)}–${clock(s.end)}`;

function dayOfDate(text: string, field: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY
    : Number.NaN;
  if (!match || dateOfDay(day) !== text)
    throw invalid(`${field} "${text}" is not a date as YYYY-MM-DD`);
  return day;
}

const dateOfDay = (day: Day): string => new Date(day * DAY).toISOString().slice(0, 10);

/** ISO weekday, 1 = Monday … 7 = Sunday (day 0, 1970-01-01, was a Thursday). */
const weekdayOf = (day: Day): number => ((((day + 3) % 7) + 7) % 7) + 1;

function instant(at: Date): number {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError("Invalid Date given as an instant");
  return t;
}

const noWorkingTime = (c: Compiled) =>
  `The business calendar (${c.timeZone}) has no working time within ${MAX_IDLE_DAYS} days`;

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
      throw invalid(`unknown time zone "${timeZone}"`);
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
 * The instant at which the zone's clock reads `minute` minutes after the local midnight starting
 * `day` (a minute past 1440 is on the next day). As with Temporal's "compatible" choice: a
 * reading that occurs twice (clocks going back) is its first occurrence, one that is skipped
 * (clocks going forward) moves forward by the gap.
 */
function instantOf(day: Day, minute: number, timeZone: string): number {
  const key = `${timeZone} ${day} ${minute}`;
  let t = instants.get(key);
  if (t === undefined) {
    if (instants.size >= MAX_CACHED_INSTANTS) instants.clear();
    t = computeInstantOf(day * DAY + minute * MINUTE, timeZone);
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
