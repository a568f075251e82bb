// The follow-up call (回访) as a team lead relies on it: scheduled a settling hour after the
// resolution, only at callable times (the team's working hours, holidays and make-up days of
// its calendar, and the customer's calling hours in their own time zone), within a window of
// three business days; missed calls retried over the rest of the window; the outcome deciding
// whether the case closes or reopens. The properties are in follow-up.properties.test.ts.
import { describe, expect, it } from "vitest";
import { addBusinessMinutes, type Period } from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import {
  addCallableMinutes,
  callableMinutesBetween,
  callingTime,
  callingTimeOf,
  caseFollowUpId,
  DEFAULT_FOLLOW_UP_POLICY,
  deliveryFollowUpId,
  FOLLOW_UP_ID,
  type FollowUp,
  type FollowUpPolicy,
  type FollowUpTrigger,
  followUpOverridesSchema,
  followUpPolicyWith,
  hoursToOutcome,
  isCallable,
  isPending,
  markDue,
  nextAttemptAt,
  recordOutcome,
  sampledForFollowUp,
  scheduleFollowUp,
  withinWindow,
} from "#shared/domain/follow-up.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => shanghai(local).toISOString();
const MINUTE = 60_000;

const p = (start: string, end: string): Period => ({ start, end });
const week = (weekdays: readonly (1 | 2 | 3 | 4 | 5 | 6 | 7)[], ...periods: Period[]) =>
  Object.fromEntries(weekdays.map((d) => [String(d), periods]));

/** The default: Shanghai, Monday–Saturday 09:00–18:00, mainland China holidays and make-up days. */
const team = calendarOf(undefined);
const monFri = calendarOf({ weeklyHours: week([1, 2, 3, 4, 5], p("09:00", "18:00")) });
/** A team answering the phone around the clock, every day of the year. */
const allHours = calendarOf({
  weeklyHours: week([1, 2, 3, 4, 5, 6, 7], p("00:00", "00:00")),
  holidayRegion: null,
});
const policy = DEFAULT_FOLLOW_UP_POLICY;
const NOW = new Date("2026-12-31T00:00:00Z");

const CASE_ID = "CS-7K2M9Q4R1T8B";

function trigger(
  triggeredAt: string,
  more: Partial<Omit<FollowUpTrigger, "customer">> & {
    customer?: Partial<FollowUpTrigger["customer"]>;
  } = {},
): FollowUpTrigger {
  const { customer, ...rest } = more;
  return {
    followUpId: caseFollowUpId(CASE_ID, 1),
    kind: "case",
    caseId: CASE_ID,
    waybillNo: "SF1234567890",
    round: 1,
    team: "T-EAST",
    assignee: "agent-li",
    customer: { id: "C-1001", tier: "regular", ...customer },
    category: "delay",
    channel: "phone",
    priority: "routine",
    triggeredAt,
    ...rest,
  };
}

const schedule = (t: FollowUpTrigger, cal = team, pol: FollowUpPolicy = policy) =>
  scheduleFollowUp(t, cal, pol, NOW);

