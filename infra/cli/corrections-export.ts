// What `npm run -s corrections` prints, kept apart from its I/O so it can be tested.
import type { CorrectionRecord } from "#shared/adapters/case-store.ts";

/** Longest range one export reads (one Query per day). */
export const MAX_EXPORT_DAYS = 400;

/** The UTC days from `since` to `until`, both included; a RangeError for a bad range. */
export function correctionDays(since: string | undefined, until: string): string[] {
  const from = dayNumber(since, "--since");
  const to = dayNumber(until, "--until");
  if (to < from) throw new RangeError("--until is before --since");
  if (to - from + 1 > MAX_EXPORT_DAYS)
    throw new RangeError(`At most ${MAX_EXPORT_DAYS} days per export`);
  const days: string[] = [];
  for (let d = from; d <= to; d++) days.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
  return days;
}

function dayNumber(text: string | undefined, flag: string): number {
  const t = text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== text)
    throw new RangeError(`${flag} needs a date as YYYY-MM-DD`);
  return t / 86_400_000;
}

/** One labelled line in the samples' format, or null when the correction concerned no text. */
export function exportLine(record: CorrectionRecord, mask: (text: string) => string) {
  if (!record.text) return null;
  return {
    text: mask(record.text),
    channel: record.channel,
    context: record.context,
    expected: record.expected,
    was: record.from,
    caseId: record.caseId,
    correctedBy: record.by,
    correctedAt: record.at,
  };
}
