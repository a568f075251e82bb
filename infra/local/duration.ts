// ISO-8601 durations for POST /_local/clock: weeks, days, hours, minutes, seconds (PT2H, P1DT30M).
// Months and years have no fixed length, so they are refused rather than guessed.
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string): number {
  const match = PATTERN.exec(text);
  if (!match || text === "P" || text.endsWith("T")) {
    throw new RangeError(
      `"${text}" is not an ISO-8601 duration of weeks, days, hours, minutes or seconds (e.g. PT2H, P1DT30M)`,
    );
  }
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return (
    ((((weeks as number) * 7 + (days as number)) * 24 + (hours as number)) * 60 +
      (minutes as number)) *
      60_000 +
    (seconds as number) * 1000
  );
}
