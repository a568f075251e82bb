// KPI math as a manager reads it: every KPI of a row from hand-counted totals, `null` where a
// denominator is 0; percentiles of duration histograms within 1 % of the true nearest-rank value;
// daily histograms that add up to the histogram of the period; the business day of an instant in
// Shanghai and in Berlin (daylight saving time); the days of a period and the period before it.
// The algebraic properties are in kpis.properties.test.ts.
import { describe, expect, it } from "vitest";
import {
  addTotals,
  type Backlog,
  bucketOf,
  businessDayOf,
  daysBetween,
  EMPTY_TOTALS,
  type Histogram,
  histogramCount,
  histogramOf,
  KPI_COUNTERS,
  KPI_HISTOGRAMS,
  type KpiRow,
  kpiRow,
  type KpiTotals,
  MAX_PERIOD_DAYS,
  mergeHistograms,
  nearestRank,
  percentile,
  previousPeriod,
  RELATIVE_ERROR,
  ZERO_BUCKET,
} from "#shared/domain/kpis.ts";

/** The true nearest-rank percentile of some values. */
function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(p, sorted.length) - 1]!;
}

/** Within RELATIVE_ERROR (relative) of `expected`. */
function expectNear(actual: number | null, expected: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(RELATIVE_ERROR * expected);
}

const totals = (
  counts: KpiTotals["counts"],
  histograms: KpiTotals["histograms"] = {},
): KpiTotals => ({ counts, histograms });

const RATIOS = [
  "csat",
  "avgSatisfaction",
  "nps",
  "followUpCoverage",
  "followUpTimeliness",
  "followUpMedianHours",
  "resolutionRate",
  "firstFollowUpResolution",
  "suggestionAdoptionRate",
  "firstResponseMinutesP50",
  "firstResponseMinutesP90",
  "acceptanceSecondsP50",
  "slaAttainment",
  "complaintRate",
  "repeatComplaintRate",
  "damageRate",
  "lossRate",
] as const satisfies readonly (keyof KpiRow)[];

describe("the names", () => {
  it("are the contract's counters and histograms", () => {
    expect(KPI_COUNTERS).toHaveLength(24);
    expect(new Set(KPI_COUNTERS).size).toBe(24);
    expect(KPI_HISTOGRAMS).toEqual(["firstResponseMinutes", "acceptanceSeconds", "followUpHours"]);
  });

  it("give a row with exactly the contract's fields", () => {
    expect(Object.keys(kpiRow("all", EMPTY_TOTALS)).sort()).toEqual(
      ["key", ...RATIOS, "backlog", "counts"].sort(),
    );
  });
});

