// Properties of business time, over fixed team calendars (Shanghai with mainland China holidays,
// Berlin with daylight saving time, New York) and random ones (periods, lunch breaks, overnight
// shifts, holidays, make-up days and overrides). The rule for results: addBusinessMinutes gives
// the earliest instant by which the minutes have passed, so it is inside business hours or,
// when the minutes use up a period exactly, that period's closing instant (never the next
// opening); the millisecond before it is always business time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  DEFAULT_CALENDAR,
  type IsoWeekday,
  isBusinessTime,
  nextBusinessOpening,
  type Period,
} from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const runs = { numRuns: 150 };

const p = (start: string, end: string): Period => ({ start, end });
const week = (weekdays: readonly IsoWeekday[], ...periods: Period[]) =>
  Object.fromEntries(weekdays.map((d) => [d, periods]));

// ---- fixed calendars -------------------------------------------------------------------------

const newYork: BusinessCalendar = {
  timeZone: "America/New_York",
  weeklyHours: week([1, 2, 3, 4, 5], p("09:00", "17:00")),
  holidays: ["2026-07-03", "2026-11-26", "2026-12-25"],
};

/** Monday–Friday with lunch, a Saturday night shift across the DST Sundays, holidays, an override. */
const berlin: BusinessCalendar = {
  timeZone: "Europe/Berlin",
  weeklyHours: {
    ...week([1, 2, 3, 4, 5], p("08:00", "12:00"), p("13:00", "17:00")),
    6: [p("22:00", "06:00")],
  },
  holidays: ["2026-04-03", "2026-04-06", "2026-10-03", "2026-12-25"],
  workingDays: ["2026-03-29"], // a DST Sunday worked, to exercise the gap
  overrides: [{ date: "2026-10-24", periods: [p("20:00", "07:00")] }], // a longer DST night
};

/** A Monday–Friday Shanghai team with lunch, an evening shift and the cn make-up days. */
const shanghaiTeam = calendarOf({
  weeklyHours: {
    ...week([1, 2, 3, 4], p("09:00", "12:00"), p("13:00", "18:00"), p("19:00", "21:00")),
    "5": [p("09:00", "12:00"), p("13:00", "18:00"), p("22:00", "02:00")],
  },
});

const fixedCalendars = [DEFAULT_CALENDAR, shanghaiTeam, berlin, newYork];

// ---- random calendars ------------------------------------------------------------------------

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/**
 * One weekday's periods from sorted half-hour boundaries, optionally ending with an overnight
 * period. Boundaries avoid 02:30, which the DST change skips or repeats in Berlin (the
 * wall-clock oracle below reads clocks, and a period ending inside a repeated hour ends at
 * its first occurrence).
 */
const slot = fc.integer({ min: 0, max: 47 }).filter((s) => s !== 5);
const dayOfPeriods = fc
  .record({
    boundaries: fc.uniqueArray(slot, { maxLength: 6 }),
    overnightEnd: fc.option(slot, { nil: undefined }),
  })
  .map(({ boundaries, overnightEnd }) => {
    const sorted = [...boundaries].sort((a, b) => a - b);
    if (sorted.length % 2) sorted.pop();
    const spans: [number, number][] = [];
    for (let i = 0; i < sorted.length; i += 2) spans.push([sorted[i]! * 30, sorted[i + 1]! * 30]);
    return { spans, overnightEnd: overnightEnd === undefined ? undefined : overnightEnd * 30 };
  });

/** Local dates from 2025-12-15 on, a few hundred days, for holidays, make-up days and overrides. */
const dateArb = fc
  .integer({ min: 0, max: 420 })
  .map((i) => new Date(Date.UTC(2025, 11, 15) + i * DAY_MS).toISOString().slice(0, 10));

const randomCalendar = fc
  .record({
    timeZone: fc.constantFrom("Asia/Shanghai", "Europe/Berlin"),
    days: fc.array(dayOfPeriods, { minLength: 7, maxLength: 7 }),
    holidays: fc.uniqueArray(dateArb, { maxLength: 25 }),
    workingDays: fc.uniqueArray(dateArb, { maxLength: 10 }),
    overrides: fc.uniqueArray(fc.record({ date: dateArb, day: dayOfPeriods.map((d) => d.spans) }), {
      maxLength: 8,
      selector: (o) => o.date,
    }),
  })
  .map(({ timeZone, days, holidays, workingDays, overrides }): BusinessCalendar => {
    const weekly = days.map(({ spans }) => spans.map(([s, e]) => p(hhmm(s), hhmm(e))));
    // An overnight period after the day's last one, ending before the next weekday's first.
    days.forEach(({ spans, overnightEnd }, i) => {
      const start = Math.max(spans.at(-1)?.[1] ?? 0, 12 * 60);
      const nextFirst = days[(i + 1) % 7]!.spans[0]?.[0] ?? 24 * 60;
      if (overnightEnd !== undefined && overnightEnd <= nextFirst && overnightEnd < start)
        weekly[i]!.push(p(hhmm(start), hhmm(overnightEnd)));
    });
    if (weekly.every((periods) => periods.length === 0)) weekly[0] = [p("09:00", "10:00")];
    return {
      timeZone,
      weeklyHours: Object.fromEntries(weekly.map((periods, i) => [i + 1, periods])),
      holidays: holidays.filter((d) => !workingDays.includes(d)),
      workingDays,
      // Overrides never reach past midnight; calendars where one meets last night's shift are
      // invalid and filtered out below.
      overrides: overrides.map(({ date, day }) => ({
        date,
        periods: day.map(([s, e]) => p(hhmm(s), hhmm(e))),
      })),
    };
  })
  .filter(isValid);

