// Business time as a supervisor counts it: Shanghai, Monday–Saturday 09:00–18:00, holidays off,
// make-up working days on; and team calendars with lunch breaks, evening and overnight shifts,
// date overrides and peak periods. The properties are in business-time.properties.test.ts.
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessDayLengthMinutes,
  businessMinutesBetween,
  DEFAULT_CALENDAR,
  isBusinessTime,
  nextBusinessOpening,
  type Period,
  slaFactorAt,
} from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);
const cal = DEFAULT_CALENDAR;
const HOUR = 60;
const DAY = 9 * HOUR;

const p = (start: string, end: string): Period => ({ start, end });
/** The same periods on each of the given ISO weekdays. */
const week = (weekdays: readonly (1 | 2 | 3 | 4 | 5 | 6 | 7)[], ...periods: Period[]) =>
  Object.fromEntries(weekdays.map((d) => [d, periods]));
const MON_FRI = [1, 2, 3, 4, 5] as const;

const newYork: BusinessCalendar = {
  timeZone: "America/New_York",
  weeklyHours: week([...MON_FRI], p("09:00", "17:00")),
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
    const sunday: BusinessCalendar = { ...newYork, weeklyHours: { 7: [p("02:30", "04:00")] } };
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
    const sunday: BusinessCalendar = { ...newYork, weeklyHours: { 7: [p("01:30", "02:30")] } };
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

describe("periods that a daylight-saving jump makes overlap", () => {
  it("are counted once (Berlin, Sunday 29 March 2026: 02:00 CET → 03:00 CEST)", () => {
    // 01:00–02:30 and 03:00–04:00 on the wall; 02:30 does not exist, so the first period runs
    // to 03:30 CEST and overlaps the second. Together: 01:00 CET (00:00Z) to 04:00 CEST (02:00Z).
    const berlinSunday: BusinessCalendar = {
      timeZone: "Europe/Berlin",
      weeklyHours: { 7: [p("01:00", "02:30"), p("03:00", "04:00")] },
      holidays: [],
    };
    const midnight = new Date("2026-03-28T23:00:00Z");
    const nextDay = new Date("2026-03-29T22:00:00Z");
    expect(businessMinutesBetween(midnight, nextDay, berlinSunday)).toBe(2 * HOUR);
    expect(addBusinessMinutes(midnight, 2 * HOUR, berlinSunday)).toEqual(
      new Date("2026-03-29T02:00:00Z"),
    );
    expect(isBusinessTime(new Date("2026-03-29T01:15:00Z"), berlinSunday)).toBe(true);
  });
});

describe("several periods a day", () => {
  const lunch: BusinessCalendar = {
    timeZone: "Asia/Shanghai",
    weeklyHours: week([...MON_FRI], p("09:00", "12:00"), p("13:00", "18:00")),
    holidays: [],
  };

  it("stops the clock over a lunch break: an 8-hour business day", () => {
    expect(isBusinessTime(shanghai("2026-11-23T11:59:59"), lunch)).toBe(true);
    expect(isBusinessTime(shanghai("2026-11-23T12:00:00"), lunch)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-23T12:30:00"), lunch)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-23T13:00:00"), lunch)).toBe(true);
    expect(nextBusinessOpening(shanghai("2026-11-23T12:30:00"), lunch)).toEqual(
      shanghai("2026-11-23T13:00:00"),
    );
    expect(addBusinessMinutes(shanghai("2026-11-23T11:50:00"), 15, lunch)).toEqual(
      shanghai("2026-11-23T13:05:00"),
    );
    expect(
      businessMinutesBetween(
        shanghai("2026-11-23T11:00:00"),
        shanghai("2026-11-23T14:00:00"),
        lunch,
      ),
    ).toBe(2 * HOUR);
    expect(businessDayLengthMinutes(lunch)).toBe(8 * HOUR);
  });

  it("ends at the closing instant of the period the minutes use up (12:00, not 13:00)", () => {
    expect(addBusinessMinutes(shanghai("2026-11-23T11:50:00"), 10, lunch)).toEqual(
      shanghai("2026-11-23T12:00:00"),
    );
    expect(addBusinessMinutes(shanghai("2026-11-23T09:00:00"), 8 * HOUR, lunch)).toEqual(
      shanghai("2026-11-23T18:00:00"),
    );
  });

  it("counts an evening shift", () => {
    const evening: BusinessCalendar = {
      ...lunch,
      weeklyHours: week([...MON_FRI], p("09:00", "12:00"), p("18:00", "22:00")),
    };
    expect(addBusinessMinutes(shanghai("2026-11-23T11:30:00"), HOUR, evening)).toEqual(
      shanghai("2026-11-23T18:30:00"),
    );
    // Friday 21:00: 1 h left that evening, then Monday 09:00 + 1 h.
    expect(addBusinessMinutes(shanghai("2026-11-27T21:00:00"), 2 * HOUR, evening)).toEqual(
      shanghai("2026-11-30T10:00:00"),
    );
    expect(businessDayLengthMinutes(evening)).toBe(7 * HOUR);
  });
});