describe("kpiRow", () => {
  it("computes follow-up satisfaction: 3 satisfied of 4 scored is a CSAT of 0.75", () => {
    const row = kpiRow("all", totals({ scored: 4, satisfied: 3, satisfactionSum: 4 + 5 + 2 + 4 }));
    expect(row.csat).toBe(0.75);
    expect(row.avgSatisfaction).toBe(3.75);
  });

  it("computes NPS from promoters, passives and detractors, as a score of −100..100", () => {
    // 10 answers: 5 promoters (9–10), 3 passives (7–8), 2 detractors (0–6): 50 % − 20 % = 30.
    expect(kpiRow("all", totals({ npsAnswers: 10, promoters: 5, detractors: 2 })).nps).toBe(30);
    expect(kpiRow("all", totals({ npsAnswers: 4, promoters: 4 })).nps).toBe(100);
    expect(kpiRow("all", totals({ npsAnswers: 4, detractors: 4 })).nps).toBe(-100);
    expect(kpiRow("all", totals({ npsAnswers: 3 })).nps).toBe(0); // passives only
    expect(kpiRow("all", totals({ npsAnswers: 3, promoters: 2, detractors: 1 })).nps).toBeCloseTo(
      100 / 3,
      12,
    );
  });

  it("computes follow-up coverage, timeliness and the median hours to a follow-up", () => {
    const row = kpiRow(
      "all",
      totals(
        { followUpsDue: 8, followedUp: 6, followUpsOnTime: 3, followUpsUnreachable: 2 },
        { followUpHours: histogramOf([2, 5, 20, 30, 50, 70]) },
      ),
    );
    expect(row.followUpCoverage).toBe(0.75);
    expect(row.followUpTimeliness).toBe(0.5);
    expectNear(row.followUpMedianHours, 20); // nearest rank 3 of 6
  });

  it("computes resolution, first-follow-up resolution and suggestion adoption", () => {
    const row = kpiRow(
      "all",
      totals({
        opened: 20,
        resolved: 15,
        firstFollowUps: 5,
        firstFollowUpResolved: 4,
        suggestions: 8,
        suggestionsAdopted: 2,
      }),
    );
    expect(row.resolutionRate).toBe(0.75);
    expect(row.firstFollowUpResolution).toBe(0.8);
    expect(row.suggestionAdoptionRate).toBe(0.25);
  });

  it("computes SLA attainment and the complaint, repeat, damage and loss rates", () => {
    const row = kpiRow(
      "all",
      totals({
        slaDue: 40,
        slaMet: 30,
        delivered: 1000,
        complaints: 20,
        repeatComplaints: 5,
        damage: 15,
        loss: 2,
      }),
    );
    expect(row.slaAttainment).toBe(0.75);
    expect(row.complaintRate).toBe(0.02);
    expect(row.repeatComplaintRate).toBe(0.25);
    expect(row.damageRate).toBe(0.015); // exactly at the 1.5 % target
    expect(row.lossRate).toBe(0.002);
  });

  it("reads response and acceptance times from their histograms", () => {
    const row = kpiRow(
      "team-a",
      totals(
        { firstResponses: 3 },
        {
          firstResponseMinutes: histogramOf([12, 45, 130]),
          acceptanceSeconds: histogramOf([30, 60, 90, 100]),
        },
      ),
    );
    expectNear(row.firstResponseMinutesP50, 45);
    expectNear(row.firstResponseMinutesP90, 130);
    expectNear(row.acceptanceSecondsP50, 60);
  });

  it("gives null for every KPI of empty totals, and every counter as 0", () => {
    const row = kpiRow("all", EMPTY_TOTALS);
    for (const name of RATIOS) expect(row[name], name).toBeNull();
    expect(row.key).toBe("all");
    expect(row.backlog).toBeNull();
    expect(row.counts).toEqual(Object.fromEntries(KPI_COUNTERS.map((name) => [name, 0])));
  });

  it("gives null for each KPI whose denominator is 0, whatever its numerator", () => {
    const row = kpiRow(
      "all",
      totals(
        {
          satisfied: 1,
          satisfactionSum: 5,
          promoters: 1,
          detractors: 1,
          followedUp: 1,
          resolved: 1,
          firstFollowUpResolved: 1,
          suggestionsAdopted: 1,
          slaMet: 1,
          complaints: 0,
          repeatComplaints: 1,
          damage: 1,
          loss: 1,
        },
        { firstResponseMinutes: {}, acceptanceSeconds: {}, followUpHours: {} },
      ),
    );
    for (const name of RATIOS)
      if (name !== "followUpTimeliness") expect(row[name], name).toBeNull();
    // followedUp is 1, so coverage (÷ followUpsDue = 0) is null but timeliness is 0 / 1.
    expect(row.followUpTimeliness).toBe(0);
  });

  it("gives 0, not null, for a numerator of 0 over a positive denominator", () => {
    const row = kpiRow("all", totals({ scored: 2, delivered: 10, opened: 3 }));
    expect(row.csat).toBe(0);
    expect(row.damageRate).toBe(0);
    expect(row.resolutionRate).toBe(0);
  });

  it("does not clamp: a numerator above its denominator (bad data) shows as a ratio above 1", () => {
    const row = kpiRow("all", totals({ opened: 2, resolved: 3, slaDue: 1, slaMet: 2 }));
    expect(row.resolutionRate).toBe(1.5);
    expect(row.slaAttainment).toBe(2);
  });

  it("passes the backlog through and lists every counter", () => {
    const backlog: Backlog = {
      byStatus: { queued: 2, in_progress: 1 },
      total: 3,
      oldestOpenedAt: "2026-03-01T02:00:00.000Z",
    };
    const row = kpiRow("delay", totals({ opened: 7 }), backlog);
    expect(row.backlog).toEqual(backlog);
    expect(row.counts.opened).toBe(7);
    expect(row.counts.loss).toBe(0);
    expect(Object.keys(row.counts)).toEqual([...KPI_COUNTERS]);
  });

  it("refuses a counter that is not a finite number", () => {
    expect(() => kpiRow("all", totals({ scored: Number.NaN }))).toThrow(RangeError);
    expect(() => kpiRow("all", totals({ delivered: Infinity }))).toThrow(RangeError);
  });
});

