// SLA deadlines by priority (../domain.md "SLA"), in business time: Shanghai, Monday–Saturday
// 09:00–18:00, so one business day is 9 business hours; per-team targets and peak factors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BusinessCalendar,
  businessMinutesBetween,
  DEFAULT_CALENDAR,
  nextBusinessOpening,
} from "#shared/domain/business-time.ts";
import {
  DEFAULT_SLA_POLICY,
  type Priority,
  slaDeadlines,
  slaOverridesSchema,
  slaPolicyWith,
} from "#shared/domain/sla.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => shanghai(local).toISOString();
const cal = DEFAULT_CALENDAR;

describe("the default SLA policy", () => {
  it("is the product's table", () => {
    expect(DEFAULT_SLA_POLICY).toEqual({
      firstResponseMinutes: { urgent: 15, high: 120, routine: 240 },
      resolutionBusinessDays: { urgent: 1, high: 3, routine: 5 },
      urgentFirstResponseAroundTheClock: false,
      firstResponseMinutesByChannel: { email: 120 },
    });
  });

  it("answers an e-mail within 2 business hours, whatever its priority allows", () => {
    const opened = shanghai("2026-11-23T10:00:00");
    expect(slaDeadlines("routine", opened, cal, DEFAULT_SLA_POLICY, "email").firstResponseDue).toBe(
      iso("2026-11-23T12:00:00"),
    );
    expect(slaDeadlines("routine", opened, cal, DEFAULT_SLA_POLICY, "phone").firstResponseDue).toBe(
      iso("2026-11-23T14:00:00"),
    );
    expect(slaDeadlines("urgent", opened, cal, DEFAULT_SLA_POLICY, "email").firstResponseDue).toBe(
      iso("2026-11-23T10:15:00"),
    );
    const slowerEmail = slaPolicyWith({ firstResponseMinutesByChannel: { email: 300 } });
    expect(slaDeadlines("routine", opened, cal, slowerEmail, "email").firstResponseDue).toBe(
      iso("2026-11-23T14:00:00"),
    );
  });
});

