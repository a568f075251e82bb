// Properties of the KPI math, over random totals and random duration values: daily totals add up
// in any order and grouping (EMPTY_TOTALS changes nothing), so the aggregator and the API may sum
// days as they come; histograms of days merge into the histogram of the period; a percentile read
// from a histogram is within RELATIVE_ERROR of the exact nearest-rank percentile of the values
// (and exactly 0 when that is 0); every KPI of a row is null or a finite number, never NaN.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addTotals,
  EMPTY_TOTALS,
  HISTOGRAM_MIN_VALUE,
  histogramOf,
  KPI_COUNTERS,
  KPI_HISTOGRAMS,
  kpiRow,
  type KpiTotals,
  mergeHistograms,
  nearestRank,
  percentile,
  RELATIVE_ERROR,
} from "#shared/domain/kpis.ts";

const runs = { numRuns: 200 };

/** A duration: a positive value from the histogram floor to a billion, or sometimes 0. */
const positive = fc.double({ min: HISTOGRAM_MIN_VALUE, max: 1e9, noNaN: true });
const value = fc.oneof(
  { arbitrary: positive, weight: 4 },
  { arbitrary: fc.constant(0), weight: 1 },
);
const values = fc.array(value, { maxLength: 60 });
/** Values drawn from a few distinct ones, so that buckets hold several values. */
const clustered = fc
  .array(positive, { minLength: 1, maxLength: 5 })
  .chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 60 }));
const probability = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 0.5, 0.9, 0.99, 1),
);

const totals: fc.Arbitrary<KpiTotals> = fc.record({
  counts: fc.record(
    Object.fromEntries(KPI_COUNTERS.map((name) => [name, fc.nat({ max: 1_000_000 })])),
    { requiredKeys: [] },
  ),
  histograms: fc.record(
    Object.fromEntries(KPI_HISTOGRAMS.map((name) => [name, values.map(histogramOf)])),
    { requiredKeys: [] },
  ),
});

function exactPercentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[nearestRank(p, sorted.length) - 1]!;
}

describe("addTotals", () => {
  it("is commutative", () => {
    fc.assert(
      fc.property(totals, totals, (a, b) => {
        expect(addTotals(a, b)).toEqual(addTotals(b, a));
      }),
      runs,
    );
  });

  it("is associative", () => {
    fc.assert(
      fc.property(totals, totals, totals, (a, b, c) => {
        expect(addTotals(addTotals(a, b), c)).toEqual(addTotals(a, addTotals(b, c)));
      }),
      runs,
    );
  });

  it("has EMPTY_TOTALS as its identity", () => {
    fc.assert(
      fc.property(totals, (a) => {
        expect(addTotals(EMPTY_TOTALS, a)).toEqual(a);
        expect(addTotals(a, EMPTY_TOTALS)).toEqual(a);
      }),
      runs,
    );
  });
});

describe("histograms", () => {
  it("merge into the histogram of all the values", () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        expect(mergeHistograms(histogramOf(a), histogramOf(b))).toEqual(histogramOf([...a, ...b]));
      }),
      runs,
    );
  });

  it("give percentiles within RELATIVE_ERROR of the exact nearest-rank percentile", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          values.filter((xs) => xs.length > 0),
          clustered,
        ),
        probability,
        (xs, p) => {
          const exact = exactPercentile(xs, p);
          const estimate = percentile(histogramOf(xs), p);
          if (exact === 0) expect(estimate).toBe(0);
          else {
            const error = Math.abs(estimate! - exact) / exact;
            expect(error).toBeLessThanOrEqual(RELATIVE_ERROR);
            // The geometric midpoint of a bucket is within √(1 + RELATIVE_ERROR) − 1 of its values.
            expect(error).toBeLessThanOrEqual(Math.sqrt(1 + RELATIVE_ERROR) - 1 + 1e-9);
          }
        },
      ),
      runs,
    );
  });

  it("give the same percentiles for days merged in any order", () => {
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 6 }), probability, (days, p) => {
        const forward = mergeHistograms(...days.map(histogramOf));
        const backward = mergeHistograms(...days.map(histogramOf).reverse());
        expect(percentile(forward, p)).toBe(percentile(backward, p));
      }),
      runs,
    );
  });
});

describe("kpiRow", () => {
  it("gives every KPI as null or a finite number", () => {
    fc.assert(
      fc.property(totals, (t) => {
        const row = kpiRow("all", t);
        for (const [name, v] of Object.entries(row)) {
          if (name === "key" || name === "counts" || name === "backlog") continue;
          expect(v === null || (typeof v === "number" && Number.isFinite(v)), name).toBe(true);
        }
        for (const name of KPI_COUNTERS) expect(row.counts[name]).toBe(t.counts[name] ?? 0);
      }),
      runs,
    );
  });
});