function isValid(cal: BusinessCalendar): boolean {
  try {
    isBusinessTime(new Date(0), cal);
    return true;
  } catch {
    return false;
  }
}

// ---- a wall-clock oracle ---------------------------------------------------------------------

const readers = new Map<string, Intl.DateTimeFormat>();
/** The local date, weekday and minute of the day that the zone's clocks show at an instant. */
function wallClock(at: Date, timeZone: string) {
  let f = readers.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    readers.set(timeZone, f);
  }
  const part = (type: string) => f.formatToParts(at).find((x) => x.type === type)!.value;
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  return { date, minute: Number(part("hour")) * 60 + Number(part("minute")) };
}

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
const previousDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
const weekdayOfDate = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The periods of a local date by the calendar's rules, read straight from its fields. */
function periodsOn(date: string, cal: BusinessCalendar): readonly Period[] {
  const override = cal.overrides?.find((o) => o.date === date);
  if (override) return override.periods;
  if (cal.holidays.includes(date)) return [];
  const firstWorked = ([1, 2, 3, 4, 5, 6, 7] as const)
    .map((d) => cal.weeklyHours[d] ?? [])
    .find((periods) => periods.length > 0);
  if (cal.workingDays?.includes(date)) return cal.makeUpDayHours ?? firstWorked ?? [];
  return cal.weeklyHours[weekdayOfDate(date) as IsoWeekday] ?? [];
}

/** Whether the clocks' reading falls in a period of its date, or in last night's overnight one. */
function oracle(at: Date, cal: BusinessCalendar): boolean {
  const { date, minute } = wallClock(at, cal.timeZone);
  const today = periodsOn(date, cal).some(({ start, end }) => {
    const [s, e] = [minutesOf(start), minutesOf(end)];
    return s <= minute && (e <= s || minute < e);
  });
  const lastNight = periodsOn(previousDate(date), cal).some(({ start, end }) => {
    const [s, e] = [minutesOf(start), minutesOf(end)];
    return e <= s && minute < e;
  });
  return today || lastNight;
}

// ---- instants --------------------------------------------------------------------------------

const anyInstant = fc.date({
  min: new Date("2025-12-20T00:00:00Z"),
  max: new Date("2027-01-31T00:00:00Z"),
  noInvalidDate: true,
});
/** Within three days of Berlin's 2026 and 2027 changes (last Sundays of March and October). */
const nearDst = fc
  .tuple(
    fc.constantFrom("2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2027-03-28T01:00:00Z"),
    fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }),
  )
  .map(([change, offset]) => new Date(Date.parse(change) + offset));
const instant = fc.oneof(anyInstant, nearDst);
const calendar = fc.oneof(fc.constantFrom(...fixedCalendars), randomCalendar);
const minutes = fc.integer({ min: 0, max: 5 * 540 });

describe("adding and measuring business minutes", () => {
  it("counts back exactly the minutes it added (round trip)", () => {
    fc.assert(
      fc.property(calendar, instant, minutes, (c, start, m) => {
        expect(businessMinutesBetween(start, addBusinessMinutes(start, m, c), c)).toBe(m);
      }),
      runs,
    );
  });

  it("round-trips fractional minutes to the millisecond", () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 3 * 540 * MINUTE }), (c, s, ms) => {
        const m = ms / MINUTE;
        expect(businessMinutesBetween(s, addBusinessMinutes(s, m, c), c)).toBeCloseTo(m, 9);
      }),
      runs,
    );
  });

  it("lands inside business hours, or exactly at the closing instant of the period used up", () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 5 * 540 }), (c, start, m) => {
        const due = addBusinessMinutes(start, m, c);
        // The last millisecond counted is business time: so `due` is either business time
        // itself or the instant a period closes, never an opening after a gap.
        expect(isBusinessTime(new Date(due.getTime() - 1), c)).toBe(true);
        if (!isBusinessTime(due, c)) expect(nextBusinessOpening(due, c) > due).toBe(true);
      }),
      runs,
    );
  });

  it("starts at the next opening: 0 minutes is nextBusinessOpening", () => {
    fc.assert(
      fc.property(calendar, instant, (c, at) => {
        expect(addBusinessMinutes(at, 0, c)).toEqual(nextBusinessOpening(at, c));
      }),
      runs,
    );
  });

  it("never moves a deadline earlier when more minutes are added", () => {
    fc.assert(
      fc.property(calendar, instant, minutes, minutes, (c, start, a, b) => {
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(addBusinessMinutes(start, less, c).getTime()).toBeLessThanOrEqual(
          addBusinessMinutes(start, more, c).getTime(),
        );
      }),
      runs,
    );
  });

  it("adds up: the minutes from a to b plus b to c are those from a to c", () => {
    const gap = fc.integer({ min: 0, max: 4 * DAY_MS });
    fc.assert(
      fc.property(calendar, instant, gap, gap, (c, a, g1, g2) => {
        const b = new Date(a.getTime() + g1);
        const d = new Date(b.getTime() + g2);
        expect(businessMinutesBetween(a, b, c) + businessMinutesBetween(b, d, c)).toBeCloseTo(
          businessMinutesBetween(a, d, c),
          6,
        );
      }),
      runs,
    );
  });

  it("never counts more than the wall-clock time", () => {
    const gap = fc.integer({ min: 0, max: 4 * DAY_MS });
    fc.assert(
      fc.property(calendar, instant, gap, (c, a, g) => {
        const b = new Date(a.getTime() + g);
        expect(businessMinutesBetween(a, b, c)).toBeLessThanOrEqual(g / MINUTE);
      }),
      runs,
    );
  });
});