describe("SLA deadlines", () => {
  it("gives an urgent case 15 minutes to a first response and one business day to resolve", () => {
    expect(slaDeadlines("urgent", shanghai("2026-11-23T10:00:00"), cal)).toEqual({
      firstResponseDue: iso("2026-11-23T10:15:00"),
      resolutionDue: iso("2026-11-24T10:00:00"),
    });
  });

  it("carries an urgent case opened Saturday 17:50 over Sunday: first response Monday 09:05", () => {
    expect(slaDeadlines("urgent", shanghai("2026-11-28T17:50:00"), cal)).toEqual({
      firstResponseDue: iso("2026-11-30T09:05:00"),
      resolutionDue: iso("2026-11-30T17:50:00"), // 10 min Saturday + 8 h 50 Monday
    });
  });

  it("gives a high-priority case 2 business hours and 3 business days", () => {
    expect(slaDeadlines("high", shanghai("2026-11-27T17:00:00"), cal)).toEqual({
      firstResponseDue: iso("2026-11-28T10:00:00"), // Friday 17:00 + 2 h → Saturday 10:00
      // 27 business hours: Friday 1, Saturday 9, Monday 9, Tuesday 8 → Tuesday 17:00
      resolutionDue: iso("2026-12-01T17:00:00"),
    });
  });

  it("starts a case opened on Friday evening at Saturday's opening", () => {
    expect(slaDeadlines("high", shanghai("2026-11-27T20:30:00"), cal)).toEqual({
      firstResponseDue: iso("2026-11-28T11:00:00"),
      resolutionDue: iso("2026-12-01T18:00:00"), // Saturday, Monday, Tuesday: closing time
    });
  });

  it("gives a routine case 4 business hours and 5 business days, starting at the next opening", () => {
    expect(slaDeadlines("routine", shanghai("2026-11-29T12:00:00"), cal)).toEqual({
      firstResponseDue: iso("2026-11-30T13:00:00"),
      resolutionDue: iso("2026-12-04T18:00:00"), // 45 hours from Monday 09:00: Friday at closing
    });
  });

  it("stops the clocks for the National Day week", () => {
    // Wednesday 30 September 16:00: 2 h that day, then nothing until Thursday 8 October.
    expect(slaDeadlines("routine", shanghai("2026-09-30T16:00:00"), cal)).toEqual({
      firstResponseDue: iso("2026-10-08T11:00:00"),
      // 45 h: 2 (30 Sep) + 9 (8 Oct) + 9 (9 Oct) + 9 (Sat 10 Oct) + 9 (Mon 12 Oct) + 7 → Tue 13 Oct 16:00
      resolutionDue: iso("2026-10-13T16:00:00"),
    });
  });

  it("runs on the make-up working Sunday, 20 September 2026", () => {
    expect(slaDeadlines("high", shanghai("2026-09-19T17:00:00"), cal)).toEqual({
      firstResponseDue: iso("2026-09-20T10:00:00"), // 1 h Saturday + 1 h Sunday
      // 27 h: 1 (Sat) + 9 (Sun) + 9 (Mon) + 8 (Tue) → Tuesday 22 September 17:00
      resolutionDue: iso("2026-09-22T17:00:00"),
    });
  });

  it("can run the urgent first response around the clock, the resolution still in business time", () => {
    const policy = { ...DEFAULT_SLA_POLICY, urgentFirstResponseAroundTheClock: true };
    expect(slaDeadlines("urgent", shanghai("2026-11-29T03:00:00"), cal, policy)).toEqual({
      firstResponseDue: iso("2026-11-29T03:15:00"),
      resolutionDue: iso("2026-11-30T18:00:00"),
    });
    // Only the urgent first response: a high-priority case still waits for the opening.
    expect(
      slaDeadlines("high", shanghai("2026-11-29T03:00:00"), cal, policy).firstResponseDue,
    ).toBe(iso("2026-11-30T11:00:00"));
  });

  it("measures business days in the team calendar's day length", () => {
    const nineToFive = [{ start: "09:00", end: "17:00" }];
    const eightHours: BusinessCalendar = {
      ...cal,
      weeklyHours: Object.fromEntries([1, 2, 3, 4, 5, 6].map((d) => [d, nineToFive])),
    };
    // One business day = 8 h: Monday 10:00 → Tuesday 10:00 still, but 3 days = 24 h → Thursday 10:00.
    expect(slaDeadlines("urgent", shanghai("2026-11-23T10:00:00"), eightHours).resolutionDue).toBe(
      iso("2026-11-24T10:00:00"),
    );
    expect(slaDeadlines("high", shanghai("2026-11-23T10:00:00"), eightHours).resolutionDue).toBe(
      iso("2026-11-26T10:00:00"),
    );
  });

  it("gives ISO-8601 UTC strings", () => {
    const { firstResponseDue, resolutionDue } = slaDeadlines(
      "routine",
      shanghai("2026-11-23T10:00:00"),
      cal,
    );
    expect(firstResponseDue).toBe("2026-11-23T06:00:00.000Z");
    expect(resolutionDue).toBe("2026-11-28T02:00:00.000Z"); // Saturday 10:00 in Shanghai
  });

  it("refuses a policy without a usable deadline for the priority", () => {
    const policy = {
      ...DEFAULT_SLA_POLICY,
      firstResponseMinutes: { ...DEFAULT_SLA_POLICY.firstResponseMinutes, high: -1 },
    };
    expect(() => slaDeadlines("high", shanghai("2026-11-23T10:00:00"), cal, policy)).toThrow(
      /priority "high"/,
    );
  });
});

describe("per-team SLA targets", () => {
  it("override single priorities and fields, the rest from the defaults", () => {
    expect(
      slaPolicyWith({ firstResponseMinutes: { high: 60 }, resolutionBusinessDays: { routine: 3 } }),
    ).toEqual({
      firstResponseMinutes: { urgent: 15, high: 60, routine: 240 },
      resolutionBusinessDays: { urgent: 1, high: 3, routine: 3 },
      urgentFirstResponseAroundTheClock: false,
      firstResponseMinutesByChannel: { email: 120 },
    });
    expect(slaPolicyWith(undefined)).toBe(DEFAULT_SLA_POLICY);
    expect(slaPolicyWith({})).toEqual(DEFAULT_SLA_POLICY);
    expect(slaPolicyWith({ firstResponseMinutes: { high: undefined } })).toEqual(
      DEFAULT_SLA_POLICY,
    );
    expect(
      slaPolicyWith({ urgentFirstResponseAroundTheClock: true }).urgentFirstResponseAroundTheClock,
    ).toBe(true);
  });

  it("can start from another base policy", () => {
    const base = slaPolicyWith({ firstResponseMinutes: { urgent: 10 } });
    expect(
      slaPolicyWith({ firstResponseMinutes: { high: 30 } }, base).firstResponseMinutes,
    ).toEqual({
      urgent: 10,
      high: 30,
      routine: 240,
    });
  });

  it("give the team's deadlines", () => {
    const policy = slaPolicyWith({
      firstResponseMinutes: { high: 30 },
      resolutionBusinessDays: { high: 1 },
    });
    expect(slaDeadlines("high", shanghai("2026-11-23T10:00:00"), cal, policy)).toEqual({
      firstResponseDue: iso("2026-11-23T10:30:00"),
      resolutionDue: iso("2026-11-24T10:00:00"),
    });
  });

  it("are checked by a strict schema with clear messages", () => {
    const ok = { firstResponseMinutes: { urgent: 10 }, resolutionBusinessDays: { high: 2.5 } };
    expect(slaOverridesSchema.parse(ok)).toEqual(ok);
    const messages = (value: unknown) =>
      slaOverridesSchema
        .safeParse(value)
        .error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages({ firstResponseMinutes: { urgent: 0 } })).toEqual([
      "firstResponseMinutes.urgent: must be > 0 minutes",
    ]);
    expect(messages({ resolutionBusinessDays: { high: 400 } })).toEqual([
      "resolutionBusinessDays.high: must be at most 365 business days",
    ]);
    expect(messages({ firstResponseMinutes: { critical: 5 } })?.[0]).toMatch(/critical/);
    expect(messages({ firstResponse: {} })?.[0]).toMatch(/firstResponse/);
  });
});

