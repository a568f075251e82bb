// `npm run -s demo` (infra/cli/demo.ts), its pure parts: the flags, the seeded PRNG, the day's
// events (valid by the upstream schemas, spread across outlets, couriers and regions, the same
// for the same seed), the customers' messages (each classifies as what it stands for), the
// follow-up outcomes (within the API's rules) and the next working morning.
import { describe, expect, it } from "vitest";
import { mulberry32 } from "#infra/seeded-random.ts";
import {
  atShanghai,
  COURIERS,
  chanceOf,
  customerOf,
  type FollowUpView,
  MESSAGES,
  nextMorning,
  OUTLETS,
  outcomeFor,
  parseDemoArgs,
  planDay,
  planMessages,
  REGIONS,
  REPEAT_MESSAGES,
  shanghaiIso,
} from "#infra/cli/demo.ts";
import { UsageError } from "#infra/cli/kpis.ts";
import { upstreamEvents } from "#events/index.ts";
import { classifyMessage } from "#shared/domain/classifier/index.ts";
import { isComplaint } from "#shared/domain/feedback-case.ts";

describe("the flags", () => {
  it("default to 3 days, seed 1, 200 parcels a day", () => {
    expect(parseDemoArgs([])).toEqual({ days: 3, seed: 1, perDay: 200, help: false });
  });

  it("take days, seed, volume and the API", () => {
    expect(
      parseDemoArgs([
        "--days",
        "5",
        "--seed=42",
        "--per-day",
        "50",
        "--api",
        "http://127.0.0.1:3300/",
      ]),
    ).toEqual({ days: 5, seed: 42, perDay: 50, api: "http://127.0.0.1:3300", help: false });
    expect(parseDemoArgs(["--days", "30"]).days).toBe(30);
    expect(parseDemoArgs(["--seed", "4294967295"]).seed).toBe(4294967295);
  });

  it.each([
    [["--days", "0"], /--days must be a whole number from 1 to 30/],
    [["--days", "31"], /--days must be a whole number from 1 to 30/],
    [["--days", "2.5"], /--days/],
    [["--days", "-1"], /--days/],
    [["--seed", "abc"], /--seed must be a whole number/],
    [["--seed", "4294967296"], /--seed/],
    [["--per-day", "5"], /--per-day must be a whole number from 10 to 2000/],
    [["--api", "nope"], /--api must be a URL/],
    [["--weeks", "1"], /Unknown option '--weeks'/],
    [["3"], /Unexpected argument '3'/],
  ])("refuse %j", (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });
});

