// The SLA watch in business time (Shanghai, Monday–Saturday 09:00–18:00): the warning at 80 %,
// the breach at the deadline, escalation at twice the target, nothing while the case waits,
// everything due at once after a gap, and the same case however the sweeps fall.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBusinessMinutes } from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import { type Case, CASE_STATUSES, type CaseStatus, PRIORITIES } from "#shared/domain/case.ts";
import { DEFAULT_SLA_POLICY, slaDeadlines } from "#shared/domain/sla.ts";
import {
  nextSlaCheckAt,
  type RaisedSla,
  slaCheckpoints,
  slaWatch,
} from "#shared/domain/sla-watch.ts";

const cal = calendarOf();
const shanghai = (local: string) => new Date(`${local}+08:00`).toISOString();
const at = (local: string) => new Date(`${local}+08:00`);

/** High priority, opened Friday 27 November 2026 at 17:00: 2 business hours → Saturday 10:00. */
const OPENED = shanghai("2026-11-27T17:00:00");

function highCase(overrides: Partial<Case> = {}): Case {
  const due = slaDeadlines("high", new Date(OPENED), cal);
  return {
    caseId: "CS-7K2M9Q4R1T8B0000",
    waybillNo: "SF1234567891",
    status: "assigned",
    category: "attitude",
    severity: "general",
    priority: "high",
    feedbackType: "complaint",
    team: "delivery-ops",
    assignee: "agent-1",
    escalated: false,
    escalationLevel: 0,
    customer: { id: "cust-1", name: null, phone: null, tier: "regular" },
    source: "feedback",
    channel: "phone",
    sla: { ...due, firstRespondedAt: null, breached: false },
    trigger: { detailType: "Customer Message", eventId: "msg-1", occurredAt: OPENED },
    facts: {},
    createdAt: OPENED,
    updatedAt: OPENED,
    classifiedAt: OPENED,
    routedAt: OPENED,
    routeReason: "least-loaded-agent",
    version: 3,
    ...overrides,
  };
}

const kinds = (raised: readonly RaisedSla[] | undefined) =>
  (raised ?? []).map((r) => `${r.clock}:${r.kind}${r.level ? `@${r.level}` : ""}`);