describe("histograms", () => {
  it("bucket 0 and tiny values apart, and positive values by log base 1.01", () => {
    expect(bucketOf(0)).toBe(ZERO_BUCKET);
    expect(bucketOf(0.0005)).toBe(ZERO_BUCKET);
    expect(bucketOf(1)).toBe("0"); // [1, 1.01): not the zero bucket
    expect(bucketOf(1.005)).toBe("0");
    expect(bucketOf(1.0101)).toBe("1");
    expect(bucketOf(10)).toBe("231"); // log(10) / log(1.01) = 231.4
    expect(bucketOf(0.1)).toBe("-232");
    expect(histogramOf([0, 0, 1, 10, 10])).toEqual({ [ZERO_BUCKET]: 2, "0": 1, "231": 2 });
  });

  it("refuse negative and non-finite values", () => {
    for (const bad of [-1, -0.0001, Number.NaN, Infinity, -Infinity]) {
      expect(() => bucketOf(bad), String(bad)).toThrow(RangeError);
      expect(() => histogramOf([1, bad]), String(bad)).toThrow(RangeError);
    }
  });

  it("refuse malformed buckets when merged or read", () => {
    const malformed: Histogram[] = [
      { x: 1 },
      { "1.5": 1 },
      { "-0": 1 },
      { "01": 1 },
      { "3": -1 },
      { "3": 0.5 },
    ];
    for (const bad of malformed)
      expect(() => mergeHistograms(bad), JSON.stringify(bad)).toThrow(RangeError);
    expect(() => percentile({ "3": Number.NaN }, 0.5)).toThrow(RangeError);
  });

  it("read percentiles within 1 % of the true nearest-rank value", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    const h = histogramOf(hundred);
    expectNear(percentile(h, 0.5), 50);
    expectNear(percentile(h, 0.9), 90);
    expectNear(percentile(h, 0.7), 70); // 0.7 × 100 is rank 70, despite floating point
    expectNear(percentile(h, 0.07), 7);
    expectNear(percentile(h, 0.991), 100);
    expectNear(percentile(h, 0), 1);
    expectNear(percentile(h, 1), 100);
    for (const p of [0.01, 0.25, 0.33, 0.5, 0.75, 0.95, 0.99])
      expectNear(percentile(h, p), exactPercentile(hundred, p));

    const minutes = histogramOf([12, 45, 130]);
    expectNear(percentile(minutes, 0.5), 45); // rank ceil(1.5) = 2
    expectNear(percentile(minutes, 0.9), 130); // rank ceil(2.7) = 3
    expectNear(percentile(minutes, 1 / 3), 12); // rank 1

    const spread = [0.002, 0.5, 3, 3, 3, 17.25, 480, 1e6];
    for (const p of [0, 0.1, 0.2, 0.5, 0.6, 0.8, 0.9, 1])
      expectNear(percentile(histogramOf(spread), p), exactPercentile(spread, p));
  });

  it("read a single value back, and zeros as exactly 0", () => {
    for (const p of [0, 0.5, 1]) expectNear(percentile(histogramOf([42]), p), 42);
    expect(percentile(histogramOf([0]), 0.5)).toBe(0);
    expect(percentile(histogramOf([0, 0, 0, 5]), 0.5)).toBe(0);
    expect(percentile(histogramOf([0, 0, 0, 5]), 0.75)).toBe(0);
    expectNear(percentile(histogramOf([0, 0, 0, 5]), 0.76), 5);
  });

  it("give null for an empty histogram and refuse a percentile outside 0..1", () => {
    expect(percentile({}, 0.5)).toBeNull();
    expect(percentile({ "5": 0 }, 0.5)).toBeNull();
    for (const bad of [-0.1, 1.1, Number.NaN])
      expect(() => percentile(histogramOf([1]), bad), String(bad)).toThrow(RangeError);
  });

  it("merge daily histograms into the histogram of all the values", () => {
    const days = [[12, 45, 130, 0], [3, 3, 7.5], [], [45, 44.9, 2000, 0.25]];
    const merged = mergeHistograms(...days.map(histogramOf));
    expect(merged).toEqual(histogramOf(days.flat()));
    expect(histogramCount(merged)).toBe(11);
    expect(mergeHistograms()).toEqual({});
    const all = days.flat();
    for (const p of [0.1, 0.5, 0.9]) {
      const exact = exactPercentile(all, p);
      expectNear(percentile(merged, p), exact);
    }
  });
});

