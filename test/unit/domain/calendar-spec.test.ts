// A team's stored `calendar` (calendar-spec.ts): the schema a team record is checked with, and the
// business calendar it stands for, with the domain defaults and the region's holiday files.
import { describe, expect, it } from "vitest";
import {
  businessDayLengthMinutes,
  DEFAULT_CALENDAR,
  isBusinessTime,
  slaFactorAt,
} from "#shared/domain/business-time.ts";
import {
  type CalendarSpec,
  calendarOf,
  calendarRegionsOf,
  calendarSpecSchema,
  DEFAULT_CALENDAR_SPEC,
} from "#shared/domain/calendar-spec.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);

/** A customer-service desk: lunch break, an evening shift, Saturday mornings, and 双11. */
const desk: CalendarSpec = {
  timeZone: "Asia/Shanghai",
  weeklyHours: {
    "1": [
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "18:00" },
      { start: "19:00", end: "22:00" },
    ],
    "2": [
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "18:00" },
    ],
    "6": [{ start: "09:00", end: "12:00" }],
  },
  holidayRegion: "cn",
  extraHolidays: ["2026-12-24"],
  extraWorkingDays: ["2026-10-07"],
  overrides: [{ date: "2026-11-11", periods: [{ start: "08:00", end: "23:00" }] }],
  peaks: [{ name: "双11", from: "2026-11-10", to: "2026-11-13", slaFactor: 1.5 }],
  makeUpDayHours: [
    { start: "09:00", end: "12:00" },
    { start: "13:00", end: "18:00" },
  ],
};

const issues = (value: unknown) =>
  calendarSpecSchema
    .safeParse(value)
    .error?.issues.map((i) => `${i.path.join(".")}${i.path.length ? ": " : ""}${i.message}`);

describe("calendarOf", () => {
  it("is the domain default for no spec, or an empty one", () => {
    expect(calendarOf()).toBe(DEFAULT_CALENDAR);
    expect(calendarOf({})).toBe(DEFAULT_CALENDAR);
    expect(calendarOf(DEFAULT_CALENDAR_SPEC)).toEqual(DEFAULT_CALENDAR);
  });

  it("remembers a calendar by the spec's JSON", () => {
    expect(calendarOf(structuredClone(desk))).toBe(calendarOf(desk));
  });

  it("keeps the team's hours, overrides and peaks, with the region's holidays", () => {
    const cal = calendarOf(desk);
    expect(isBusinessTime(shanghai("2026-11-23T20:00:00"), cal)).toBe(true); // Monday evening
    expect(isBusinessTime(shanghai("2026-11-24T20:00:00"), cal)).toBe(false); // Tuesday
    expect(isBusinessTime(shanghai("2026-11-25T10:00:00"), cal)).toBe(false); // Wednesday
    expect(isBusinessTime(shanghai("2026-11-28T11:00:00"), cal)).toBe(true); // Saturday morning
    expect(isBusinessTime(shanghai("2026-11-11T22:30:00"), cal)).toBe(true); // the 双11 override
    expect(isBusinessTime(shanghai("2026-10-05T10:00:00"), cal)).toBe(false); // National Day
    expect(isBusinessTime(shanghai("2026-10-10T15:00:00"), cal)).toBe(true); // make-up Saturday
    expect(slaFactorAt(shanghai("2026-11-12T10:00:00"), cal)).toBe(1.5);
    expect(businessDayLengthMinutes(cal)).toBe(8 * 60);
  });

  it("lets the team's own days win over the region's", () => {
    const cal = calendarOf(desk);
    expect(isBusinessTime(shanghai("2026-10-07T10:00:00"), cal)).toBe(true); // worked by the team
    expect(isBusinessTime(shanghai("2026-12-24T10:00:00"), cal)).toBe(false); // the team's day off
    const noMakeUpSaturday = calendarOf({ ...desk, extraHolidays: ["2026-10-10"] });
    expect(isBusinessTime(shanghai("2026-10-10T10:00:00"), noMakeUpSaturday)).toBe(false);
  });

  it("has no public holidays with holidayRegion null", () => {
    const cal = calendarOf({ holidayRegion: null });
    expect(isBusinessTime(shanghai("2026-10-01T10:00:00"), cal)).toBe(true);
    expect(isBusinessTime(shanghai("2026-09-20T10:00:00"), cal)).toBe(false); // an ordinary Sunday
  });

  it("refuses an unknown holiday region", () => {
    expect(() => calendarOf({ holidayRegion: "xx" })).toThrow(/unknown holiday region "xx"/);
  });
});