describe("the checkpoints of a case", () => {
  it("are the two warnings, the two breaches and the level-2 escalation, in business time", () => {
    const c = highCase();
    expect(c.sla).toMatchObject({
      firstResponseDue: shanghai("2026-11-28T10:00:00"),
      resolutionDue: shanghai("2026-12-01T17:00:00"), // 27 business hours
    });
    expect(slaCheckpoints(c, cal)).toEqual([
      // 80 % of 2 h = 96 min: Friday 17:00–18:00, then 36 min on Saturday (not 80 % of 17 h).
      {
        kind: "warning",
        clock: "firstResponse",
        at: shanghai("2026-11-28T09:36:00"),
        dueAt: c.sla.firstResponseDue,
      },
      {
        kind: "breach",
        clock: "firstResponse",
        at: shanghai("2026-11-28T10:00:00"),
        dueAt: c.sla.firstResponseDue,
      },
      // 80 % of 27 h = 21 h 36: Fri 1, Sat 9, Mon 9, Tue 2 h 36 → Tuesday 11:36.
      {
        kind: "warning",
        clock: "resolution",
        at: shanghai("2026-12-01T11:36:00"),
        dueAt: c.sla.resolutionDue,
      },
      {
        kind: "breach",
        clock: "resolution",
        at: shanghai("2026-12-01T17:00:00"),
        dueAt: c.sla.resolutionDue,
      },
      // Twice the target: 27 more business hours after the deadline: Tue 1, Wed 9, Thu 9, Fri 8.
      {
        kind: "escalation",
        clock: "resolution",
        at: shanghai("2026-12-04T17:00:00"),
        dueAt: c.sla.resolutionDue,
        level: 2,
      },
    ]);
    expect(nextSlaCheckAt(c, cal)).toBe(shanghai("2026-11-28T09:36:00"));
  });

  it("leave out the first-response clock once somebody responded", () => {
    const c = highCase({
      status: "in_progress",
      sla: { ...highCase().sla, firstRespondedAt: shanghai("2026-11-27T17:30:00") },
    });
    expect(slaCheckpoints(c, cal).map((p) => p.clock)).toEqual([
      "resolution",
      "resolution",
      "resolution",
    ]);
  });

  it("leave out the resolution clock while the case waits (the first response still runs)", () => {
    const waiting = highCase({
      status: "waiting",
      sla: { ...highCase().sla, pausedAt: shanghai("2026-11-27T17:10:00") },
    });
    expect(slaCheckpoints(waiting, cal).map((p) => `${p.clock}:${p.kind}`)).toEqual([
      "firstResponse:warning",
      "firstResponse:breach",
    ]);
    const answered = {
      ...waiting,
      sla: { ...waiting.sla, firstRespondedAt: shanghai("2026-11-27T17:05:00") },
    };
    expect(nextSlaCheckAt(answered, cal)).toBeNull();
    expect(
      slaWatch(
        { ...answered, sla: { ...answered.sla, nextCheckAt: null } },
        cal,
        at("2027-03-01T10:00:00"),
      ),
    ).toBeNull();
  });

  it("are none for a resolved or closed case", () => {
    for (const status of ["resolved", "closed"] as const) {
      expect(slaCheckpoints(highCase({ status }), cal)).toEqual([]);
      expect(nextSlaCheckAt(highCase({ status }), cal)).toBeNull();
    }
  });

  it("count a pause: the resolution warning comes at 80 % of the time the clock ran", () => {
    const base = highCase();
    const paused = 120;
    const c = highCase({
      status: "in_progress",
      sla: {
        ...base.sla,
        firstRespondedAt: OPENED,
        pausedMinutes: paused,
        resolutionDue: addBusinessMinutes(
          new Date(base.sla.resolutionDue!),
          paused,
          cal,
        ).toISOString(),
      },
    });
    const warning = slaCheckpoints(c, cal).find((p) => p.kind === "warning");
    expect(warning?.at).toBe(
      addBusinessMinutes(new Date(OPENED), 0.8 * 27 * 60 + paused, cal).toISOString(),
    );
    expect(warning?.at).toBe(shanghai("2026-12-01T13:36:00"));
    // Twice the target: the (moved) deadline plus one whole target, not plus the pause again.
    expect(slaCheckpoints(c, cal).at(-1)?.at).toBe(shanghai("2026-12-05T10:00:00"));
  });

  it("fall back to 80 % of the wall clock for a deadline business time cannot reach", () => {
    // Urgent, first response around the clock: opened Sunday 03:00, due 03:15.
    const policy = { ...DEFAULT_SLA_POLICY, urgentFirstResponseAroundTheClock: true };
    const opened = shanghai("2026-11-29T03:00:00");
    const c = highCase({
      priority: "urgent",
      createdAt: opened,
      sla: {
        ...slaDeadlines("urgent", new Date(opened), cal, policy),
        firstRespondedAt: null,
        breached: false,
      },
    });
    expect(c.sla.firstResponseDue).toBe(shanghai("2026-11-29T03:15:00"));
    expect(
      slaCheckpoints(c, cal)
        .slice(0, 2)
        .map((p) => p.at),
    ).toEqual([shanghai("2026-11-29T03:12:00"), shanghai("2026-11-29T03:15:00")]);
  });
});

