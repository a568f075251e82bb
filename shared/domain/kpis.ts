// KPI math (../domain.md "KPIs", ../contract.md §3 "KPIs"): the counters and histograms that the
// aggregator sums per business day and group (team, category, channel), how two sums add up, and
// the KPI row that GET /v1/kpis returns for a sum. Also the calendar arithmetic of a reporting
// period: the business day of an instant, the days of a period and the period before it.
// Pure: no clock is read and no AWS is called. Time zones go through Intl.DateTimeFormat (no
// library) and are correct across daylight-saving changes.
//
// Durations (first response, acceptance, follow-up) are kept as mergeable log-bucket histograms,
// so that daily sums can be added into any period and their percentiles still read: bucket `i`
// holds the values in [γ^i, γ^(i+1)), γ = 1 + RELATIVE_ERROR, and reports its geometric midpoint
// γ^(i+½), within √γ − 1 ≈ 0.5 % (< RELATIVE_ERROR) of every value in it. A histogram is a plain
// map of string keys to counts, so the aggregator can store it as a DynamoDB map and ADD to it.

/** The counters summed per day and group; every KPI of a row is a quotient of two of them. */
export const KPI_COUNTERS = [
  "opened",
  "resolved",
  "complaints",
  "repeatComplaints",
  "damage",
  "loss",
  "delivered",
  "suggestions",
  "suggestionsAdopted",
  "slaDue",
  "slaMet",
  "followUpsDue",
  "followedUp",
  "followUpsOnTime",
  "followUpsUnreachable",
  "scored",
  "satisfied",
  "satisfactionSum",
  "npsAnswers",
  "promoters",
  "detractors",
  "firstFollowUps",
  "firstFollowUpResolved",
  "firstResponses",
] as const;

/** The name of a KPI counter. */
export type KpiCounter = (typeof KPI_COUNTERS)[number];

/**
 * The durations kept as histograms: minutes from case open to first agent response, seconds
 * from message or event to case opened, hours from follow-up trigger to follow-up.
 */
export const KPI_HISTOGRAMS = [
  "firstResponseMinutes",
  "acceptanceSeconds",
  "followUpHours",
] as const;

/** The name of a KPI histogram. */
export type KpiHistogramName = (typeof KPI_HISTOGRAMS)[number];

// ---- histograms ------------------------------------------------------------------------------

/**
 * A mergeable log-bucket histogram: bucket key → count of values in it. A key is ZERO_BUCKET for
 * 0 (and values below HISTOGRAM_MIN_VALUE), else the bucket index as a decimal integer string
 * (see bucketOf). Counts are non-negative integers; a histogram with no counts is empty.
 */
export type Histogram = Readonly<Record<string, number>>;

/** The relative width of a bucket: consecutive bucket bounds differ by a factor 1 + 0.01. */
export const RELATIVE_ERROR = 0.01;

/** Values below this (and 0) are counted in ZERO_BUCKET and reported as 0. */
export const HISTOGRAM_MIN_VALUE = 0.001;

/**
 * The key of the bucket of 0 (and of values below HISTOGRAM_MIN_VALUE). Not "0": that is the
 * key of the positive bucket [1, 1.01), since log(1) = 0.
 */
export const ZERO_BUCKET = "zero";

const LOG_GAMMA = Math.log(1 + RELATIVE_ERROR);
const INDEX_KEY = /^(0|-?[1-9]\d*)$/;

/**
 * The key of the bucket holding `value`: ZERO_BUCKET below HISTOGRAM_MIN_VALUE, else
 * `String(Math.floor(Math.log(value) / Math.log(1 + RELATIVE_ERROR)))` (e.g. "0" for 1, "231"
 * for 10, "-231" for 0.1). A negative or non-finite value is refused with a RangeError.
 */
export function bucketOf(value: number): string {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`A histogram value must be a finite number >= 0, not ${value}`);
  if (value < HISTOGRAM_MIN_VALUE) return ZERO_BUCKET;
  return String(Math.floor(Math.log(value) / LOG_GAMMA));
}

/** The histogram of some values (RangeError on a negative or non-finite one, as bucketOf). */
export function histogramOf(values: readonly number[]): Histogram {
  const h: Record<string, number> = {};
  for (const value of values) {
    const key = bucketOf(value);
    h[key] = (h[key] ?? 0) + 1;
  }
  return h;
}

