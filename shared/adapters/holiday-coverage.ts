// Warns operators, ahead of time, that a team calendar's holiday data is missing or provisional
// for this year or the next (shared/domain/holiday-coverage.ts): a metric each call, to alarm on,
// and one warning log line per region and year for the life of the process (the sweeper calls
// this every minute; the metric keeps the signal, the log does not repeat it).
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { type CalendarSpec, calendarRegionsOf } from "#shared/domain/calendar-spec.ts";
import { type HolidayCoverageFinding, holidayCoverage } from "#shared/domain/holiday-coverage.ts";
import { logger, metrics } from "./powertools.ts";

const METRIC_NAMES = {
  missing: "HolidayCalendarMissing",
  provisional: "HolidayCalendarProvisional",
} as const;

/** Region-years already logged by this process. */
const logged = new Set<string>();

/** Reports the findings for the regions the given team calendars use, and returns them. */
export function reportHolidayCoverage(
  now: Date,
  specs: readonly (CalendarSpec | undefined)[],
): readonly HolidayCoverageFinding[] {
  const findings = holidayCoverage(now, specs.flatMap(calendarRegionsOf));
  for (const finding of findings) {
    emitMetric(finding);
    logOnce(finding);
  }
  return findings;
}

/** A single metric: the `region` dimension must not stick to the caller's other metrics. */
function emitMetric({ region, year, status }: HolidayCoverageFinding): void {
  const single = metrics.singleMetric();
  single.addDimension("region", region);
  single.addMetadata("year", String(year));
  single.addMetric(METRIC_NAMES[status], MetricUnit.Count, 1);
}

function logOnce(finding: HolidayCoverageFinding): void {
  const key = `${finding.region}/${finding.year}`;
  if (logged.has(key)) return;
  logged.add(key);
  logger.warn(warningOf(finding), { ...finding, file: `shared/calendars/${key}.json` });
}

function warningOf({ region, year, status }: HolidayCoverageFinding): string {
  return status === "missing"
    ? `No holiday calendar for ${region} ${year}: its public holidays count as working days in SLA clocks until shared/calendars/${region}/${year}.json is added`
    : `The ${region} ${year} holiday calendar is provisional (statutory days only, no bridging or make-up days): replace shared/calendars/${region}/${year}.json with the official notice`;
}