describe("overnight shifts", () => {
  // A night desk, Monday to Friday 22:00–06:00; Friday 27 November 2026 is a holiday.
  const night: BusinessCalendar = {
    timeZone: "Asia/Shanghai",
    weeklyHours: week([...MON_FRI], p("22:00", "06:00")),
    holidays: ["2026-11-27"],
  };

  it("belong to the day they start on", () => {
    expect(isBusinessTime(shanghai("2026-11-23T22:00:00"), night)).toBe(true); // Monday night
    expect(isBusinessTime(shanghai("2026-11-24T03:00:00"), night)).toBe(true); // … into Tuesday
    expect(isBusinessTime(shanghai("2026-11-24T06:00:00"), night)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-23T03:00:00"), night)).toBe(false); // Sunday's night
    expect(isBusinessTime(shanghai("2026-11-21T03:00:00"), night)).toBe(true); // Friday's, on Saturday
    expect(businessDayLengthMinutes(night)).toBe(8 * HOUR);
  });

  it("are removed by a holiday on the day they start, not on the day they end", () => {
    expect(isBusinessTime(shanghai("2026-11-27T03:00:00"), night)).toBe(true); // Thursday's shift
    expect(isBusinessTime(shanghai("2026-11-27T23:00:00"), night)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-28T03:00:00"), night)).toBe(false);
    // Friday 05:00 (Thursday's shift): 1 h left, then Monday 30 November 22:00 + 1 h.
    expect(addBusinessMinutes(shanghai("2026-11-27T05:00:00"), 2 * HOUR, night)).toEqual(
      shanghai("2026-11-30T23:00:00"),
    );
  });

  it("can cover a whole day: 00:00–00:00", () => {
    const sundays: BusinessCalendar = { ...night, weeklyHours: { 7: [p("00:00", "00:00")] } };
    expect(isBusinessTime(shanghai("2026-11-29T00:00:00"), sundays)).toBe(true);
    expect(isBusinessTime(shanghai("2026-11-29T23:59:59"), sundays)).toBe(true);
    expect(isBusinessTime(shanghai("2026-11-30T00:00:00"), sundays)).toBe(false);
    expect(businessDayLengthMinutes(sundays)).toBe(24 * HOUR);
  });
});

describe("make-up working days and date overrides", () => {
  const monFri: BusinessCalendar = {
    timeZone: "Asia/Shanghai",
    weeklyHours: week([...MON_FRI], p("09:00", "12:00"), p("13:00", "18:00")),
    holidays: [],
    workingDays: ["2026-02-14"],
  };

  it("works a make-up day with the hours of a regular working day (the first worked weekday's)", () => {
    expect(isBusinessTime(shanghai("2026-02-14T10:00:00"), monFri)).toBe(true); // a Saturday
    expect(isBusinessTime(shanghai("2026-02-14T12:30:00"), monFri)).toBe(false);
    expect(isBusinessTime(shanghai("2026-02-21T10:00:00"), monFri)).toBe(false);
  });

  it("uses makeUpDayHours when given, also as the business-day length", () => {
    const short = { ...monFri, makeUpDayHours: [p("10:00", "16:00")] };
    expect(isBusinessTime(shanghai("2026-02-14T09:30:00"), short)).toBe(false);
    expect(isBusinessTime(shanghai("2026-02-14T15:59:00"), short)).toBe(true);
    expect(businessDayLengthMinutes(short)).toBe(6 * HOUR);
  });

  it("lets an override win over the weekday, a holiday and a make-up day", () => {
    const withOverrides: BusinessCalendar = {
      ...cal,
      overrides: [
        { date: "2026-10-03", periods: [p("09:00", "12:00")] }, // duty during National Day
        { date: "2026-11-24", periods: [] }, // closed (a team event)
        { date: "2026-11-25", periods: [p("14:00", "20:00")] },
        { date: "2026-09-20", periods: [] }, // not the make-up Sunday after all
      ],
    };
    expect(isBusinessTime(shanghai("2026-10-03T10:00:00"), withOverrides)).toBe(true);
    expect(isBusinessTime(shanghai("2026-10-03T13:00:00"), withOverrides)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-24T10:00:00"), withOverrides)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-25T10:00:00"), withOverrides)).toBe(false);
    expect(isBusinessTime(shanghai("2026-11-25T19:00:00"), withOverrides)).toBe(true);
    expect(isBusinessTime(shanghai("2026-09-20T10:00:00"), withOverrides)).toBe(false);
    // Monday 23 November 17:00: 1 h, Tuesday closed, Wednesday 14:00 + 1 h.
    expect(addBusinessMinutes(shanghai("2026-11-23T17:00:00"), 2 * HOUR, withOverrides)).toEqual(
      shanghai("2026-11-25T15:00:00"),
    );
  });
});

