// Business time as a supervisor counts it: Shanghai, Monday–Saturday 09:00–18:00, holidays off,
// make-up working Sundays on.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessDayLengthMinutes,
  businessMinutesBetween,
  DEFAULT_CALENDAR,
  isBusinessTime,
  nextBusinessOpening,
} from "#shared/domain/business-time.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);
const cal = DEFAULT_CALENDAR;
const HOUR = 60;
const DAY = 9 * HOUR;

const newYork: BusinessCalendar = {
  timeZone: "America/New_York",
  workWeekdays: [1, 2, 3, 4, 5],
  opens: "09:00",
  closes: "17:00",
  holidays: [],
};

describe("the default calendar", () => {
  it("is open Monday to Saturday, 09:00 to 18:00 in Shanghai: a 9-hour business day", () => {
    expect(isBusinessTime(shanghai("2026-11-23T09:00:00"), cal)).toBe(true); // Monday opening
    expect(isBusinessTime(shanghai("2026-11-28T17:59:59"), cal)).toBe(true); // Saturday
    expect(isBusinessTime(shanghai("2026-11-23T08:59:59"), cal)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-23T18:00:00"), cal)).toBe(false); // closing instant
    expect(isBusinessTime(shanghai("2026-11-29T10:00:00"), cal)).toBe(false); // Sunday
    expect(businessDayLengthMinutes(cal)).toBe(DAY);
  });

  it("is closed the whole National Day week, 1 to 7 October 2026", () => {
    for (let d = 1; d <= 7; d++) {
      expect(isBusinessTime(shanghai(`2026-10-0${d}T10:00:00`), cal)).toBe(false);
    }
    expect(isBusinessTime(shanghai("2026-09-30T10:00:00"), cal)).toBe(true);
    expect(isBusinessTime(shanghai("2026-10-08T10:00:00"), cal)).toBe(true);
  });

  it("is closed for the 2026 Spring Festival and the 2027 statutory days", () => {
    expect(isBusinessTime(shanghai("2026-02-17T10:00:00"), cal)).toBe(false); // 正月初一
    expect(isBusinessTime(shanghai("2026-02-23T10:00:00"), cal)).toBe(false); // 正月初七, Monday
    expect(isBusinessTime(shanghai("2027-02-05T10:00:00"), cal)).toBe(false); // 除夕 2027
    expect(isBusinessTime(shanghai("2027-10-01T10:00:00"), cal)).toBe(false);
  });

  it("works the 2026 make-up Sundays, 4 January and 20 September", () => {
    expect(isBusinessTime(shanghai("2026-01-04T10:00:00"), cal)).toBe(true);
    expect(isBusinessTime(shanghai("2026-09-20T10:00:00"), cal)).toBe(true);
    expect(isBusinessTime(shanghai("2026-09-13T10:00:00"), cal)).toBe(false); // an ordinary Sunday
  });
});

describe("the next opening", () => {
  it("is the instant itself inside business hours", () => {
    const at = shanghai("2026-11-24T14:37:12");
    expect(nextBusinessOpening(at, cal)).toEqual(at);
  });

  it("is 09:00 the same morning, or the next working morning after closing", () => {
    expect(nextBusinessOpening(shanghai("2026-11-24T07:00:00"), cal)).toEqual(
      shanghai("2026-11-24T09:00:00"),
    );
    expect(nextBusinessOpening(shanghai("2026-11-24T18:00:00"), cal)).toEqual(
      shanghai("2026-11-25T09:00:00"),
    );
    expect(nextBusinessOpening(shanghai("2026-11-29T03:00:00"), cal)).toEqual(
      shanghai("2026-11-30T09:00:00"), // Sunday night → Monday
    );
  });

  it("is the first morning after the Spring Festival break", () => {
    expect(nextBusinessOpening(shanghai("2026-02-14T18:30:00"), cal)).toEqual(
      shanghai("2026-02-24T09:00:00"),
    );
  });
});

describe("adding business minutes", () => {
  it("carries Saturday 17:50 + 15 min over Sunday to Monday 09:05", () => {
    expect(addBusinessMinutes(shanghai("2026-11-28T17:50:00"), 15, cal)).toEqual(
      shanghai("2026-11-30T09:05:00"),
    );
  });

  it("starts a case opened on Friday evening at Saturday's opening", () => {
    expect(addBusinessMinutes(shanghai("2026-11-27T19:30:00"), 15, cal)).toEqual(
      shanghai("2026-11-28T09:15:00"),
    );
    expect(addBusinessMinutes(shanghai("2026-11-24T22:30:00"), 2 * HOUR, cal)).toEqual(
      shanghai("2026-11-25T11:00:00"),
    );
  });

  it("ends at the closing instant when the minutes use up the day exactly", () => {
    expect(addBusinessMinutes(shanghai("2026-11-23T09:00:00"), DAY, cal)).toEqual(
      shanghai("2026-11-23T18:00:00"),
    );
    // 5 business days from Monday's opening: Friday at closing.
    expect(addBusinessMinutes(shanghai("2026-11-23T09:00:00"), 5 * DAY, cal)).toEqual(
      shanghai("2026-11-27T18:00:00"),
    );
  });

  it("skips the National Day week: 30 September 17:00 + 2 h → 8 October 10:00", () => {
    expect(addBusinessMinutes(shanghai("2026-09-30T17:00:00"), 2 * HOUR, cal)).toEqual(
      shanghai("2026-10-08T10:00:00"),
    );
  });

  it("works on a make-up Sunday: Saturday 19 September 17:50 + 15 min → Sunday 09:05", () => {
    expect(addBusinessMinutes(shanghai("2026-09-19T17:50:00"), 15, cal)).toEqual(
      shanghai("2026-09-20T09:05:00"),
    );
    const withoutMakeUpDays: BusinessCalendar = { ...cal, workingDays: [] };
    expect(addBusinessMinutes(shanghai("2026-09-19T17:50:00"), 15, withoutMakeUpDays)).toEqual(
      shanghai("2026-09-21T09:05:00"),
    );
    // New Year 2026: Thursday 1 to Saturday 3 January off, Sunday 4 January worked.
    expect(addBusinessMinutes(shanghai("2025-12-31T17:30:00"), HOUR, cal)).toEqual(
      shanghai("2026-01-04T09:30:00"),
    );
  });

  it("is zero minutes from the next opening when asked for none", () => {
    expect(addBusinessMinutes(shanghai("2026-11-29T12:00:00"), 0, cal)).toEqual(
      shanghai("2026-11-30T09:00:00"),
    );
  });
});

describe("business minutes between two instants", () => {
  it("counts only the open hours", () => {
    // Friday 17:00 → Monday 10:00: 1 h Friday, 9 h Saturday, 1 h Monday.
    expect(
      businessMinutesBetween(shanghai("2026-11-27T17:00:00"), shanghai("2026-11-30T10:00:00"), cal),
    ).toBe(11 * HOUR);
    expect(
      businessMinutesBetween(shanghai("2026-09-30T17:00:00"), shanghai("2026-10-08T10:00:00"), cal),
    ).toBe(2 * HOUR);
    expect(
      businessMinutesBetween(shanghai("2026-11-23T12:00:00"), shanghai("2026-11-23T12:00:30"), cal),
    ).toBe(0.5);
  });

  it("is 0 when the end is not after the start", () => {
    const at = shanghai("2026-11-24T12:00:00");
    expect(businessMinutesBetween(at, at, cal)).toBe(0);
    expect(businessMinutesBetween(at, shanghai("2026-11-24T11:00:00"), cal)).toBe(0);
  });
});

describe("time zones with daylight saving time", () => {
  it("follows the clocks going forward (New York, Sunday 8 March 2026)", () => {
    // Friday 16:00 EST + 2 h → Monday 10:00 EDT.
    const friday = new Date("2026-03-06T21:00:00Z");
    const monday = new Date("2026-03-09T14:00:00Z");
    expect(addBusinessMinutes(friday, 2 * HOUR, newYork)).toEqual(monday);
    expect(businessMinutesBetween(friday, monday, newYork)).toBe(2 * HOUR);
    expect(nextBusinessOpening(new Date("2026-03-07T12:00:00Z"), newYork)).toEqual(
      new Date("2026-03-09T13:00:00Z"), // Monday 09:00 EDT
    );
  });

  it("follows the clocks going back (New York, Sunday 1 November 2026)", () => {
    // Friday 16:00 EDT + 2 h → Monday 10:00 EST.
    const friday = new Date("2026-10-30T20:00:00Z");
    const monday = new Date("2026-11-02T15:00:00Z");
    expect(addBusinessMinutes(friday, 2 * HOUR, newYork)).toEqual(monday);
    expect(businessMinutesBetween(friday, monday, newYork)).toBe(2 * HOUR);
  });

  it("moves a skipped opening time forward with the clocks (8 March: 02:00 EST → 03:00 EDT)", () => {
    const sunday: BusinessCalendar = {
      ...newYork,
      workWeekdays: [7],
      opens: "02:30",
      closes: "04:00",
    };
    // 02:30 does not exist that night: business opens when the clocks read 03:30 EDT.
    expect(nextBusinessOpening(new Date("2026-03-08T05:00:00Z"), sunday)).toEqual(
      new Date("2026-03-08T07:30:00Z"),
    );
    expect(
      businessMinutesBetween(
        new Date("2026-03-08T00:00:00Z"),
        new Date("2026-03-09T00:00:00Z"),
        sunday,
      ),
    ).toBe(30);
  });

  it("opens at the first of two 01:30s (1 November: 02:00 EDT → 01:00 EST)", () => {
    const sunday: BusinessCalendar = {
      ...newYork,
      workWeekdays: [7],
      opens: "01:30",
      closes: "02:30",
    };
    expect(nextBusinessOpening(new Date("2026-11-01T04:00:00Z"), sunday)).toEqual(
      new Date("2026-11-01T05:30:00Z"), // 01:30 EDT
    );
    expect(
      businessMinutesBetween(
        new Date("2026-11-01T00:00:00Z"),
        new Date("2026-11-02T00:00:00Z"),
        sunday,
      ),
    ).toBe(2 * HOUR);
  });
});

describe("calendar validation", () => {
  const at = shanghai("2026-11-24T10:00:00");
  const bad = (change: Partial<BusinessCalendar>) => () =>
    addBusinessMinutes(at, 1, { ...cal, ...change });

  it("refuses a calendar that cannot be right, saying why", () => {
    expect(bad({ opens: "18:00", closes: "09:00" })).toThrow(
      /opens \(18:00\) at or after it closes/,
    );
    expect(bad({ opens: "09:00", closes: "09:00" })).toThrow(/at or after it closes/);
    expect(bad({ opens: "9am" })).toThrow(/opens "9am" is not a time of day as HH:MM/);
    expect(bad({ opens: "9:00" })).toThrow(/HH:MM/);
    expect(bad({ closes: "24:00" })).toThrow(/closes "24:00"/);
    expect(bad({ timeZone: "Mars/Olympus" })).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(bad({ workWeekdays: [0, 1] })).toThrow(/work weekday 0/);
    expect(bad({ holidays: ["2026-02-30"] })).toThrow(/holidays "2026-02-30" is not a date/);
    expect(bad({ workingDays: ["20260920"] })).toThrow(/workingDays "20260920"/);
    expect(bad({ workingDays: ["2026-10-01"] })).toThrow(
      /2026-10-01 is both a holiday and a working day/,
    );
    expect(bad({ workWeekdays: [] })).toThrow(/no working time/);
    expect(() => isBusinessTime(at, { ...cal, closes: "25:00" })).toThrow(RangeError);
    expect(() => businessDayLengthMinutes({ ...cal, timeZone: "Nowhere" })).toThrow(/time zone/);
  });

  it("refuses negative or non-finite minutes and invalid dates", () => {
    expect(() => addBusinessMinutes(at, -1, cal)).toThrow(/>= 0/);
    expect(() => addBusinessMinutes(at, Number.NaN, cal)).toThrow(/>= 0/);
    expect(() => isBusinessTime(new Date("not a date"), cal)).toThrow(/Invalid Date/);
  });
});

describe("properties", () => {
  const instant = fc.date({
    min: new Date("2025-12-01T00:00:00Z"),
    max: new Date("2027-12-31T00:00:00Z"),
    noInvalidDate: true,
  });
  const minutes = fc.integer({ min: 0, max: 5 * DAY });
  const calendar = fc.constantFrom(cal, newYork);
  const runs = { numRuns: 100 };

  it("counts back exactly the minutes it added", () => {
    fc.assert(
      fc.property(calendar, instant, minutes, (c, start, m) => {
        expect(businessMinutesBetween(start, addBusinessMinutes(start, m, c), c)).toBe(m);
      }),
      runs,
    );
  });

  it("lands inside business hours, or exactly at a closing time", () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 5 * DAY }), (c, start, m) => {
        const due = addBusinessMinutes(start, m, c);
        expect(isBusinessTime(due, c) || isBusinessTime(new Date(due.getTime() - 1), c)).toBe(true);
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

  it("opens at the instant itself exactly when it is business time, else later and open", () => {
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

  it("adds up: the minutes from a to b plus b to c are those from a to c", () => {
    const gap = fc.integer({ min: 0, max: 4 * 24 * 60 * 60_000 });
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
});
