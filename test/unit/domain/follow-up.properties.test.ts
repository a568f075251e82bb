// Properties of follow-up scheduling over 2026–2027, for the default calendar (Shanghai,
// Monday–Saturday, mainland China holidays and make-up days) and a Monday–Friday team with a
// lunch break and Saturday mornings, and for customers in Shanghai and in Berlin (daylight
// saving time). The rules: a call is only ever due at a callable instant (inside the team's
// business hours and the customer's 09:00–20:00 local calling hours), never before what
// triggered it, the first one inside the window; every retry is callable and later than the
// call it follows; the last missed call makes the follow-up unreachable.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BusinessCalendar,
  isBusinessTime,
  type Period,
} from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import {
  addCallableMinutes,
  callableMinutesBetween,
  type CallingTime,
  callingTimeOf,
  caseFollowUpId,
  DEFAULT_FOLLOW_UP_POLICY,
  type FollowUp,
  type FollowUpTrigger,
  followUpPolicyWith,
  isCallable,
  markDue,
  recordOutcome,
  scheduleFollowUp,
} from "#shared/domain/follow-up.ts";

const MINUTE = 60_000;
const runs = { numRuns: 150 };

const p = (start: string, end: string): Period => ({ start, end });

const defaultTeam = calendarOf(undefined);
const lunchTeam = calendarOf({
  weeklyHours: {
    ...Object.fromEntries(
      ["1", "2", "3", "4", "5"].map((d) => [d, [p("09:00", "12:00"), p("13:30", "18:00")]]),
    ),
    "6": [p("09:00", "12:00")],
  },
  makeUpDayHours: [p("09:00", "12:00"), p("13:30", "18:00")],
});

const team = fc.constantFrom(defaultTeam, lunchTeam);
const customerZone = fc.constantFrom("Asia/Shanghai", "Europe/Berlin");
const triggerInstant = fc.date({
  min: new Date("2026-01-01T00:00:00+08:00"),
  max: new Date("2027-12-31T23:59:59+08:00"),
  noInvalidDate: true,
});

const readers = new Map<string, Intl.DateTimeFormat>();
/** The minute of the day that the zone's clocks show at an instant. */
function localMinute(at: Date, timeZone: string): number {
  let f = readers.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      hour: "2-digit",
      minute: "2-digit",
    });
    readers.set(timeZone, f);
  }
  const part = (type: string) => Number(f.formatToParts(at).find((x) => x.type === type)!.value);
  return part("hour") * 60 + part("minute");
}

/** Inside the team's hours and the customer's 09:00–20:00, by each calendar's own reading. */
function expectCallable(at: Date, fu: FollowUp, cal: BusinessCalendar, time: CallingTime) {
  expect(isCallable(at, time)).toBe(true);
  expect(isBusinessTime(at, cal)).toBe(true);
  const minute = localMinute(at, fu.customerTimeZone);
  expect(minute).toBeGreaterThanOrEqual(9 * 60);
  expect(minute).toBeLessThan(20 * 60);
}

function triggerAt(at: Date, timeZone: string): FollowUpTrigger {
  return {
    followUpId: caseFollowUpId("CS-7K2M9Q4R1T8B", 1),
    kind: "case",
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567890",
    round: 1,
    team: "T-EAST",
    assignee: "agent-li",
    customer: { id: "C-1001", tier: "regular", timeZone },
    category: "delay",
    channel: "phone",
    priority: "routine",
    triggeredAt: at.toISOString(),
  };
}

