// SLA deadlines by priority (../domain.md "SLA"), in business time.
import { describe, expect, it } from "vitest";
import { DEFAULT_CALENDAR } from "#shared/domain/business-time.ts";
import { DEFAULT_SLA_POLICY, slaDeadlines } from "#shared/domain/sla.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => shanghai(local).toISOString();

describe("SLA deadlines", () => {
  it("gives an urgent case 15 minutes to a first response and one business day to resolve", () => {
    expect(slaDeadlines("urgent", shanghai("2026-11-23T10:00:00"), DEFAULT_CALENDAR)).toEqual({
      firstResponseDue: iso("2026-11-23T10:15:00"),
      resolutionDue: iso("2026-11-24T10:00:00"),
    });
  });

  it("gives a high-priority case 2 business hours and 3 business days", () => {
    expect(slaDeadlines("high", shanghai("2026-11-27T17:00:00"), DEFAULT_CALENDAR)).toEqual({
      firstResponseDue: iso("2026-11-28T10:00:00"), // Friday 17:00 + 2 h → Saturday 10:00
      // 27 business hours: Friday 1, Saturday 9, Monday 9, Tuesday 8 → Tuesday 17:00
      resolutionDue: iso("2026-12-01T17:00:00"),
    });
  });

  it("gives a routine case 4 business hours and 5 business days, starting at the next opening", () => {
    expect(slaDeadlines("routine", shanghai("2026-11-29T12:00:00"), DEFAULT_CALENDAR)).toEqual({
      firstResponseDue: iso("2026-11-30T13:00:00"),
      resolutionDue: iso("2026-12-04T18:00:00"), // 45 hours from Monday 09:00: Friday at closing
    });
  });

  it("can run the urgent first response around the clock", () => {
    const policy = { ...DEFAULT_SLA_POLICY, urgentFirstResponseAroundTheClock: true };
    const deadlines = slaDeadlines(
      "urgent",
      shanghai("2026-11-29T03:00:00"),
      DEFAULT_CALENDAR,
      policy,
    );
    expect(deadlines.firstResponseDue).toBe(iso("2026-11-29T03:15:00"));
  });
});
