// ISO-8601 durations for POST /_local/clock: weeks, days, hours, minutes, seconds (PT2H, P1DT30M).
// Months and years have no fixed length, so they are refused rather than guessed.
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The longest text read as a duration (a longer one is refused without being parsed). */
const MAX_TEXT_LENGTH = 64;

export function parseDuration(text: string): number {
  const match = text.length <= MAX_TEXT_LENGTH ? PATTERN.exec(text) : null;
  if (!match || text === "P" || text.endsWith("T")) {
    const shown =
      text.length <= MAX_TEXT_LENGTH ? `"${text}"` : `A text of ${text.length} characters`;
    throw new RangeError(
      `${shown} is not an ISO-8601 duration of weeks, days, hours, minutes or seconds (e.g. PT2H, P1DT30M)`,
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

/** The most one POST /_local/clock may move the clock: a year and a day, leap years included. */
export const MAX_CLOCK_ADVANCE = "P366D";
const MAX_CLOCK_ADVANCE_MS = 366 * 86_400_000;

/** A clock advance in whole milliseconds, PT0S to MAX_CLOCK_ADVANCE; RangeError otherwise. */
export function parseClockAdvance(text: string): number {
  const ms = Math.round(parseDuration(text));
  if (!(ms <= MAX_CLOCK_ADVANCE_MS)) {
    throw new RangeError(
      `"${text}" is more than the clock may move in one call (at most ${MAX_CLOCK_ADVANCE})`,
    );
  }
  return ms;
}
