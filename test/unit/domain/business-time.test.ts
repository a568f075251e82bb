// Business time as a supervisor counts it: Shanghai, Monday–Saturday 09:00–18:00, holidays off.
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

describe("the default calendar", () => {
  it("is open Monday to Saturday, 09:00 to 18:00 in Shanghai", () => {
    expect(isBusinessTime(shanghai("2026-11-23T09:00:00"), cal)).toBe(true); // Monday
    expect(isBusinessTime(shanghai("2026-11-28T17:59:00"), cal)).toBe(true); // Saturday
    expect(isBusinessTime(shanghai("2026-11-23T08:59:00"), cal)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-23T18:00:00"), cal)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-29T10:00:00"), cal)).toBe(false); // Sunday
  });

  it("is closed on National Day", () => {
    expect(isBusinessTime(shanghai("2026-10-05T10:00:00"), cal)).toBe(false);
    expect(businessDayLengthMinutes(cal)).toBe(9 * 60);
  });
});

describe("adding business minutes", () => {
  it("carries Saturday 17:50 + 15 min over Sunday to Monday 09:05", () => {
    expect(addBusinessMinutes(shanghai("2026-11-28T17:50:00"), 15, cal)).toEqual(
      shanghai("2026-11-30T09:05:00"),
    );
  });

  it("starts a case opened at night at the next opening", () => {
    expect(addBusinessMinutes(shanghai("2026-11-24T22:30:00"), 15, cal)).toEqual(
      shanghai("2026-11-25T09:15:00"),
    );
    expect(nextBusinessOpening(shanghai("2026-11-29T03:00:00"), cal)).toEqual(
      shanghai("2026-11-30T09:00:00"),
    );
  });

  it("skips the National Day week", () => {
    expect(addBusinessMinutes(shanghai("2026-09-30T17:00:00"), 120, cal)).toEqual(
      shanghai("2026-10-08T10:00:00"),
    );
  });

  it("works on a make-up working Sunday", () => {
    const withMakeUpDay: BusinessCalendar = { ...cal, workingDays: ["2026-11-29"] };
    expect(addBusinessMinutes(shanghai("2026-11-28T17:50:00"), 15, withMakeUpDay)).toEqual(
      shanghai("2026-11-29T09:05:00"),
    );
  });

  it("follows daylight saving time in zones that have it", () => {
    const newYork: BusinessCalendar = {
      timeZone: "America/New_York",
      workWeekdays: [1, 2, 3, 4, 5],
      opens: "09:00",
      closes: "17:00",
      holidays: [],
    };
    // Friday 16:00 EST + 2 h → Monday 10:00 EDT (the clocks went forward on Sunday 8 March 2026).
    expect(addBusinessMinutes(new Date("2026-03-06T21:00:00Z"), 120, newYork)).toEqual(
      new Date("2026-03-09T14:00:00Z"),
    );
  });

  it("refuses a calendar that cannot be right", () => {
    expect(() =>
      addBusinessMinutes(new Date(), 1, { ...cal, opens: "18:00", closes: "09:00" }),
    ).toThrow(/opens/);
    expect(() => addBusinessMinutes(new Date(), 1, { ...cal, opens: "9am" })).toThrow(/HH:MM/);
    expect(() => addBusinessMinutes(new Date(), 1, { ...cal, timeZone: "Mars/Olympus" })).toThrow(
      /time zone/,
    );
    expect(() => addBusinessMinutes(new Date(), 1, { ...cal, workWeekdays: [] })).toThrow(
      /no working time/,
    );
  });
});

describe("properties", () => {
  const instant = fc.date({
    min: new Date("2026-01-01T00:00:00Z"),
    max: new Date("2027-12-31T00:00:00Z"),
    noInvalidDate: true,
  });
  const minutes = fc.integer({ min: 0, max: 5 * 9 * 60 });

  it("counts back exactly the minutes it added", () => {
    fc.assert(
      fc.property(instant, minutes, (start, m) => {
        expect(businessMinutesBetween(start, addBusinessMinutes(start, m, cal), cal)).toBeCloseTo(
          m,
          6,
        );
      }),
      { numRuns: 200 },
    );
  });

  it("lands inside business hours, or exactly at a closing time", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5 * 9 * 60 }), (start, m) => {
        const due = addBusinessMinutes(start, m, cal);
        const justBefore = new Date(due.getTime() - 1);
        expect(isBusinessTime(due, cal) || isBusinessTime(justBefore, cal)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("never moves a deadline earlier when more minutes are added", () => {
    fc.assert(
      fc.property(instant, minutes, minutes, (start, a, b) => {
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(addBusinessMinutes(start, less, cal).getTime()).toBeLessThanOrEqual(
          addBusinessMinutes(start, more, cal).getTime(),
        );
      }),
      { numRuns: 200 },
    );
  });
});