describe("addTotals", () => {
  it("adds counters and merges histograms, keeping what only one side has", () => {
    const a = totals({ opened: 3, resolved: 1 }, { firstResponseMinutes: histogramOf([12, 45]) });
    const b = totals(
      { opened: 2, loss: 1 },
      { firstResponseMinutes: histogramOf([130]), followUpHours: histogramOf([4]) },
    );
    expect(addTotals(a, b)).toEqual({
      counts: { opened: 5, resolved: 1, loss: 1 },
      histograms: {
        firstResponseMinutes: histogramOf([12, 45, 130]),
        followUpHours: histogramOf([4]),
      },
    });
    expect(addTotals(EMPTY_TOTALS, a)).toEqual(a);
    expect(addTotals(a, EMPTY_TOTALS)).toEqual(a);
  });

  it("sums a period's days into the row of the period", () => {
    const days = [
      totals({ scored: 2, satisfied: 2 }, { firstResponseMinutes: histogramOf([10, 20]) }),
      totals({ scored: 2, satisfied: 1 }, { firstResponseMinutes: histogramOf([30]) }),
    ];
    const row = kpiRow("all", days.reduce(addTotals, EMPTY_TOTALS));
    expect(row.csat).toBe(0.75);
    expectNear(row.firstResponseMinutesP50, 20);
  });

  it("refuses a counter that is not a finite number", () => {
    expect(() => addTotals(totals({ opened: Number.NaN }), EMPTY_TOTALS)).toThrow(RangeError);
  });
});

