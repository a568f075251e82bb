// Which holiday data is about to be needed but missing, or only provisional (the statutory days
// without the State Council's bridging and make-up days): a year nobody has filed yet would
// silently count its public holidays as working days, and SLA clocks would run through them.
// Pure: the instant is passed in; the holiday files are bundled data (shared/calendars/).
import { holidayYear } from "../calendars/index.ts";

export interface HolidayCoverageFinding {
  readonly region: string;
  readonly year: number;
  /** "missing": no file for the year; "provisional": a file with the statutory days only. */
  readonly status: "missing" | "provisional";
}

const DAY = 86_400_000;

/**
 * For each region, the current year (UTC) and the next one when it starts within `leadDays` of
 * `now`: those without an official file. Ordered by region, then year; each region once.
 */
export function holidayCoverage(
  now: Date,
  regions: readonly string[],
  leadDays = 60,
): readonly HolidayCoverageFinding[] {
  const years = yearsNeeded(now, leadDays);
  return [...new Set(regions)].sort().flatMap((region) =>
    years.flatMap((year): HolidayCoverageFinding[] => {
      const status = holidayYear(region, year)?.status ?? "missing";
      return status === "official" ? [] : [{ region, year, status }];
    }),
  );
}

function yearsNeeded(now: Date, leadDays: number): readonly number[] {
  if (Number.isNaN(now.getTime())) throw new RangeError("Invalid Date given as now");
  if (!Number.isFinite(leadDays) || leadDays < 0)
    throw new RangeError(`Lead days must be a finite number >= 0, not ${leadDays}`);
  const year = now.getUTCFullYear();
  const nextStartsIn = Date.UTC(year + 1, 0, 1) - now.getTime();
  return nextStartsIn <= leadDays * DAY ? [year, year + 1] : [year];
}