/** Freezes an object and everything it holds, so any write to it throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe("follow-up ids", () => {
  it("names a case's follow-up after the case and the resolution it follows", () => {
    expect(caseFollowUpId(CASE_ID, 2)).toBe("FU-7K2M9Q4R1T8B-2");
    expect(caseFollowUpId(CASE_ID, 1)).not.toBe(caseFollowUpId(CASE_ID, 2));
  });

  it("names a sampled delivery's follow-up after its waybill, whatever its case", () => {
    expect(deliveryFollowUpId("SF1234567890")).toBe("FU-D-SF1234567890");
    expect(deliveryFollowUpId("sf1234567890")).toBe("FU-D-SF1234567890");
  });

  it("accepts both kinds of id as follow-up ids, and nothing else", () => {
    expect(FOLLOW_UP_ID.test(caseFollowUpId(CASE_ID, 2))).toBe(true);
    expect(FOLLOW_UP_ID.test(deliveryFollowUpId("sf1234567890"))).toBe(true);
    expect(FOLLOW_UP_ID.test(CASE_ID)).toBe(false);
    expect(FOLLOW_UP_ID.test("fu-7k2m9q4r1t8b-2")).toBe(false);
    expect(FOLLOW_UP_ID.test("FU-7K2M9Q4R1T8B-2; drop")).toBe(false);
  });
});

describe("scheduling a follow-up with the default calendar", () => {
  it("calls an hour of callable time after a resolution on a working afternoon", () => {
    // Tuesday 2026-11-24 14:00 + 60 callable minutes (team 09:00–18:00 ∩ customer 09:00–20:00).
    // Window: 3 × 540 = 1620 business minutes: Tue 240 + Wed 540 + Thu 540 + Fri 300 → Fri 14:00.
    const fu = schedule(trigger(iso("2026-11-24T14:00:00")));
    expect(fu).toEqual({
      followUpId: "FU-7K2M9Q4R1T8B-1",
      kind: "case",
      caseId: CASE_ID,
      waybillNo: "SF1234567890",
      round: 1,
      team: "T-EAST",
      assignee: "agent-li",
      customerId: "C-1001",
      customerTier: "regular",
      customerTimeZone: "Asia/Shanghai",
      category: "delay",
      channel: "phone",
      anyHour: false,
      status: "scheduled",
      triggeredAt: iso("2026-11-24T14:00:00"),
      dueAt: iso("2026-11-24T15:00:00"),
      windowEndsAt: iso("2026-11-27T14:00:00"),
      attempts: 0,
      maxAttempts: 3,
      missedCalls: [],
      outcome: null,
      completedAt: null,
      completedBy: null,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    });
  });

  it("carries a Saturday 17:30 resolution over Sunday to Monday 09:30", () => {
    // 2026-11-28 is an ordinary Saturday: 30 minutes to 18:00, Sunday not worked, Monday
    // 09:00 + the other 30. Window: Sat 30 + Mon 540 + Tue 540 + Wed 510 → Wed 17:30.
    const fu = schedule(trigger(iso("2026-11-28T17:30:00")));
    expect(fu.dueAt).toBe(iso("2026-11-30T09:30:00"));
    expect(fu.windowEndsAt).toBe(iso("2026-12-02T17:30:00"));
  });

  it("skips the National Day week: 30 September 17:30 → 8 October 09:30", () => {
    // Wednesday 2026-09-30: 30 minutes to 18:00; 1–7 October are holidays; Thursday 8 October
    // 09:00 + 30.
    const fu = schedule(trigger(iso("2026-09-30T17:30:00")));
    expect(fu.dueAt).toBe(iso("2026-10-08T09:30:00"));
  });

  it("counts the window over the holidays and on the make-up Saturday of a Monday–Friday team", () => {
    // 30 Sep 30 + Thu 8 Oct 540 + Fri 9 Oct 540 + Sat 10 Oct (调休, worked) 510 → 10 Oct 17:30.
    const fu = schedule(trigger(iso("2026-09-30T17:30:00")), monFri);
    expect(fu.dueAt).toBe(iso("2026-10-08T09:30:00"));
    expect(fu.windowEndsAt).toBe(iso("2026-10-10T17:30:00"));
    // And the make-up Saturday takes a call: Friday 9 October 17:30 → Saturday 09:30.
    expect(schedule(trigger(iso("2026-10-09T17:30:00")), monFri).dueAt).toBe(
      iso("2026-10-10T09:30:00"),
    );
  });

  it("calls on the make-up Sunday 20 September 2026, not on an ordinary Sunday", () => {
    // Saturday 19 Sep 17:30: 30 minutes, then Sunday 20 Sep (调休) 09:00 + 30.
    // Window: Sat 30 + Sun 540 + Mon 540 + Tue 510 → Tue 22 Sep 17:30.
    const fu = schedule(trigger(iso("2026-09-19T17:30:00")));
    expect(fu.dueAt).toBe(iso("2026-09-20T09:30:00"));
    expect(fu.windowEndsAt).toBe(iso("2026-09-22T17:30:00"));
    // A week earlier, Sunday 13 September is not worked: Monday 14 September 09:30.
    expect(schedule(trigger(iso("2026-09-12T17:30:00"))).dueAt).toBe(iso("2026-09-14T09:30:00"));
  });

  it("takes every time from the trigger, never from the clock: a replay schedules the same call", () => {
    const t = trigger(iso("2026-11-28T17:30:00"));
    const first = scheduleFollowUp(t, team, policy, new Date("2026-11-28T09:31:00Z"));
    const replay = scheduleFollowUp(t, team, policy, new Date("2026-12-05T02:00:00Z"));
    expect(replay.dueAt).toBe(first.dueAt);
    expect(replay.windowEndsAt).toBe(first.windowEndsAt);
    expect(replay.createdAt).toBe("2026-12-05T02:00:00.000Z");
  });

  it("uses the team's policy: its first-call delay and number of calls", () => {
    // 150 callable minutes from Tuesday 16:00: 120 to 18:00, then Wednesday 09:30.
    const pol = followUpPolicyWith({ firstAttemptAfterMinutes: 150, maxAttempts: 5 });
    const fu = schedule(trigger(iso("2026-11-24T16:00:00")), team, pol);
    expect(fu.dueAt).toBe(iso("2026-11-25T09:30:00"));
    expect(fu.maxAttempts).toBe(5);
  });
});

describe("calling hours", () => {
  it("waits for the customer's calling hours when the team works around the clock", () => {
    // Team open all day, customer 09:00–20:00 Shanghai: 23:00 is not callable, the next
    // callable minute is 09:00 and the hour after it ends at 10:00.
    const fu = schedule(trigger(iso("2026-11-24T23:00:00")), allHours);
    expect(fu.dueAt).toBe(iso("2026-11-25T10:00:00"));
    // A 24-hour business day: the window is 3 × 1440 minutes, exactly 72 hours.
    expect(fu.windowEndsAt).toBe(iso("2026-11-27T23:00:00"));
    // 19:30: 30 minutes before the customer's 20:00, then 09:30 the next morning.
    expect(schedule(trigger(iso("2026-11-24T19:30:00")), allHours).dueAt).toBe(
      iso("2026-11-25T09:30:00"),
    );
  });

  it("calls a Berlin customer of a Shanghai team only where both are open, in winter", () => {
    // November: Shanghai 09:00–18:00 = 01:00–10:00 UTC; Berlin (CET) 09:00–20:00 = 08:00–19:00
    // UTC. Both open 08:00–10:00 UTC = 16:00–18:00 Shanghai = 09:00–11:00 Berlin.
    const berlin = { customer: { timeZone: "Europe/Berlin" } };
    const fu = schedule(trigger(iso("2026-11-23T10:00:00"), berlin));
    expect(fu.customerTimeZone).toBe("Europe/Berlin");
    expect(fu.dueAt).toBe(iso("2026-11-23T17:00:00")); // 16:00 + 60, 10:00 in Berlin
    expect(fu.dueAt).toBe("2026-11-23T09:00:00.000Z");
    // The window is the team's business days, not the callable time.
    expect(fu.windowEndsAt).toBe(iso("2026-11-26T10:00:00"));
    // 17:30: the last 30 minutes of Monday's overlap, then Tuesday 16:00 + 30.
    expect(schedule(trigger(iso("2026-11-23T17:30:00"), berlin)).dueAt).toBe(
      iso("2026-11-24T16:30:00"),
    );

    const time = callingTime(team, policy, "Europe/Berlin", false);
    const day = (d: string) => [shanghai(`${d}T00:00:00`), shanghai(`${d}T23:59:59`)] as const;
    expect(callableMinutesBetween(...day("2026-11-23"), time)).toBe(120);
    expect(isCallable(shanghai("2026-11-23T15:59:00"), time)).toBe(false);
    expect(isCallable(shanghai("2026-11-23T16:00:00"), time)).toBe(true);
    expect(isCallable(shanghai("2026-11-23T18:00:00"), time)).toBe(false);
  });

  it("finds the wider overlap once Berlin is on summer time", () => {
    // June: Berlin (CEST) 09:00–20:00 = 07:00–18:00 UTC; with Shanghai's 01:00–10:00 UTC that is
    // 07:00–10:00 UTC = 15:00–18:00 Shanghai, three hours a day.
    const fu = schedule(
      trigger(iso("2026-06-15T10:00:00"), { customer: { timeZone: "Europe/Berlin" } }),
    );
    expect(fu.dueAt).toBe(iso("2026-06-15T16:00:00"));
    const time = callingTime(team, policy, "Europe/Berlin", false);
    expect(
      callableMinutesBetween(
        shanghai("2026-06-15T00:00:00"),
        shanghai("2026-06-16T00:00:00"),
        time,
      ),
    ).toBe(180);
  });

  it("calls an urgent case whose customer agreed at any hour, an hour after the resolution", () => {
    const urgent = { priority: "urgent" as const, customer: { outOfHoursCallsAgreed: true } };
    // Tuesday 02:00 → 03:00, though neither the team nor the customer's hours are open.
    const fu = schedule(trigger(iso("2026-11-24T02:00:00"), urgent));
    expect(fu.anyHour).toBe(true);
    expect(fu.dueAt).toBe(iso("2026-11-24T03:00:00"));
    // The window is still the team's: Tue 09:00 + 1620 = Tue 540 + Wed 540 + Thu 540 → Thu 18:00.
    expect(fu.windowEndsAt).toBe(iso("2026-11-26T18:00:00"));
    // A Sunday night, and a holiday, too.
    expect(schedule(trigger(iso("2026-11-29T23:30:00"), urgent)).dueAt).toBe(
      iso("2026-11-30T00:30:00"),
    );
    expect(schedule(trigger(iso("2026-10-03T12:00:00"), urgent)).dueAt).toBe(
      iso("2026-10-03T13:00:00"),
    );
  });

  it("keeps to callable hours for an urgent case without the customer's consent", () => {
    const fu = schedule(trigger(iso("2026-11-24T02:00:00"), { priority: "urgent" }));
    expect(fu.anyHour).toBe(false);
    expect(fu.dueAt).toBe(iso("2026-11-24T10:00:00"));
    const refused = { priority: "urgent" as const, customer: { outOfHoursCallsAgreed: false } };
    expect(schedule(trigger(iso("2026-11-24T02:00:00"), refused)).anyHour).toBe(false);
    // Consent alone is not enough: the case must be urgent.
    const high = { priority: "high" as const, customer: { outOfHoursCallsAgreed: true } };
    expect(schedule(trigger(iso("2026-11-24T02:00:00"), high)).anyHour).toBe(false);
  });

  it("refuses to schedule when the team's hours and the customer's never meet", () => {
    // Team 09:00–10:00 Shanghai = 01:00–02:00 UTC, every day. Customer 09:00–10:00 Los Angeles
    // = 16:00–17:00 UTC (PDT) or 17:00–18:00 UTC (PST): never the same hour, in any season.
    const narrow = calendarOf({
      weeklyHours: week([1, 2, 3, 4, 5, 6, 7], p("09:00", "10:00")),
      holidayRegion: null,
    });
    const pol = followUpPolicyWith({ callingHours: [p("09:00", "10:00")] });
    for (const at of ["2026-01-12T08:00:00", "2026-07-13T08:00:00"]) {
      const t = trigger(iso(at), { customer: { timeZone: "America/Los_Angeles" } });
      expect(() => schedule(t, narrow, pol)).toThrow(RangeError);
      expect(() => schedule(t, narrow, pol)).toThrow(
        /working hours and the customer's calling hours never meet/,
      );
    }
  });

  it("gives back the calling time a follow-up was scheduled with", () => {
    const fu = schedule(
      trigger(iso("2026-11-23T10:00:00"), { customer: { timeZone: "Europe/Berlin" } }),
    );
    const time = callingTimeOf(fu, team, policy);
    expect(time.team).toBe(team);
    expect(isCallable(new Date(fu.dueAt), time)).toBe(true);
    expect(isCallable(shanghai("2026-11-23T11:00:00"), time)).toBe(false); // 04:00 in Berlin
  });
});

describe("callable minutes", () => {
  const time = callingTime(team, policy, "Asia/Shanghai", false);

  it("counts back exactly the minutes it added", () => {
    // Monday 09:00 + 540 = the whole of Monday: its close, so Tuesday's opening.
    const a = addCallableMinutes(shanghai("2026-11-23T09:00:00"), 540, time);
    expect(a).toEqual(shanghai("2026-11-24T09:00:00"));
    expect(callableMinutesBetween(shanghai("2026-11-23T09:00:00"), a, time)).toBe(540);
    // Saturday 12:00 + 600: Sat 360, Sunday off, Mon 240 → Monday 13:00.
    const b = addCallableMinutes(shanghai("2026-11-28T12:00:00"), 600, time);
    expect(b).toEqual(shanghai("2026-11-30T13:00:00"));
    expect(callableMinutesBetween(shanghai("2026-11-28T12:00:00"), b, time)).toBe(600);
    // Fractions to the millisecond.
    const c = addCallableMinutes(shanghai("2026-11-23T09:00:00"), 1.5, time);
    expect(c).toEqual(shanghai("2026-11-23T09:01:30"));
    expect(callableMinutesBetween(shanghai("2026-11-23T09:00:00"), c, time)).toBe(1.5);
  });

  it("moves a result that lands exactly on a close to the next opening", () => {
    // Saturday 17:00 + 60 uses up Saturday exactly. SLA time ends at the close (18:00); a call
    // cannot be placed at 18:00, so it is due at Monday's opening.
    const at = shanghai("2026-11-28T17:00:00");
    expect(addBusinessMinutes(at, 60, team)).toEqual(shanghai("2026-11-28T18:00:00"));
    expect(addCallableMinutes(at, 60, time)).toEqual(shanghai("2026-11-30T09:00:00"));
    expect(schedule(trigger(at.toISOString())).dueAt).toBe(iso("2026-11-30T09:00:00"));
    // One minute less stays on Saturday.
    expect(addCallableMinutes(at, 59, time)).toEqual(shanghai("2026-11-28T17:59:00"));
  });

  it("starts outside callable hours at the next opening: 0 minutes is that opening", () => {
    expect(addCallableMinutes(shanghai("2026-11-29T12:00:00"), 0, time)).toEqual(
      shanghai("2026-11-30T09:00:00"),
    );
    const inside = shanghai("2026-11-24T14:37:12");
    expect(addCallableMinutes(inside, 0, time)).toEqual(inside);
  });

  it("counts nothing backwards, nor outside callable hours", () => {
    const [a, b] = [shanghai("2026-11-24T10:00:00"), shanghai("2026-11-24T12:00:00")];
    expect(callableMinutesBetween(b, a, time)).toBe(0);
    expect(callableMinutesBetween(a, a, time)).toBe(0);
    expect(callableMinutesBetween(a, b, time)).toBe(120);
    // Saturday 18:00 to Monday 09:00: none.
    expect(
      callableMinutesBetween(
        shanghai("2026-11-28T18:00:00"),
        shanghai("2026-11-30T09:00:00"),
        time,
      ),
    ).toBe(0);
  });

  it("counts callable time over more than eight weeks", () => {
    // Monday 12 October to Monday 21 December 2026: 10 weeks, 60 working days, no holiday:
    // 60 × 540 minutes.
    expect(
      callableMinutesBetween(
        shanghai("2026-10-12T00:00:00"),
        shanghai("2026-12-21T00:00:00"),
        time,
      ),
    ).toBe(60 * 540);
  });

  it("is callable from the opening minute to just before the close, on working days only", () => {
    expect(isCallable(shanghai("2026-11-24T09:00:00"), time)).toBe(true);
    expect(isCallable(shanghai("2026-11-24T17:59:59"), time)).toBe(true);
    expect(isCallable(shanghai("2026-11-24T08:59:59.999"), time)).toBe(false);
    expect(isCallable(shanghai("2026-11-24T18:00:00"), time)).toBe(false);
    expect(isCallable(shanghai("2026-11-29T10:00:00"), time)).toBe(false); // Sunday
    expect(isCallable(shanghai("2026-10-05T10:00:00"), time)).toBe(false); // National Day
    expect(isCallable(shanghai("2026-09-20T10:00:00"), time)).toBe(true); // make-up Sunday
  });
});

describe("a follow-up falling due", () => {
  const fu = schedule(trigger(iso("2026-11-24T14:00:00"))); // due 15:00

  it("is due at its due time or later, and not a millisecond before", () => {
    const due = shanghai("2026-11-24T15:00:00");
    expect(markDue(fu, new Date(due.getTime() - 1))).toBeNull();
    expect(markDue(fu, due)).toEqual({ ...fu, status: "due", updatedAt: due.toISOString() });
    const late = shanghai("2026-11-25T11:00:00");
    expect(markDue(fu, late)).toMatchObject({ status: "due", updatedAt: late.toISOString() });
    expect(fu.status).toBe("scheduled");
  });

  it("is pending while scheduled or due, and not once done, unreachable or cancelled", () => {
    const due = markDue(fu, shanghai("2026-11-24T15:00:00"));
    expect(isPending(fu)).toBe(true);
    expect(due && isPending(due)).toBe(true);
    for (const status of ["done", "unreachable", "cancelled"] as const)
      expect(isPending({ ...fu, status })).toBe(false);
  });

  it("only falls due once, and never after its outcome", () => {
    const at = shanghai("2026-11-24T15:00:00");
    const due = markDue(fu, at)!;
    expect(markDue(due, at)).toBeNull();
    for (const status of ["done", "unreachable", "cancelled"] as const)
      expect(markDue({ ...fu, status }, at)).toBeNull();
  });
});

describe("recording a call's outcome", () => {
  // Monday 2026-11-23 09:00: due 10:00; window 1620 minutes = Mon + Tue + Wed → Wed 18:00.
  const time = callingTime(team, policy, "Asia/Shanghai", false);
  const scheduled = schedule(trigger(iso("2026-11-23T09:00:00")));
  const dueAt = shanghai("2026-11-23T10:00:00");
  const due = deepFreeze(markDue(scheduled, dueAt)!);
  const record = (
    fu: FollowUp,
    outcome: Parameters<typeof recordOutcome>[1],
    at: Date = shanghai("2026-11-23T10:05:00"),
  ) => recordOutcome(fu, outcome, "agent-li", at, time, policy);

  it("refuses a follow-up that is not due yet, saying when it is", () => {
    expect(scheduled.windowEndsAt).toBe(iso("2026-11-25T18:00:00"));
    expect(record(scheduled, { reached: true, resolved: true })).toEqual({
      ok: false,
      status: 409,
      reason: `The follow-up is not due yet: its call is due at ${iso("2026-11-23T10:00:00")}`,
    });
  });

  it("refuses a second outcome once one is recorded", () => {
    const done = record(due, { reached: true, resolved: true, satisfaction: 5 });
    if (!done.ok) throw new Error(done.reason);
    const again = record(done.next, { reached: true, resolved: true, satisfaction: 5 });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(!again.ok && again.reason).toMatch(/is done: its outcome is already recorded/);
    const unreachable = record({ ...due, status: "unreachable" }, { reached: false });
    expect(unreachable).toMatchObject({ ok: false, status: 409 });
    expect(!unreachable.ok && unreachable.reason).toMatch(/is unreachable: .*already recorded/);
  });

  it("asks whether a reached customer's problem is resolved, for a case", () => {
    expect(record(due, { reached: true, satisfaction: 5 })).toEqual({
      ok: false,
      status: 422,
      reason: "A reached customer's follow-up of a case says whether the problem is resolved",
    });
  });

  it("does not ask about a problem for a sampled delivery", () => {
    const delivery = deepFreeze({ ...due, kind: "delivery" as const, caseId: null, round: 0 });
    expect(record(delivery, { reached: true, satisfaction: 5 })).toMatchObject({
      ok: true,
      result: "satisfied",
    });
    expect(record(delivery, { reached: true, satisfaction: 2 })).toMatchObject({
      ok: true,
      result: "dissatisfied",
    });
    expect(record(delivery, { reached: true })).toMatchObject({ ok: true, result: "satisfied" });
  });

  it("closes on a satisfied customer: resolved, with a score of 4 or 5 or none", () => {
    const at = shanghai("2026-11-23T10:05:00");
    for (const satisfaction of [4, 5, undefined]) {
      const outcome = { reached: true, resolved: true, satisfaction, comment: "thanks" };
      const d = record(due, outcome, at);
      expect(d).toEqual({
        ok: true,
        result: "satisfied",
        next: {
          ...due,
          status: "done",
          attempts: 1,
          outcome,
          completedAt: at.toISOString(),
          completedBy: "agent-li",
          updatedAt: at.toISOString(),
        },
      });
    }
  });

  it("reopens on a dissatisfied customer: a score of 3 or less, or the problem not resolved", () => {
    for (const satisfaction of [1, 2, 3])
      expect(record(due, { reached: true, resolved: true, satisfaction })).toMatchObject({
        ok: true,
        result: "dissatisfied",
        next: { status: "done" },
      });
    expect(record(due, { reached: true, resolved: false, satisfaction: 5 })).toMatchObject({
      ok: true,
      result: "dissatisfied",
    });
    expect(record(due, { reached: true, resolved: false })).toMatchObject({
      ok: true,
      result: "dissatisfied",
    });
  });

  it("retries a customer not reached, later in the window and at a callable time", () => {
    // Missed at Monday 10:00: 1560 callable minutes left to Wednesday 18:00 (Mon 480 + Tue 540 +
    // Wed 540), two calls left → a third, 520 minutes: Mon 480 + 40 → Tuesday 09:40.
    const d = record(due, { reached: false, comment: "no answer" }, dueAt);
    expect(d).toEqual({
      ok: true,
      result: "retry",
      next: {
        ...due,
        status: "scheduled",
        attempts: 1,
        dueAt: iso("2026-11-24T09:40:00"),
        missedCalls: [{ at: dueAt.toISOString(), by: "agent-li" }],
        updatedAt: dueAt.toISOString(),
      },
    });
    if (!d.ok) return;
    expect(isCallable(new Date(d.next.dueAt), time)).toBe(true);
    expect(d.next.outcome).toBeNull();
    expect(d.next.completedAt).toBeNull();
  });

  it("gives up after the third missed call: unreachable", () => {
    // Second miss, Tuesday 09:40: 1040 minutes left (Tue 500 + Wed 540), one call left → half,
    // 520: Tue 500 + 20 → Wednesday 09:20. The third miss there ends it.
    const calls = [dueAt, shanghai("2026-11-24T09:40:00"), shanghai("2026-11-25T09:20:00")];
    let fu: FollowUp = scheduled;
    const results: string[] = [];
    for (const at of calls) {
      expect(fu.dueAt).toBe(at.toISOString());
      const d = record(deepFreeze(markDue(fu, at)!), { reached: false }, at);
      if (!d.ok) throw new Error(d.reason);
      results.push(d.result);
      fu = d.next;
    }
    expect(results).toEqual(["retry", "retry", "unreachable"]);
    const last = calls[2]!.toISOString();
    expect(fu).toMatchObject({
      status: "unreachable",
      attempts: 3,
      outcome: { reached: false },
      completedAt: last,
      completedBy: "agent-li",
      updatedAt: last,
    });
    expect(fu.missedCalls).toEqual(calls.map((at) => ({ at: at.toISOString(), by: "agent-li" })));
  });

  it("never changes the follow-up it is given", () => {
    const before = structuredClone(due);
    expect(Object.isFrozen(due.missedCalls)).toBe(true);
    for (const outcome of [
      { reached: false },
      { reached: true, resolved: true, satisfaction: 5 },
      { reached: true, resolved: false },
    ])
      expect(record(due, outcome).ok).toBe(true);
    const lastAttempt = deepFreeze({ ...due, attempts: 2, missedCalls: [{ at: "x", by: "y" }] });
    expect(record(lastAttempt, { reached: false })).toMatchObject({ result: "unreachable" });
    expect(due).toEqual(before);
  });
});

describe("when to call again", () => {
  const time = callingTime(team, policy, "Asia/Shanghai", false);
  // A window ending Wednesday 25 November 18:00, three calls.
  const fu = { maxAttempts: 3, windowEndsAt: iso("2026-11-25T18:00:00") };

  it("spreads the calls left evenly over the callable time left", () => {
    // Two left after Monday 10:00: a third of 1560 = 520 → Tuesday 09:40.
    const at = shanghai("2026-11-23T10:00:00");
    const next = nextAttemptAt(at, fu, 1, time, policy);
    expect(next).toEqual(shanghai("2026-11-24T09:40:00"));
    expect(callableMinutesBetween(at, next, time)).toBe(520);
    // One left after Tuesday 09:40: half of 1040 = 520 → Wednesday 09:20.
    expect(nextAttemptAt(next, fu, 2, time, policy)).toEqual(shanghai("2026-11-25T09:20:00"));
  });

  it("never calls again sooner than the minimum gap", () => {
    // Wednesday 17:00, two calls left: a third of the 60 minutes left is 20, less than the
    // 60-minute gap. 17:00 + 60 lands on the close: Thursday's opening.
    expect(nextAttemptAt(shanghai("2026-11-25T17:00:00"), fu, 1, time, policy)).toEqual(
      shanghai("2026-11-26T09:00:00"),
    );
    // A team gap of 120: Wed 60 + Thu 60 → Thursday 10:00.
    const wider = followUpPolicyWith({ minRetryGapMinutes: 120 });
    expect(nextAttemptAt(shanghai("2026-11-25T17:00:00"), fu, 1, time, wider)).toEqual(
      shanghai("2026-11-26T10:00:00"),
    );
  });

  it("still calls after the window's end, the gap later and at a callable time", () => {
    expect(nextAttemptAt(shanghai("2026-11-26T10:00:00"), fu, 1, time, policy)).toEqual(
      shanghai("2026-11-26T11:00:00"),
    );
    // Thursday 17:30: 30 minutes, then Friday 09:30.
    const next = nextAttemptAt(shanghai("2026-11-26T17:30:00"), fu, 2, time, policy);
    expect(next).toEqual(shanghai("2026-11-27T09:30:00"));
    expect(isCallable(next, time)).toBe(true);
  });

  it("spreads the calls of a long window of a team working weekends only", () => {
    // Saturdays and Sundays 09:00–18:00, a 20-business-day window: ten weekends. Triggered
    // Saturday 17 October 09:00, due 10:00, missed: 20 × 540 − 60 = 10740 minutes left, a third
    // is 3580: Sat 480, Sun 540, then 540 on each of 24/25 Oct and 31 Oct/1 Nov (2640 in all),
    // the last 400 from Saturday 7 November 09:00 → 15:40.
    const weekends = calendarOf({
      weeklyHours: week([6, 7], p("09:00", "18:00")),
      holidayRegion: null,
    });
    const pol = followUpPolicyWith({ windowBusinessDays: 20 });
    const scheduledFu = schedule(trigger(iso("2026-10-17T09:00:00")), weekends, pol);
    expect(scheduledFu.dueAt).toBe(iso("2026-10-17T10:00:00"));
    expect(scheduledFu.windowEndsAt).toBe(iso("2026-12-20T18:00:00"));
    const at = shanghai("2026-10-17T10:00:00");
    const d = recordOutcome(
      markDue(scheduledFu, at)!,
      { reached: false },
      "agent-li",
      at,
      callingTimeOf(scheduledFu, weekends, pol),
      pol,
    );
    expect(d).toMatchObject({
      ok: true,
      result: "retry",
      next: { dueAt: iso("2026-11-07T15:40:00") },
    });
  });
});

describe("sampling delivered parcels", () => {
  /** A stand-in for the waybill hash: 0.03 for SF0001, 0.07 for any other waybill. */
  const hash = (text: string) => (text.includes("SF0001") ? 0.03 : 0.07);

  it("always samples a VIP customer's parcel", () => {
    expect(sampledForFollowUp("SF0002", "vip", 0.05, hash)).toBe(true);
    expect(sampledForFollowUp("SF0002", "vip", 0, () => 0.99)).toBe(true);
  });

  it("samples a regular customer's parcel when its hash falls within the share", () => {
    expect(sampledForFollowUp("SF0001", "regular", 0.05, hash)).toBe(true);
    expect(sampledForFollowUp("SF0002", "regular", 0.05, hash)).toBe(false);
    expect(sampledForFollowUp("SF0002", "regular", 0.1, hash)).toBe(true);
    // The share is a half-open range: a hash of exactly the share is out.
    expect(sampledForFollowUp("SF0002", "regular", 0.07, hash)).toBe(false);
  });

  it("decides the same for a replayed event and for the waybill in any letter case", () => {
    const decisions = ["SF0001", "sf0001", "SF0001", "Sf0001"].map((w) =>
      sampledForFollowUp(w, "regular", 0.05, hash),
    );
    expect(decisions).toEqual([true, true, true, true]);
    const seen: string[] = [];
    const recording = (text: string) => (seen.push(text), 0.5);
    sampledForFollowUp("sf0001", "regular", 0.05, recording);
    sampledForFollowUp("SF0001", "regular", 0.05, recording);
    expect(seen[0]).toBe(seen[1]);
  });

  it("samples none at a share of 0 and all at a share of 1", () => {
    for (const h of [0, 0.25, 0.5, 0.999999]) {
      expect(sampledForFollowUp("SF0003", "regular", 0, () => h)).toBe(false);
      expect(sampledForFollowUp("SF0003", "regular", 1, () => h)).toBe(true);
    }
  });
});