describe("calendarRegionsOf", () => {
  it("is cn by default, none for null", () => {
    expect(calendarRegionsOf()).toEqual(["cn"]);
    expect(calendarRegionsOf({ timeZone: "Asia/Shanghai" })).toEqual(["cn"]);
    expect(calendarRegionsOf({ holidayRegion: null })).toEqual([]);
    expect(calendarRegionsOf({ holidayRegion: "cn" })).toEqual(["cn"]);
  });
});

describe("calendarSpecSchema", () => {
  it("accepts a team's calendar and the defaults, JSON round trip included", () => {
    expect(calendarSpecSchema.parse(desk)).toEqual(desk);
    expect(calendarSpecSchema.parse(JSON.parse(JSON.stringify(desk)))).toEqual(desk);
    expect(calendarSpecSchema.parse({})).toEqual({});
    expect(calendarSpecSchema.parse(DEFAULT_CALENDAR_SPEC)).toEqual(DEFAULT_CALENDAR_SPEC);
    expect(calendarSpecSchema.parse({ holidayRegion: null })).toEqual({ holidayRegion: null });
  });

  it("refuses unknown fields and weekdays", () => {
    expect(issues({ opens: "09:00" })).toEqual(['Unrecognized key: "opens"']);
    expect(issues({ weeklyHours: { "8": [] } })).toEqual([
      'weeklyHours: weekdays must be "1" (Monday) to "7" (Sunday), not 8',
    ]);
    expect(
      issues({ weeklyHours: { "1": [{ start: "09:00", end: "18:00", note: "x" }] } })?.[0],
    ).toMatch(/note/);
  });

  it("names the field that is wrong", () => {
    expect(issues({ timeZone: "Mars/Olympus" })).toEqual([
      "timeZone: must be an IANA time zone such as Asia/Shanghai",
    ]);
    expect(issues({ weeklyHours: { "1": [{ start: "9:00", end: "18:00" }] } })).toEqual([
      "weeklyHours.1.0.start: must be a time of day as HH:MM (00:00–23:59)",
    ]);
    expect(issues({ extraHolidays: ["2026-02-30"] })).toEqual([
      "extraHolidays.0: is not a real date",
    ]);
    expect(issues({ holidayRegion: "hk" })).toEqual([
      'holidayRegion: unknown holiday region "hk" (known: cn)',
    ]);
    expect(
      issues({ peaks: [{ name: "双11", from: "2026-11-10", to: "2026-11-13", slaFactor: 0 }] }),
    ).toEqual(["peaks.0.slaFactor: must be > 0"]);
  });

  it("checks the calendar as a whole, once the fields are right", () => {
    expect(
      issues({
        weeklyHours: {
          "1": [
            { start: "09:00", end: "12:00" },
            { start: "11:00", end: "18:00" },
          ],
        },
      }),
    ).toEqual([
      "Invalid business calendar: weeklyHours[1]: the periods 09:00–12:00 and 11:00–18:00 overlap",
    ]);
    expect(issues({ extraHolidays: ["2026-11-24"], extraWorkingDays: ["2026-11-24"] })).toEqual([
      "Invalid business calendar: 2026-11-24 is both a holiday and a working day",
    ]);
    expect(
      issues({ peaks: [{ name: "双11", from: "2026-11-13", to: "2026-11-10", slaFactor: 1.5 }] }),
    ).toEqual([
      'Invalid business calendar: peak "双11" ends (2026-11-10) before it starts (2026-11-13)',
    ]);
  });
});