describe("the watch", () => {
  it("raises the first-response warning at 80 %, not before", () => {
    const c = highCase();
    expect(slaWatch(c, cal, at("2026-11-28T09:35:59"))?.raised).toEqual([]);
    const watched = slaWatch(c, cal, at("2026-11-28T09:40:00"));
    expect(kinds(watched?.raised)).toEqual(["firstResponse:warning"]);
    expect(watched?.next.sla).toMatchObject({
      firstResponseWarnedAt: shanghai("2026-11-28T09:36:00"),
      breached: false,
      nextCheckAt: shanghai("2026-11-28T10:00:00"),
    });
    expect(watched?.next.escalationLevel).toBe(0);
    // Stamped with when it fell due, not when the sweep came by.
    expect(watched?.next.updatedAt).toBe(shanghai("2026-11-28T09:36:00"));
  });

  it("raises the breach at the deadline: breached, escalated to level 1, the assignee kept", () => {
    const warned = slaWatch(highCase(), cal, at("2026-11-28T09:36:00"))!.next;
    const watched = slaWatch(warned, cal, at("2026-11-28T10:00:00"));
    expect(watched?.raised).toEqual([
      {
        kind: "breach",
        clock: "firstResponse",
        at: shanghai("2026-11-28T10:00:00"),
        dueAt: shanghai("2026-11-28T10:00:00"),
        level: 1,
      },
    ]);
    expect(watched?.next).toMatchObject({
      assignee: "agent-1",
      status: "assigned",
      escalated: true,
      escalationLevel: 1,
      sla: {
        breached: true,
        firstResponseBreachedAt: shanghai("2026-11-28T10:00:00"),
        nextCheckAt: shanghai("2026-12-01T11:36:00"),
      },
    });
  });

  it("raises everything due at once after a long gap, in order", () => {
    const watched = slaWatch(highCase(), cal, at("2026-12-02T10:00:00"));
    expect(kinds(watched?.raised)).toEqual([
      "firstResponse:warning",
      "firstResponse:breach@1",
      "resolution:warning",
      "resolution:breach", // already at level 1: no second escalation
    ]);
    expect(watched?.next.sla.nextCheckAt).toBe(shanghai("2026-12-04T17:00:00"));
  });

  it("escalates to level 2 at twice the target, then no further by default", () => {
    const watched = slaWatch(highCase(), cal, at("2026-12-04T17:00:00"));
    expect(kinds(watched?.raised).at(-1)).toBe("resolution:escalation@2");
    expect(watched?.next).toMatchObject({
      escalationLevel: 2,
      escalated: true,
      assignee: "agent-1",
    });
    expect(watched?.next.sla.nextCheckAt).toBeNull();
    expect(slaWatch(watched!.next, cal, at("2027-06-01T10:00:00"))).toBeNull();
  });

  it("escalates up to the team's levels: three times the target is level 3", () => {
    const watched = slaWatch(highCase(), cal, at("2026-12-04T17:00:00"), 3);
    expect(watched?.next.sla.nextCheckAt).toBe(shanghai("2026-12-08T17:00:00"));
    const later = slaWatch(watched!.next, cal, at("2026-12-08T17:00:00"), 3);
    expect(later?.raised).toEqual([
      {
        kind: "escalation",
        clock: "resolution",
        at: shanghai("2026-12-08T17:00:00"),
        dueAt: shanghai("2026-12-01T17:00:00"),
        level: 3,
      },
    ]);
    expect(later?.next.escalationLevel).toBe(3);
  });

  it("leaves a level a person already reached alone", () => {
    const c = highCase({ escalationLevel: 2, escalated: true });
    expect(slaCheckpoints(c, cal).some((p) => p.kind === "escalation")).toBe(false);
    const watched = slaWatch(c, cal, at("2026-11-28T10:00:00"));
    expect(watched?.raised.find((r) => r.kind === "breach")?.level).toBeUndefined();
    expect(watched?.next.escalationLevel).toBe(2);
  });

  it("raises nothing the second time at the same instant (idempotent)", () => {
    const now = at("2026-12-02T10:00:00");
    const first = slaWatch(highCase(), cal, now)!;
    expect(slaWatch(first.next, cal, now)).toBeNull();
    expect(slaWatch(first.next, cal, at("2026-11-28T09:00:00"))).toBeNull();
  });

  it("sets a stale next check right even when nothing is due", () => {
    const resolved = highCase({
      status: "resolved",
      sla: { ...highCase().sla, nextCheckAt: shanghai("2026-11-28T09:36:00") },
    });
    const fixed = slaWatch(resolved, cal, at("2026-11-28T09:40:00"));
    expect(fixed?.raised).toEqual([]);
    expect(fixed?.next.sla.nextCheckAt).toBeNull();
    expect(fixed?.next.updatedAt).toBe(resolved.updatedAt);
    expect(slaWatch(fixed!.next, cal, at("2026-11-28T09:40:00"))).toBeNull();
  });
});