/**
 * The sum of histograms, bucket by bucket: associative and commutative, `{}` the identity (a
 * bucket present with count 0 stays present). A key that is not a bucket key, or a count that is
 * not a non-negative integer, is refused with a RangeError.
 */
export function mergeHistograms(...hs: readonly Histogram[]): Histogram {
  const sum: Record<string, number> = {};
  for (const h of hs) {
    for (const [key, count] of Object.entries(h)) {
      checkBucket(key, count);
      sum[key] = (sum[key] ?? 0) + count;
    }
  }
  return sum;
}

/** The number of values in a histogram. */
export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const [key, count] of Object.entries(h)) {
    checkBucket(key, count);
    n += count;
  }
  return n;
}

/**
 * The nearest-rank percentile `p` (0..1) of the values counted: the value reported for the
 * smallest bucket whose cumulative count is at least `nearestRank(p, n)`. A bucket reports its
 * geometric midpoint (ZERO_BUCKET reports 0), so for values >= HISTOGRAM_MIN_VALUE the result is
 * within RELATIVE_ERROR (relative) of the true nearest-rank percentile. `null` for an empty
 * histogram; RangeError for `p` outside 0..1 or a malformed histogram (as mergeHistograms).
 */
export function percentile(h: Histogram, p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`A percentile must be within 0..1, not ${p}`);
  const buckets = Object.entries(h)
    .map(([key, count]) => {
      checkBucket(key, count);
      return { index: key === ZERO_BUCKET ? -Infinity : Number(key), count };
    })
    .filter((b) => b.count > 0)
    .sort((a, b) => a.index - b.index);
  const n = buckets.reduce((sum, b) => sum + b.count, 0);
  if (n === 0) return null;
  const rank = nearestRank(p, n);
  let cumulative = 0;
  for (const b of buckets) {
    cumulative += b.count;
    if (cumulative >= rank) return midpointOf(b.index);
  }
  return midpointOf(buckets.at(-1)!.index); // unreachable: the last cumulative count is n >= rank
}

/**
 * The nearest rank (1-based) of percentile `p` (0..1) among `n` >= 1 sorted values:
 * `max(1, ceil(p × n))`, where a product within a few ulps of an integer counts as that integer
 * (0.07 × 100 is 7.000000000000001 in floating point, and its rank is 7, not 8).
 */
export function nearestRank(p: number, n: number): number {
  const x = p * n;
  const whole = Math.round(x);
  const rank = Math.abs(x - whole) <= 4 * Number.EPSILON * Math.max(1, x) ? whole : Math.ceil(x);
  return Math.min(n, Math.max(1, rank));
}

function checkBucket(key: string, count: number): void {
  if (key !== ZERO_BUCKET && !(INDEX_KEY.test(key) && Number.isSafeInteger(Number(key))))
    throw new RangeError(`"${key}" is not a histogram bucket key`);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`Histogram bucket "${key}" has a count of ${count}, not an integer >= 0`);
}

/** The geometric midpoint of bucket `index` (0 for the zero bucket, capped to a finite number). */
function midpointOf(index: number): number {
  if (index === -Infinity) return 0;
  const mid = Math.exp((index + 0.5) * LOG_GAMMA);
  return Number.isFinite(mid) ? mid : Number.MAX_VALUE;
}

// ---- totals ----------------------------------------------------------------------------------

/**
 * What the aggregator sums per day and group, and the API adds up over a period: counters
 * (absent = 0) and histograms (absent = empty).
 */
export interface KpiTotals {
  readonly counts: Readonly<Partial<Record<KpiCounter, number>>>;
  readonly histograms: Readonly<Partial<Record<KpiHistogramName, Histogram>>>;
}

/** No counts and no histograms: the identity of addTotals. */
export const EMPTY_TOTALS: KpiTotals = Object.freeze({
  counts: Object.freeze({}),
  histograms: Object.freeze({}),
});

/**
 * The sum of two totals: counters added, histograms merged; commutative and associative, with
 * EMPTY_TOTALS as the identity. A counter or histogram absent from both stays absent. A counter
 * that is not a finite number is refused with a RangeError (histograms: as mergeHistograms).
 */