describe("peak periods", () => {
  const peak: BusinessCalendar = {
    ...cal,
    peaks: [{ name: "双11", from: "2026-11-10", to: "2026-11-13", slaFactor: 1.5 }],
  };

  it("give the SLA factor of the local date, both ends included, 1 outside", () => {
    expect(slaFactorAt(shanghai("2026-11-09T23:59:59"), peak)).toBe(1);
    expect(slaFactorAt(shanghai("2026-11-10T00:00:00"), peak)).toBe(1.5);
    expect(slaFactorAt(new Date("2026-11-09T16:00:00Z"), peak)).toBe(1.5); // Shanghai midnight
    expect(slaFactorAt(shanghai("2026-11-13T23:59:59"), peak)).toBe(1.5);
    expect(slaFactorAt(shanghai("2026-11-14T00:00:00"), peak)).toBe(1);
    expect(slaFactorAt(shanghai("2026-11-11T12:00:00"), cal)).toBe(1);
  });
});

describe("mainland China 2026 and 2027", () => {
  // A Monday–Friday team: the make-up Saturdays matter to it.
  const monFri = calendarOf({ weeklyHours: week([...MON_FRI], p("09:00", "18:00")) });

  it("works every make-up day of 2026, Saturdays and Sundays", () => {
    for (const date of ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09"]) {
      expect(isBusinessTime(shanghai(`${date}T10:00:00`), monFri)).toBe(true);
    }
    for (const date of ["2026-09-20", "2026-10-10"]) {
      expect(isBusinessTime(shanghai(`${date}T10:00:00`), monFri)).toBe(true);
    }
    expect(isBusinessTime(shanghai("2026-10-17T10:00:00"), monFri)).toBe(false); // a plain Saturday
  });

  it("skips the Spring Festival: 15 to 23 February, worked on the Saturdays around it", () => {
    expect(addBusinessMinutes(shanghai("2026-02-13T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-02-14T10:00:00"), // Friday → the make-up Saturday
    );
    expect(addBusinessMinutes(shanghai("2026-02-14T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-02-24T10:00:00"),
    );
  });

  it("skips National Day and works the Sunday before and the Saturday after", () => {
    // Wednesday 30 September 17:00 + 2 h → Thursday 8 October 10:00.
    expect(addBusinessMinutes(shanghai("2026-09-30T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-10-08T10:00:00"),
    );
    expect(addBusinessMinutes(shanghai("2026-10-09T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-10-10T10:00:00"),
    );
    expect(addBusinessMinutes(shanghai("2026-09-18T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-09-20T10:00:00"), // Friday → the make-up Sunday
    );
  });

  it("skips Labour Day and Mid-Autumn", () => {
    expect(addBusinessMinutes(shanghai("2026-04-30T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-05-06T10:00:00"),
    );
    expect(addBusinessMinutes(shanghai("2026-09-24T17:00:00"), 2 * HOUR, monFri)).toEqual(
      shanghai("2026-09-28T10:00:00"),
    );
  });

  it("has the 2027 statutory days (provisional): 除夕 5 February to 初三 8 February", () => {
    expect(isBusinessTime(shanghai("2027-02-05T10:00:00"), cal)).toBe(false);
    expect(isBusinessTime(shanghai("2027-02-08T10:00:00"), cal)).toBe(false);
    expect(addBusinessMinutes(shanghai("2027-02-04T17:00:00"), 2 * HOUR, cal)).toEqual(
      shanghai("2027-02-09T10:00:00"),
    );
    // No bridging days yet: Monday 4 October 2027 is worked until the official notice says otherwise.
    expect(isBusinessTime(shanghai("2027-10-04T10:00:00"), cal)).toBe(true);
  });
});

describe("Berlin, with lunch and a Saturday night shift across daylight-saving changes", () => {
  const berlin: BusinessCalendar = {
    timeZone: "Europe/Berlin",
    weeklyHours: {
      ...week([...MON_FRI], p("08:00", "12:00"), p("13:00", "17:00")),
      6: [p("22:00", "06:00")],
    },
    holidays: [],
  };

  it("has a 7-hour night when the clocks go forward (Sunday 29 March 2026)", () => {
    // Saturday 22:00 CET = 21:00Z to Sunday 06:00 CEST = 04:00Z.
    const saturdayEvening = new Date("2026-03-28T20:00:00Z");
    expect(businessMinutesBetween(saturdayEvening, new Date("2026-03-29T06:00:00Z"), berlin)).toBe(
      7 * HOUR,
    );
    expect(addBusinessMinutes(saturdayEvening, 7 * HOUR, berlin)).toEqual(
      new Date("2026-03-29T04:00:00Z"),
    );
    // One minute more: Monday 08:01 CEST.
    expect(addBusinessMinutes(saturdayEvening, 7 * HOUR + 1, berlin)).toEqual(
      new Date("2026-03-30T06:01:00Z"),
    );
  });

  it("has a 9-hour night when the clocks go back (Sunday 25 October 2026)", () => {
    // Saturday 22:00 CEST = 20:00Z to Sunday 06:00 CET = 05:00Z.
    expect(
      businessMinutesBetween(
        new Date("2026-10-24T18:00:00Z"),
        new Date("2026-10-25T12:00:00Z"),
        berlin,
      ),
    ).toBe(9 * HOUR);
    expect(isBusinessTime(new Date("2026-10-25T00:30:00Z"), berlin)).toBe(true); // 02:30 CEST
    expect(isBusinessTime(new Date("2026-10-25T01:30:00Z"), berlin)).toBe(true); // 02:30 CET
  });

  it("keeps the lunch break in local time on both sides of the change", () => {
    // Monday 11:30 + 1 h → 13:30 local: CEST (UTC+2) in March, CET (UTC+1) in October.
    expect(addBusinessMinutes(new Date("2026-03-30T09:30:00Z"), HOUR, berlin)).toEqual(
      new Date("2026-03-30T11:30:00Z"),
    );
    expect(addBusinessMinutes(new Date("2026-10-26T10:30:00Z"), HOUR, berlin)).toEqual(
      new Date("2026-10-26T12:30:00Z"),
    );
    // Friday 27 March 16:00 CET + 2 h: 1 h Friday, then the Saturday night shift from 22:00 CET.
    expect(addBusinessMinutes(new Date("2026-03-27T15:00:00Z"), 2 * HOUR, berlin)).toEqual(
      new Date("2026-03-28T22:00:00Z"),
    );
  });
});

describe("calendar validation", () => {
  const at = shanghai("2026-11-24T10:00:00");
  const bad = (change: Partial<BusinessCalendar>) => () =>
    addBusinessMinutes(at, 1, { ...cal, ...change });

  it("refuses periods that are not times of day, or weekdays that are not ISO weekdays", () => {
    expect(bad({ weeklyHours: { 1: [p("9am", "18:00")] } })).toThrow(
      /weeklyHours\[1\]\[0\]\.start "9am" is not a time of day as HH:MM/,
    );
    expect(bad({ weeklyHours: { 1: [p("9:00", "18:00")] } })).toThrow(/HH:MM/);
    expect(bad({ weeklyHours: { 2: [p("09:00", "24:00")] } })).toThrow(
      /weeklyHours\[2\]\[0\]\.end "24:00"/,
    );
    expect(
      bad({ weeklyHours: { 0: [p("09:00", "18:00")] } as BusinessCalendar["weeklyHours"] }),
    ).toThrow(/weekday 0 is not an ISO weekday/);
    expect(bad({ makeUpDayHours: [p("09:00", "25:00")] })).toThrow(/makeUpDayHours\[0\]\.end/);
    expect(() => isBusinessTime(at, { ...cal, weeklyHours: { 1: [p("09:00", "25:00")] } })).toThrow(
      RangeError,
    );
  });

  it("refuses overlapping periods, overnight ones against the next day's too", () => {
    expect(bad({ weeklyHours: { 1: [p("09:00", "12:00"), p("11:00", "13:00")] } })).toThrow(
      /weeklyHours\[1\]: the periods 09:00–12:00 and 11:00–13:00 overlap/,
    );
    expect(bad({ weeklyHours: { 1: [p("22:00", "06:00"), p("23:00", "23:30")] } })).toThrow(
      /weeklyHours\[1\]: the periods 22:00–06:00 and 23:00–23:30 overlap/,
    );
    expect(bad({ weeklyHours: { 5: [p("22:00", "02:00")], 6: [p("01:00", "05:00")] } })).toThrow(
      /weekday 5: the overnight period 22:00–02:00 overlaps weekday 6's 01:00–05:00/,
    );
    expect(bad({ weeklyHours: { 7: [p("20:00", "09:30")], 1: [p("09:00", "18:00")] } })).toThrow(
      /weekday 7: the overnight period 20:00–09:30 overlaps weekday 1's 09:00–18:00/,
    );
    // Touching is fine: 22:00–06:00 then 06:00–14:00.
    expect(
      bad({ weeklyHours: { 5: [p("22:00", "06:00")], 6: [p("06:00", "14:00")] } })(),
    ).toBeInstanceOf(Date);
    // A make-up day can create the overlap: a Sunday worked with Monday's night shift…
    expect(
      bad({
        weeklyHours: { 1: [p("05:00", "08:00"), p("22:00", "06:00")] },
        holidays: [],
        workingDays: ["2026-11-29"],
      }),
    ).toThrow(/2026-11-29: the overnight period 22:00–06:00 overlaps 2026-11-30's 05:00–08:00/);
    // … and an override: Saturday's hours starting before Friday's shift ends.
    expect(
      bad({
        weeklyHours: { 5: [p("22:00", "06:00")] },
        overrides: [{ date: "2026-11-28", periods: [p("05:00", "07:00")] }],
      }),
    ).toThrow(/2026-11-27: the overnight period 22:00–06:00 overlaps 2026-11-28's 05:00–07:00/);
  });

  it("refuses bad dates, a date both off and worked, and two overrides of one date", () => {
    expect(bad({ holidays: ["2026-02-30"] })).toThrow(/holidays "2026-02-30" is not a date/);
    expect(bad({ workingDays: ["20260920"] })).toThrow(/workingDays "20260920"/);
    expect(bad({ workingDays: ["2026-10-01"] })).toThrow(
      /2026-10-01 is both a holiday and a working day/,
    );
    expect(bad({ overrides: [{ date: "2026-13-01", periods: [] }] })).toThrow(
      /overrides "2026-13-01"/,
    );
    expect(
      bad({
        overrides: [
          { date: "2026-11-24", periods: [] },
          { date: "2026-11-24", periods: [p("09:00", "10:00")] },
        ],
      }),
    ).toThrow(/the date 2026-11-24 has two overrides/);
  });

  it("refuses bad peaks", () => {
    const peak = { name: "双11", from: "2026-11-10", to: "2026-11-13", slaFactor: 1.5 };
    expect(bad({ peaks: [{ ...peak, to: "2026-11-01" }] })).toThrow(
      /peak "双11" ends \(2026-11-01\) before it starts \(2026-11-10\)/,
    );
    expect(bad({ peaks: [{ ...peak, slaFactor: 0 }] })).toThrow(/SLA factor of 0/);
    expect(bad({ peaks: [{ ...peak, slaFactor: Number.NaN }] })).toThrow(/SLA factor of NaN/);
    expect(
      bad({ peaks: [peak, { ...peak, name: "黑五", from: "2026-11-13", to: "2026-11-30" }] }),
    ).toThrow(/peaks "双11" and "黑五" overlap/);
  });

  it("refuses an unknown time zone and a calendar with no working time", () => {
    expect(bad({ timeZone: "Mars/Olympus" })).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => businessDayLengthMinutes({ ...cal, timeZone: "Nowhere" })).toThrow(/time zone/);
    expect(bad({ weeklyHours: {} })).toThrow(/no working time/);
    expect(() => nextBusinessOpening(at, { ...cal, weeklyHours: {} })).toThrow(/no working time/);
    expect(isBusinessTime(at, { ...cal, weeklyHours: {} })).toBe(false);
    expect(() => businessDayLengthMinutes({ ...cal, weeklyHours: {} })).toThrow(
      /no regular working day/,
    );
  });

  it("refuses negative or non-finite minutes and invalid dates", () => {
    expect(() => addBusinessMinutes(at, -1, cal)).toThrow(/>= 0/);
    expect(() => addBusinessMinutes(at, Number.NaN, cal)).toThrow(/>= 0/);
    expect(() => isBusinessTime(new Date("not a date"), cal)).toThrow(/Invalid Date/);
    expect(() => slaFactorAt(new Date("not a date"), cal)).toThrow(/Invalid Date/);
  });
});