describe("properties", () => {
  const MINUTE = 60_000;
  const anyCase = fc
    .record({
      opened: fc.date({
        min: new Date("2026-01-01T00:00:00Z"),
        max: new Date("2027-10-01T00:00:00Z"),
        noInvalidDate: true,
      }),
      priority: fc.constantFrom(...PRIORITIES),
      aroundTheClock: fc.boolean(),
      status: fc.constantFrom<CaseStatus>(...CASE_STATUSES),
      respondedAfter: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
      pausedMinutes: fc.integer({ min: 0, max: 1200 }),
      escalationLevel: fc.integer({ min: 0, max: 3 }),
      warned: fc.boolean(),
    })
    .map((d): Case => {
      const policy = { ...DEFAULT_SLA_POLICY, urgentFirstResponseAroundTheClock: d.aroundTheClock };
      const due = slaDeadlines(d.priority, d.opened, cal, policy);
      const openedAt = d.opened.toISOString();
      return highCase({
        status: d.status,
        priority: d.priority,
        createdAt: openedAt,
        updatedAt: openedAt,
        escalationLevel: d.escalationLevel,
        escalated: d.escalationLevel > 0,
        sla: {
          firstResponseDue: due.firstResponseDue,
          resolutionDue: addBusinessMinutes(
            new Date(due.resolutionDue),
            d.pausedMinutes,
            cal,
          ).toISOString(),
          pausedMinutes: d.pausedMinutes,
          firstRespondedAt:
            d.respondedAfter === null
              ? null
              : new Date(d.opened.getTime() + d.respondedAfter * MINUTE).toISOString(),
          breached: false,
          ...(d.warned ? { firstResponseWarnedAt: due.firstResponseDue } : {}),
          ...(d.status === "waiting" ? { pausedAt: openedAt } : {}),
        },
      });
    });
  // Minutes after the case opened, up to 40 days: sorted, so the sweeps come in order.
  const sweeps = fc
    .array(fc.integer({ min: 0, max: 40 * 24 * 60 }), { minLength: 1, maxLength: 6 })
    .map((offsets) => [...offsets].sort((a, b) => a - b));
  const maxLevel = fc.integer({ min: 1, max: 4 });

  it("gives the same case and raises the same checkpoints however the sweeps fall", () => {
    fc.assert(
      fc.property(anyCase, sweeps, maxLevel, (c, offsets, max) => {
        const instants = offsets.map((m) => new Date(Date.parse(c.createdAt) + m * MINUTE));
        let stepwise = c;
        const raisedStepwise: RaisedSla[] = [];
        for (const now of instants) {
          const watched = slaWatch(stepwise, cal, now, max);
          if (!watched) continue;
          stepwise = watched.next;
          raisedStepwise.push(...watched.raised);
          // Nothing due at `now` is left behind.
          const next = watched.next.sla.nextCheckAt;
          if (next !== null && next !== undefined)
            expect(Date.parse(next)).toBeGreaterThan(now.getTime());
          expect(slaWatch(watched.next, cal, now, max)).toBeNull();
        }
        const last = instants.at(-1)!;
        const once = slaWatch(c, cal, last, max);
        expect(stepwise).toEqual(once?.next ?? c);
        const asSet = (raised: readonly RaisedSla[]) => raised.map((r) => JSON.stringify(r)).sort();
        expect(asSet(raisedStepwise)).toEqual(asSet(once?.raised ?? []));
      }),
      { numRuns: 120 },
    );
  });

  it("never raises a level above maxLevel by escalation, and a breach always escalates", () => {
    fc.assert(
      fc.property(anyCase, maxLevel, (c, max) => {
        const watched = slaWatch(c, cal, new Date(Date.parse(c.createdAt) + 60 * 86_400_000), max);
        if (!watched) return;
        for (const r of watched.raised) {
          if (r.kind === "escalation") expect(r.level).toBeLessThanOrEqual(max);
        }
        if (watched.raised.some((r) => r.kind === "breach")) {
          expect(watched.next.sla.breached).toBe(true);
          expect(watched.next.escalationLevel).toBeGreaterThanOrEqual(1);
          expect(watched.next.escalated).toBe(true);
        }
        expect(watched.next.assignee).toBe(c.assignee);
        expect(watched.next.status).toBe(c.status);
      }),
      { numRuns: 80 },
    );
  });
});