describe("peak periods", () => {
  const peak: BusinessCalendar = {
    ...cal,
    peaks: [{ name: "双11", from: "2026-11-10", to: "2026-11-13", slaFactor: 1.5 }],
  };

  it("multiply both durations of a case opened inside the peak", () => {
    // Wednesday 11 November 10:00: 15 × 1.5 = 22.5 min; 1.5 business days = 13.5 h.
    expect(slaDeadlines("urgent", shanghai("2026-11-11T10:00:00"), peak)).toEqual({
      firstResponseDue: iso("2026-11-11T10:22:30"),
      // 8 h Wednesday, 5.5 h Thursday → Thursday 14:30
      resolutionDue: iso("2026-11-12T14:30:00"),
    });
    // High: 2 h × 1.5 = 3 h; 3 days × 1.5 = 40.5 h.
    expect(slaDeadlines("high", shanghai("2026-11-13T17:00:00"), peak)).toEqual({
      firstResponseDue: iso("2026-11-14T11:00:00"), // Friday 1 h + Saturday 2 h
      // 1 (Fri) + 9 (Sat) + 9 (Mon) + 9 (Tue) + 9 (Wed) + 3.5 → Thursday 19 November 12:30
      resolutionDue: iso("2026-11-19T12:30:00"),
    });
  });

  it("leave a case opened outside the peak alone, even when its clock runs into it", () => {
    expect(slaDeadlines("urgent", shanghai("2026-11-09T17:50:00"), peak)).toEqual(
      slaDeadlines("urgent", shanghai("2026-11-09T17:50:00"), cal),
    );
    expect(slaDeadlines("urgent", shanghai("2026-11-14T10:00:00"), peak)).toEqual(
      slaDeadlines("urgent", shanghai("2026-11-14T10:00:00"), cal),
    );
  });

  it("apply to the around-the-clock urgent first response too", () => {
    const policy = slaPolicyWith({ urgentFirstResponseAroundTheClock: true });
    expect(
      slaDeadlines("urgent", shanghai("2026-11-11T03:00:00"), peak, policy).firstResponseDue,
    ).toBe(iso("2026-11-11T03:22:30"));
  });
});

describe("properties", () => {
  const openedAt = fc.date({
    min: new Date("2026-01-01T00:00:00Z"),
    max: new Date("2027-12-31T00:00:00Z"),
    noInvalidDate: true,
  });
  const priority = fc.constantFrom<Priority>("urgent", "high", "routine");

  it("puts each deadline its policy's business minutes after the case's start", () => {
    fc.assert(
      fc.property(priority, openedAt, (p, at) => {
        const due = slaDeadlines(p, at, cal);
        const start = nextBusinessOpening(at, cal);
        const firstResponse = businessMinutesBetween(start, new Date(due.firstResponseDue), cal);
        const resolution = businessMinutesBetween(start, new Date(due.resolutionDue), cal);
        expect(firstResponse).toBe(DEFAULT_SLA_POLICY.firstResponseMinutes[p]);
        expect(resolution).toBe(DEFAULT_SLA_POLICY.resolutionBusinessDays[p] * 9 * 60);
        expect(due.firstResponseDue < due.resolutionDue).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