describe("a team's follow-up policy", () => {
  it("is the domain default where the team says nothing", () => {
    expect(followUpPolicyWith()).toEqual(DEFAULT_FOLLOW_UP_POLICY);
    expect(followUpPolicyWith({})).toEqual(DEFAULT_FOLLOW_UP_POLICY);
    expect(DEFAULT_FOLLOW_UP_POLICY).toEqual({
      windowBusinessDays: 3,
      maxAttempts: 3,
      firstAttemptAfterMinutes: 60,
      minRetryGapMinutes: 60,
      callingHours: [p("09:00", "20:00")],
      deliverySampleShare: 0.05,
    });
  });

  it("takes each field the team overrides, and the default for the others", () => {
    expect(
      followUpPolicyWith({
        maxAttempts: 5,
        callingHours: [p("10:00", "12:00"), p("14:00", "19:00")],
      }),
    ).toEqual({
      ...DEFAULT_FOLLOW_UP_POLICY,
      maxAttempts: 5,
      callingHours: [p("10:00", "12:00"), p("14:00", "19:00")],
    });
    expect(followUpPolicyWith({ maxAttempts: undefined, deliverySampleShare: 0 })).toEqual({
      ...DEFAULT_FOLLOW_UP_POLICY,
      deliverySampleShare: 0,
    });
  });

  it("leaves out whether the team samples deliveries: that picks the pool, not the rules", () => {
    const pol = followUpPolicyWith({ samplesDeliveries: true, windowBusinessDays: 5 });
    expect(pol).toEqual({ ...DEFAULT_FOLLOW_UP_POLICY, windowBusinessDays: 5 });
    expect(pol).not.toHaveProperty("samplesDeliveries");
  });

  it("accepts a team record's overrides within range", () => {
    const overrides = {
      windowBusinessDays: 5,
      maxAttempts: 10,
      firstAttemptAfterMinutes: 0,
      minRetryGapMinutes: 30,
      callingHours: [p("09:00", "12:00"), p("14:00", "21:00")],
      deliverySampleShare: 1,
      samplesDeliveries: true,
    };
    expect(followUpOverridesSchema.parse(overrides)).toEqual(overrides);
    expect(followUpOverridesSchema.parse({})).toEqual({});
  });

  it("refuses unknown fields and values out of range", () => {
    for (const bad of [
      { retries: 3 },
      { maxAttempts: 0 },
      { maxAttempts: 11 },
      { maxAttempts: 2.5 },
      { windowBusinessDays: 0 },
      { windowBusinessDays: 31 },
      { minRetryGapMinutes: 0 },
      { firstAttemptAfterMinutes: -1 },
      { deliverySampleShare: 1.5 },
      { deliverySampleShare: -0.1 },
      { callingHours: [] },
      { callingHours: [{ start: "9:00", end: "20:00" }] },
      { callingHours: [{ start: "09:00", end: "20:00", tz: "UTC" }] },
      { samplesDeliveries: "yes" },
    ])
      expect(followUpOverridesSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

describe("follow-up KPIs", () => {
  const fu = { triggeredAt: iso("2026-11-23T09:00:00"), windowEndsAt: iso("2026-11-25T18:00:00") };

  it("counts a follow-up done by the end of its window as timely, and one after as late", () => {
    expect(withinWindow(fu, iso("2026-11-24T10:00:00"))).toBe(true);
    expect(withinWindow(fu, iso("2026-11-25T18:00:00"))).toBe(true);
    expect(
      withinWindow(fu, new Date(shanghai("2026-11-25T18:00:00").getTime() + 1).toISOString()),
    ).toBe(false);
  });

  it("measures the hours from the trigger to the outcome, never below 0", () => {
    expect(hoursToOutcome(fu, iso("2026-11-24T10:30:00"))).toBe(25.5);
    expect(hoursToOutcome(fu, iso("2026-11-23T09:00:00"))).toBe(0);
    expect(hoursToOutcome(fu, iso("2026-11-23T08:00:00"))).toBe(0);
    expect(
      hoursToOutcome(
        fu,
        new Date(shanghai("2026-11-23T09:00:00").getTime() + 30 * MINUTE).toISOString(),
      ),
    ).toBe(0.5);
  });
});