export function addTotals(a: KpiTotals, b: KpiTotals): KpiTotals {
  const counts: Partial<Record<KpiCounter, number>> = {};
  for (const name of KPI_COUNTERS) {
    const [x, y] = [a.counts[name], b.counts[name]];
    if (x === undefined && y === undefined) continue;
    counts[name] = counter(name, x) + counter(name, y);
  }
  const histograms: Partial<Record<KpiHistogramName, Histogram>> = {};
  for (const name of KPI_HISTOGRAMS) {
    const [x, y] = [a.histograms[name], b.histograms[name]];
    if (x === undefined && y === undefined) continue;
    histograms[name] = mergeHistograms(x ?? {}, y ?? {});
  }
  return { counts, histograms };
}

function counter(name: KpiCounter, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value))
    throw new RangeError(`KPI counter ${name} is ${value}, not a finite number`);
  return value;
}

// ---- the KPI row -----------------------------------------------------------------------------

/**
 * Open cases of a grouping, by status, in all, and the oldest one's opening instant (ISO 8601;
 * `null` with none open). Known for some groupings only (see kpiRow).
 */
export interface Backlog {
  readonly byStatus: Readonly<Record<string, number>>;
  readonly total: number;
  readonly oldestOpenedAt: string | null;
}

/**
 * A row of GET /v1/kpis. Ratios are 0..1 by definition and `null` when their denominator is 0;
 * `avgSatisfaction` is a mean score 1..5, `nps` a score −100..100, the rest are percentiles of
 * durations (minutes, seconds, hours), `null` without any value.
 */
export interface KpiRow {
  readonly key: string;
  readonly csat: number | null;
  readonly avgSatisfaction: number | null;
  readonly nps: number | null;
  readonly followUpCoverage: number | null;
  readonly followUpTimeliness: number | null;
  readonly followUpMedianHours: number | null;
  readonly resolutionRate: number | null;
  readonly firstFollowUpResolution: number | null;
  readonly suggestionAdoptionRate: number | null;
  readonly firstResponseMinutesP50: number | null;
  readonly firstResponseMinutesP90: number | null;
  readonly acceptanceSecondsP50: number | null;
  readonly slaAttainment: number | null;
  readonly complaintRate: number | null;
  readonly repeatComplaintRate: number | null;
  readonly damageRate: number | null;
  readonly lossRate: number | null;
  readonly backlog: Backlog | null;
  readonly counts: Readonly<Record<KpiCounter, number>>;
}

/**
 * The KPI row of some totals (../domain.md "KPIs"):
 * - csat = satisfied / scored; avgSatisfaction = satisfactionSum / scored;
 * - nps = (promoters − detractors) / npsAnswers × 100;
 * - followUpCoverage = followedUp / followUpsDue; followUpTimeliness = followUpsOnTime /
 *   followedUp; followUpMedianHours = the median of followUpHours;
 * - resolutionRate = resolved / opened; firstFollowUpResolution = firstFollowUpResolved /
 *   firstFollowUps; suggestionAdoptionRate = suggestionsAdopted / suggestions;
 * - firstResponseMinutesP50 / P90 and acceptanceSecondsP50: percentiles of those histograms;
 * - slaAttainment = slaMet / slaDue; complaintRate = complaints / delivered;
 *   repeatComplaintRate = repeatComplaints / complaints; damageRate = damage / delivered;
 *   lossRate = loss / delivered;
 * - backlog as given (the API knows it for some groupings only), counts: every counter, 0 when
 *   absent.
 * Every quotient is `null` when its denominator is 0. Nothing is clamped: a numerator above its
 * denominator (bad data, e.g. a fact counted twice) gives the true quotient, above 1, so that it
 * shows rather than hides. A counter that is not a finite number is refused with a RangeError.
 */