describe("the first call", () => {
  it("is due at a callable instant, not before the trigger and before the window ends", () => {
    fc.assert(
      fc.property(team, customerZone, triggerInstant, (cal, zone, at) => {
        const fu = scheduleFollowUp(triggerAt(at, zone), cal, DEFAULT_FOLLOW_UP_POLICY, at);
        const due = new Date(fu.dueAt);
        const time = callingTimeOf(fu, cal, DEFAULT_FOLLOW_UP_POLICY);
        expectCallable(due, fu, cal, time);
        expect(due.getTime()).toBeGreaterThanOrEqual(at.getTime() + 60 * MINUTE);
        expect(due.getTime()).toBeLessThan(Date.parse(fu.windowEndsAt));
        // Exactly the first-call delay of callable time after the trigger.
        expect(callableMinutesBetween(at, due, time)).toBe(60);
      }),
      runs,
    );
  });

  it("is exactly an hour after the trigger for an urgent case whose customer agreed", () => {
    fc.assert(
      fc.property(team, triggerInstant, (cal, at) => {
        const t = triggerAt(at, "Asia/Shanghai");
        const urgent = {
          ...t,
          priority: "urgent" as const,
          customer: { ...t.customer, outOfHoursCallsAgreed: true },
        };
        const fu = scheduleFollowUp(urgent, cal, DEFAULT_FOLLOW_UP_POLICY, at);
        expect(fu.anyHour).toBe(true);
        expect(Date.parse(fu.dueAt)).toBe(at.getTime() + 60 * MINUTE);
      }),
      runs,
    );
  });
});

describe("callable minutes", () => {
  it("counts back exactly the minutes it added, landing at a callable instant", () => {
    fc.assert(
      fc.property(
        team,
        customerZone,
        triggerInstant,
        fc.integer({ min: 0, max: 3 * 540 }),
        (cal, zone, at, minutes) => {
          const fu = scheduleFollowUp(triggerAt(at, zone), cal, DEFAULT_FOLLOW_UP_POLICY, at);
          const time = callingTimeOf(fu, cal, DEFAULT_FOLLOW_UP_POLICY);
          const end = addCallableMinutes(at, minutes, time);
          expect(callableMinutesBetween(at, end, time)).toBe(minutes);
          expect(isCallable(end, time)).toBe(true);
        },
      ),
      runs,
    );
  });
});

describe("missed calls", () => {
  const attempts = fc.integer({ min: 1, max: 5 });
  const gap = fc.constantFrom(1, 30, 60, 120);
  /** How long after its due time each call is made: on time, minutes late, or a day late. */
  const delays = fc.array(fc.integer({ min: 0, max: 24 * 60 }), { minLength: 5, maxLength: 5 });

  it("are retried at callable instants, each later than the last call, until unreachable", () => {
    fc.assert(
      fc.property(
        team,
        customerZone,
        triggerInstant,
        attempts,
        gap,
        delays,
        (cal, zone, at, maxAttempts, minRetryGapMinutes, late) => {
          const policy = followUpPolicyWith({ maxAttempts, minRetryGapMinutes });
          let fu = scheduleFollowUp(triggerAt(at, zone), cal, policy, at);
          const time = callingTimeOf(fu, cal, policy);
          for (let call = 1; call <= maxAttempts; call++) {
            const callAt = new Date(Date.parse(fu.dueAt) + late[call - 1]! * MINUTE);
            const due = markDue(fu, callAt);
            expect(due?.status).toBe("due");
            const d = recordOutcome(due!, { reached: false }, "agent-li", callAt, time, policy);
            if (!d.ok) throw new Error(d.reason);
            fu = d.next;
            expect(fu.attempts).toBe(call);
            expect(fu.missedCalls).toHaveLength(call);
            if (call < maxAttempts) {
              expect(d.result).toBe("retry");
              expect(fu.status).toBe("scheduled");
              const next = new Date(fu.dueAt);
              expect(next.getTime()).toBeGreaterThan(callAt.getTime());
              expectCallable(next, fu, cal, time);
              expect(callableMinutesBetween(callAt, next, time)).toBeGreaterThanOrEqual(
                minRetryGapMinutes - 1e-9,
              );
            } else {
              expect(d.result).toBe("unreachable");
              expect(fu.status).toBe("unreachable");
              expect(fu.completedAt).toBe(callAt.toISOString());
            }
          }
        },
      ),
      runs,
    );
  });
});