describe("businessDayOf", () => {
  it("reads the local date in Shanghai across midnight", () => {
    expect(businessDayOf("2026-03-01T15:59:59Z", "Asia/Shanghai")).toBe("2026-03-01");
    expect(businessDayOf("2026-03-01T16:00:00Z", "Asia/Shanghai")).toBe("2026-03-02");
    expect(businessDayOf(new Date("2026-03-01T16:00:00Z"), "Asia/Shanghai")).toBe("2026-03-02");
    expect(businessDayOf("2026-03-02T00:30:00+08:00", "Asia/Shanghai")).toBe("2026-03-02");
    expect(businessDayOf("2026-12-31T16:30:00.123Z", "Asia/Shanghai")).toBe("2027-01-01");
  });

  it("follows Berlin's daylight-saving changes", () => {
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST; the day ends at 22:00 UTC.
    expect(businessDayOf("2026-03-28T22:59:59Z", "Europe/Berlin")).toBe("2026-03-28");
    expect(businessDayOf("2026-03-28T23:00:00Z", "Europe/Berlin")).toBe("2026-03-29");
    expect(businessDayOf("2026-03-29T21:59:59Z", "Europe/Berlin")).toBe("2026-03-29");
    expect(businessDayOf("2026-03-29T22:30:00Z", "Europe/Berlin")).toBe("2026-03-30");
    // 25 October 2026: clocks go back from 03:00 CEST to 02:00 CET; the day ends at 23:00 UTC.
    expect(businessDayOf("2026-10-24T22:00:00Z", "Europe/Berlin")).toBe("2026-10-25");
    expect(businessDayOf("2026-10-25T22:30:00Z", "Europe/Berlin")).toBe("2026-10-25");
    expect(businessDayOf("2026-10-25T23:00:00Z", "Europe/Berlin")).toBe("2026-10-26");
  });

  it("refuses an invalid instant, a reading without offset and an unknown time zone", () => {
    for (const bad of ["", "yesterday", "2026-03-01", "2026-03-01T12:00:00", "2026-13-01T00:00Z"])
      expect(() => businessDayOf(bad, "Asia/Shanghai"), bad).toThrow(RangeError);
    expect(() => businessDayOf(new Date(Number.NaN), "Asia/Shanghai")).toThrow(RangeError);
    expect(() => businessDayOf("2026-03-01T00:00:00Z", "Mars/Olympus")).toThrow(RangeError);
  });
});

describe("daysBetween", () => {
  it("lists every date, both ends included, across months, years and leap days", () => {
    expect(daysBetween("2026-03-01", "2026-03-01")).toEqual(["2026-03-01"]);
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
    expect(daysBetween("2028-02-28", "2028-03-01")).toEqual([
      "2028-02-28",
      "2028-02-29",
      "2028-03-01",
    ]);
    expect(daysBetween("2026-12-31", "2027-01-01")).toEqual(["2026-12-31", "2027-01-01"]);
    // 29 March 2026 (Berlin's short day) is a date like any other.
    expect(daysBetween("2026-03-28", "2026-03-30")).toHaveLength(3);
  });

  it(`accepts up to ${MAX_PERIOD_DAYS} days and refuses more`, () => {
    const days = daysBetween("2026-01-01", "2027-02-04");
    expect(days).toHaveLength(400);
    expect(days.at(-1)).toBe("2027-02-04");
    expect(() => daysBetween("2026-01-01", "2027-02-05")).toThrow(RangeError);
  });

  it("refuses a period ending before it starts, and malformed dates", () => {
    expect(() => daysBetween("2026-03-02", "2026-03-01")).toThrow(RangeError);
    for (const bad of ["", "2026-3-1", "2026-02-30", "2026-13-01", "20260301", "2026-03-01T00:00Z"])
      expect(() => daysBetween(bad, "2026-03-31"), bad).toThrow(RangeError);
    expect(() => daysBetween("2026-03-01", "2026-02-29")).toThrow(RangeError);
  });
});

describe("previousPeriod", () => {
  it("is the same number of days right before the period", () => {
    expect(previousPeriod("2026-03-01", "2026-03-31")).toEqual({
      from: "2026-01-29",
      to: "2026-02-28",
    });
    expect(previousPeriod("2026-01-01", "2026-01-01")).toEqual({
      from: "2025-12-31",
      to: "2025-12-31",
    });
    expect(previousPeriod("2028-03-01", "2028-03-07")).toEqual({
      from: "2028-02-23",
      to: "2028-02-29",
    });
    const { from, to } = previousPeriod("2026-01-01", "2027-02-04");
    expect(daysBetween(from, to)).toHaveLength(400);
    expect(to).toBe("2025-12-31");
  });

  it("refuses what daysBetween refuses", () => {
    expect(() => previousPeriod("2026-03-02", "2026-03-01")).toThrow(RangeError);
    expect(() => previousPeriod("2026-02-30", "2026-03-01")).toThrow(RangeError);
    expect(() => previousPeriod("2026-01-01", "2027-02-05")).toThrow(RangeError);
  });
});