export function kpiRow(key: string, totals: KpiTotals, backlog: Backlog | null = null): KpiRow {
  const counts = Object.fromEntries(
    KPI_COUNTERS.map((name) => [name, counter(name, totals.counts[name])]),
  ) as Record<KpiCounter, number>;
  const c = counts;
  const h = totals.histograms;
  return {
    key,
    csat: quotient(c.satisfied, c.scored),
    avgSatisfaction: quotient(c.satisfactionSum, c.scored),
    nps: quotient((c.promoters - c.detractors) * 100, c.npsAnswers),
    followUpCoverage: quotient(c.followedUp, c.followUpsDue),
    followUpTimeliness: quotient(c.followUpsOnTime, c.followedUp),
    followUpMedianHours: percentileOf(h.followUpHours, 0.5),
    resolutionRate: quotient(c.resolved, c.opened),
    firstFollowUpResolution: quotient(c.firstFollowUpResolved, c.firstFollowUps),
    suggestionAdoptionRate: quotient(c.suggestionsAdopted, c.suggestions),
    firstResponseMinutesP50: percentileOf(h.firstResponseMinutes, 0.5),
    firstResponseMinutesP90: percentileOf(h.firstResponseMinutes, 0.9),
    acceptanceSecondsP50: percentileOf(h.acceptanceSeconds, 0.5),
    slaAttainment: quotient(c.slaMet, c.slaDue),
    complaintRate: quotient(c.complaints, c.delivered),
    repeatComplaintRate: quotient(c.repeatComplaints, c.complaints),
    damageRate: quotient(c.damage, c.delivered),
    lossRate: quotient(c.loss, c.delivered),
    backlog,
    counts,
  };
}

/** `numerator / denominator`, `null` when the denominator is 0; never clamped. */
export function quotient(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

const percentileOf = (h: Histogram | undefined, p: number) => (h ? percentile(h, p) : null);

// ---- reporting periods -----------------------------------------------------------------------

/** The longest period daysBetween and previousPeriod accept, in days (both ends included). */
export const MAX_PERIOD_DAYS = 400;

const DAY = 86_400_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The local date (YYYY-MM-DD) of an instant in an IANA time zone, e.g. the business day on which
 * a fact is counted. A string must be an ISO 8601 instant with its offset ("…Z" or "…+08:00"): a
 * date alone or a reading without offset would depend on the machine's time zone, and is refused
 * with a RangeError, as are an invalid Date and an unknown time zone.
 */
export function businessDayOf(at: Date | string, timeZone: string): string {
  if (typeof at === "string" && !ISO_INSTANT.test(at))
    throw new RangeError(`"${at}" is not an ISO 8601 instant with an offset`);
  const t = new Date(at).getTime();
  if (Number.isNaN(t)) throw new RangeError(`Invalid instant: ${String(at)}`);
  const p = { year: "", month: "", day: "" };
  for (const part of dateFormatter(timeZone).formatToParts(t)) {
    if (part.type in p) p[part.type as keyof typeof p] = part.value;
  }
  return `${p.year.padStart(4, "0")}-${p.month}-${p.day}`;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-CA", {
        timeZone,
        calendar: "gregory",
        numberingSystem: "latn",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      });
    } catch {
      throw new RangeError(`Unknown time zone "${timeZone}"`);
    }
    dateFormatters.set(timeZone, f);
  }
  return f;
}

/**
 * Every date from `from` to `to`, both included, in order. RangeError for a malformed date (not
 * an existing YYYY-MM-DD), `to` before `from`, or more than MAX_PERIOD_DAYS dates.
 */
export function daysBetween(from: string, to: string): string[] {
  const [a, b] = period(from, to);
  return Array.from({ length: b - a + 1 }, (_, i) => dateOfDay(a + i));
}

/**
 * The period of the same length ending the day before `from`, to compare a period with
 * ("change against the previous period"): 2026-03-01..2026-03-31 → 2026-01-29..2026-02-28.
 * RangeError as daysBetween.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const [a, b] = period(from, to);
  const length = b - a + 1;
  return { from: dateOfDay(a - length), to: dateOfDay(a - 1) };
}

/** The day numbers of a period, checked. */
function period(from: string, to: string): [number, number] {
  const [a, b] = [dayOfDate(from, "from"), dayOfDate(to, "to")];
  if (b < a) throw new RangeError(`The period ends (${to}) before it starts (${from})`);
  if (b - a + 1 > MAX_PERIOD_DAYS)
    throw new RangeError(
      `The period ${from}..${to} has ${b - a + 1} days, more than ${MAX_PERIOD_DAYS}`,
    );
  return [a, b];
}

/** A date as days since 1970-01-01, refusing anything but an existing YYYY-MM-DD. */
function dayOfDate(text: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY
    : Number.NaN;
  if (!match || dateOfDay(day) !== text)
    throw new RangeError(`${field} "${text}" is not a date as YYYY-MM-DD`);
  return day;
}

function dateOfDay(day: number): string {
  const d = new Date(day * DAY);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 10);
}