describe("the seeded chance", () => {
  it("is mulberry32: the same seed, the same numbers in [0, 1)", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it("decides about a named thing the same way whatever the order it is met in", () => {
    expect(chanceOf(1, "CS-ABC|resolve|0")).toBe(chanceOf(1, "CS-ABC|resolve|0"));
    expect(chanceOf(1, "CS-ABC|resolve|0")).not.toBe(chanceOf(2, "CS-ABC|resolve|0"));
    expect(chanceOf(1, "CS-ABC|resolve|0")).not.toBe(chanceOf(1, "CS-ABC|resolve|1"));
  });
});

describe("a day's events", () => {
  const day = planDay(1, 0, "2026-12-02", 200);
  const events = [...day.morning, ...day.afternoon];
  const byType = (type: string) => events.filter((e) => e.detailType === type);

  it("are valid upstream events, each eventId once", () => {
    for (const event of events) {
      const definition = upstreamEvents.find((d) => d.detailType === event.detailType);
      expect(definition, event.detailType).toBeDefined();
      const parsed = definition?.schema.safeParse(event.detail);
      expect(parsed?.success, JSON.stringify(parsed?.error?.issues)).toBe(true);
    }
    const ids = events.map((e) => e.detail.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("deliver most parcels, in the morning and the midday round, before it is published", () => {
    const delivered = byType("Parcel Delivered");
    expect(delivered.length).toBeGreaterThan(180);
    expect(day.afternoon.length).toBeGreaterThan(40);
    for (const e of day.morning)
      expect(Date.parse(e.detail.occurredAt as string)).toBeLessThan(
        atShanghai("2026-12-02", 9).getTime(),
      );
    for (const e of day.afternoon)
      expect(Date.parse(e.detail.occurredAt as string)).toBeLessThan(
        atShanghai("2026-12-02", 14).getTime(),
      );
  });

  it("have a few percent of exceptions, every kind, failed attempts 1 and 2", () => {
    expect(byType("Parcel Delayed").length).toBe(6);
    expect(byType("Parcel Damaged").length).toBe(4);
    expect(byType("Parcel Lost").length).toBe(1);
    const attempts = byType("Delivery Attempt Failed").map((e) => e.detail.attempt);
    expect(attempts.filter((a) => a === 1)).toHaveLength(5);
    expect(attempts.filter((a) => a === 2)).toHaveLength(2);
    const exceptions = day.parcels.filter((p) => !p.fate.startsWith("delivered")).length;
    expect(exceptions / day.parcels.length).toBeLessThan(0.1);
    // A small day still has one of each.
    const small = planDay(1, 0, "2026-12-02", 10);
    for (const fate of ["lost", "delayed", "damaged", "failed-once", "failed-twice"])
      expect(small.parcels.filter((p) => p.fate === fate)).toHaveLength(1);
  });

  it("spread across 5 outlets, 8 couriers and 3 regions, with some VIP customers", () => {
    expect(OUTLETS).toHaveLength(5);
    expect(COURIERS).toHaveLength(8);
    expect(new Set(COURIERS.map((c) => c.courierId)).size).toBe(8);
    const details = events.map((e) => e.detail);
    expect(new Set(details.map((d) => d.outletId)).size).toBe(5);
    expect(new Set(details.map((d) => d.courierId)).size).toBe(8);
    expect(new Set(details.map((d) => d.region))).toEqual(new Set(REGIONS));
    const vips = day.parcels.filter((p) => p.customer.tier === "vip").length;
    expect(vips).toBeGreaterThan(3);
    expect(vips).toBeLessThan(40);
    expect(customerOf(0)).toMatchObject({ id: "cust-2001", tier: "vip" });
  });

  it("bring yesterday's delayed parcels the next morning, late", () => {
    expect(day.carryOver.map((p) => p.fate).sort()).toEqual([
      ...Array(6).fill("delayed"),
      "failed-twice",
      "failed-twice",
    ]);
    const next = planDay(1, 1, "2026-12-03", 200, day.carryOver);
    for (const p of day.carryOver) {
      const arrival = next.morning.find(
        (e) => e.detail.waybillNo === p.waybillNo && e.detailType === "Parcel Delivered",
      );
      expect(arrival?.detail.promisedAt).toBe("2026-12-02T18:00:00+08:00");
    }
  });

  it("are the same for the same seed and day, others for another seed or day", () => {
    expect(planDay(1, 0, "2026-12-02", 200)).toEqual(day);
    const other = planDay(2, 0, "2026-12-02", 200);
    expect(other.morning).not.toEqual(day.morning);
    const waybills = new Set(day.parcels.map((p) => p.waybillNo));
    expect(other.parcels.some((p) => waybills.has(p.waybillNo))).toBe(false);
    const tomorrow = planDay(1, 1, "2026-12-03", 200);
    expect(tomorrow.parcels.some((p) => waybills.has(p.waybillNo))).toBe(false);
  });

  it("write times as the order systems do, with the +08:00 offset", () => {
    expect(shanghaiIso(atShanghai("2026-12-02", 9, 5))).toBe("2026-12-02T09:05:00+08:00");
  });
});

describe("the customers' messages", () => {
  it("each classifies as what it stands for, in all three scripts", () => {
    for (const [kind, scripts] of Object.entries(MESSAGES)) {
      expect(Object.keys(scripts).sort()).toEqual(["en", "hans", "hant"]);
      for (const texts of Object.values(scripts))
        for (const text of texts) expect(classifyMessage(text).category, text).toBe(kind);
    }
  });

  it("repeat complaints are complaints of their problem", () => {
    for (const [kind, texts] of Object.entries(REPEAT_MESSAGES))
      for (const text of texts) {
        const reading = classifyMessage(text);
        expect(reading.category, text).toBe(kind);
        expect(isComplaint(reading), text).toBe(true);
      }
  });

  it("cover every kind each morning, the scripts and the channels, some about the day's parcels", () => {
    const plans = ["2026-12-02", "2026-12-03", "2026-12-04"].map((date, i) =>
      planDay(3, i, date, 200),
    );
    const messages = plans.flatMap((plan) => planMessages(3, plan, "am", 10));
    const first = planMessages(3, plans[0] as never, "am", 10);
    expect(new Set(first.map((m) => m.kind)).size).toBe(7);
    expect(new Set(messages.map((m) => m.script))).toEqual(new Set(["hans", "hant", "en"]));
    expect(new Set(messages.map((m) => m.channel))).toEqual(
      new Set(["phone", "online", "app", "email"]),
    );
    const waybills = new Map(
      plans.flatMap((plan) => plan.parcels.map((p) => [p.waybillNo, p] as const)),
    );
    for (const m of messages.filter((m) => m.waybillNo)) {
      // About a parcel of the day, by its own customer.
      expect(waybills.get(m.waybillNo as string)?.customer.id).toBe(m.customer.id);
    }
    expect(messages.some((m) => m.kind === "delay" && m.waybillNo)).toBe(true);
    expect(new Set(messages.map((m) => m.key)).size).toBe(messages.length);
    expect(planMessages(3, plans[0] as never, "am", 10)).toEqual(first);
  });
});

describe("the follow-up outcomes", () => {
  const followUp = (over: Partial<FollowUpView>, i: number): FollowUpView => ({
    followUpId: `FU-CASE${i}-1`,
    kind: "case",
    caseId: `CS-CASE${i}`,
    round: 1,
    status: "due",
    team: "claims",
    assignee: "agent-claims-1",
    category: "damage",
    attempts: 0,
    maxAttempts: 3,
    version: 2,
    ...over,
  });
  const many = (over: Partial<FollowUpView>) =>
    Array.from({ length: 400 }, (_, i) => outcomeFor(5, followUp(over, i)));

  it("keep to the API's rules", () => {
    for (const kind of ["case", "delivery"] as const)
      for (const outcome of many({ kind })) {
        if (!outcome.reached) {
          expect(Object.keys(outcome).filter((k) => k !== "comment")).toEqual(["reached"]);
          continue;
        }
        if (kind === "case") expect(typeof outcome.resolved).toBe("boolean");
        else expect(outcome.resolved).toBeUndefined();
        expect(outcome.satisfaction).toBeGreaterThanOrEqual(1);
        expect(outcome.satisfaction).toBeLessThanOrEqual(5);
        expect(Number.isInteger(outcome.satisfaction)).toBe(true);
        expect(outcome.nps).toBeGreaterThanOrEqual(0);
        expect(outcome.nps).toBeLessThanOrEqual(10);
        expect(outcome.suggestionAdopted).toBeUndefined();
      }
  });

  it("are mostly satisfied, some not, some not reached", () => {
    const outcomes = many({});
    const share = (test: (o: (typeof outcomes)[number]) => boolean) =>
      outcomes.filter(test).length / outcomes.length;
    expect(
      share((o) => o.reached && o.resolved === true && (o.satisfaction ?? 0) >= 4),
    ).toBeGreaterThan(0.7);
    expect(share((o) => o.reached && o.satisfaction === 2)).toBeGreaterThan(0.02);
    expect(share((o) => o.reached && o.resolved === false)).toBeGreaterThan(0.02);
    expect(share((o) => !o.reached)).toBeGreaterThan(0.05);
  });

  it("say whether a suggestion was adopted, and always reach its customer", () => {
    const outcomes = many({ category: "suggestion" });
    expect(outcomes.every((o) => o.reached && typeof o.suggestionAdopted === "boolean")).toBe(true);
    expect(new Set(outcomes.map((o) => o.suggestionAdopted))).toEqual(new Set([true, false]));
  });

  it("are the same for the same call, and may differ at the next attempt", () => {
    const fu = followUp({}, 1);
    expect(outcomeFor(5, fu)).toEqual(outcomeFor(5, fu));
    const attempts = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify(outcomeFor(5, followUp({ attempts: i % 3 }, Math.floor(i / 3)))),
    );
    expect(new Set(attempts).size).toBeGreaterThan(3);
  });
});

describe("the next working morning (the delivery team's calendar, default Mon–Sat, cn holidays)", () => {
  const at = (iso: string) => nextMorning(new Date(iso)).toISOString();

  it("is 09:00 the next day, or today before 09:00", () => {
    expect(at("2026-12-02T20:30:00+08:00")).toBe("2026-12-03T01:00:00.000Z");
    expect(at("2026-12-02T09:30:00+08:00")).toBe("2026-12-03T01:00:00.000Z");
    expect(at("2026-12-02T07:00:00+08:00")).toBe("2026-12-02T01:00:00.000Z");
  });

  it("skips Sundays and public holidays, not make-up working days", () => {
    expect(at("2026-12-05T12:00:00+08:00")).toBe("2026-12-07T01:00:00.000Z"); // Saturday → Monday
    expect(at("2026-09-30T12:00:00+08:00")).toBe("2026-10-08T01:00:00.000Z"); // National Day
    expect(at("2026-09-19T12:00:00+08:00")).toBe("2026-09-20T01:00:00.000Z"); // a make-up Sunday
  });
});