describe("the next opening", () => {
  it("is the instant itself exactly when it is business time, else later and open", () => {
    fc.assert(
      fc.property(calendar, instant, (c, at) => {
        const opening = nextBusinessOpening(at, c);
        expect(opening.getTime() === at.getTime()).toBe(isBusinessTime(at, c));
        expect(opening.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(isBusinessTime(opening, c)).toBe(true);
        expect(businessMinutesBetween(at, opening, c)).toBe(0);
      }),
      runs,
    );
  });
});

describe("the rules, against the clocks on the wall", () => {
  // The oracle reads the zone's clocks and applies the rules per date: weekday hours, lunch
  // breaks, overnight shifts belonging to the day they start on, holidays skipped, make-up
  // days worked with a regular day's hours, overrides winning over everything.
  it("says business time exactly when the rules do, for any calendar and instant", () => {
    fc.assert(
      fc.property(calendar, instant, (c, at) => {
        expect(isBusinessTime(at, c)).toBe(oracle(at, c));
      }),
      { numRuns: 400 },
    );
  });

  it("says so minute by minute through Berlin's DST weekends", () => {
    const weekend = fc.constantFrom("2026-03-27T20:00:00Z", "2026-10-23T20:00:00Z");
    fc.assert(
      fc.property(weekend, fc.integer({ min: 0, max: 4 * 24 * 60 }), (from, m) => {
        const at = new Date(Date.parse(from) + m * MINUTE);
        expect(isBusinessTime(at, berlin)).toBe(oracle(at, berlin));
      }),
      runs,
    );
  });
});

describe("whole days", () => {
  const shanghaiDays = (cal: BusinessCalendar, dates: readonly string[]) =>
    dates.map((date) => {
      const from = new Date(`${date}T00:00:00+08:00`);
      return businessMinutesBetween(from, new Date(from.getTime() + DAY_MS), cal);
    });

  it("skips every 2026 public holiday and weekend of a Monday–Friday team in Shanghai", () => {
    const monFri = calendarOf({ weeklyHours: week([1, 2, 3, 4, 5], p("09:00", "18:00")) });
    const offDays = fc
      .integer({ min: 0, max: 364 })
      .map((i) => new Date(Date.UTC(2026, 0, 1) + i * DAY_MS).toISOString().slice(0, 10))
      .filter((d) => periodsOn(d, monFri).length === 0);
    fc.assert(
      fc.property(offDays, (date) => {
        expect(shanghaiDays(monFri, [date])).toEqual([0]);
      }),
      runs,
    );
  });

  it("works every make-up day a full regular day, whatever its weekday", () => {
    const lunch = [p("09:00", "12:00"), p("13:00", "18:00")];
    const monFri = calendarOf({ weeklyHours: week([1, 2, 3, 4, 5], ...lunch) });
    const makeUpDays = monFri.workingDays ?? [];
    expect(makeUpDays).toHaveLength(6);
    expect(shanghaiDays(monFri, makeUpDays)).toEqual(makeUpDays.map(() => 480));
  });

  it("gives an overridden date exactly the override's hours", () => {
    const periods = fc
      .uniqueArray(fc.integer({ min: 0, max: 47 }), { maxLength: 6 })
      .map((slots) => {
        const sorted = [...slots].sort((a, b) => a - b);
        const out: [number, number][] = [];
        for (let i = 0; i + 1 < sorted.length; i += 2)
          out.push([sorted[i]! * 30, sorted[i + 1]! * 30]);
        return out;
      });
    fc.assert(
      fc.property(dateArb, periods, (date, spans) => {
        const cal: BusinessCalendar = {
          ...DEFAULT_CALENDAR,
          overrides: [{ date, periods: spans.map(([s, e]) => p(hhmm(s), hhmm(e))) }],
        };
        const expected = spans.reduce((sum, [s, e]) => sum + (e - s), 0);
        expect(shanghaiDays(cal, [date])).toEqual([expected]);
      }),
      runs,
    );
  });
});
