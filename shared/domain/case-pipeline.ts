// Self-healing (../architecture.md "Self-healing"): a case should leave status `new` within
// seconds, classified and then routed. One that is still `new` minutes after it opened has lost
// a step (a message dead-lettered by a bug, a crash between a write and its event); the sweeper
// re-drives the missing step. Re-drives back off so that a case that keeps failing does not
// flood its dead-letter queue. Pure: the time is passed in.
import type { Case } from "./case.ts";

/** A new case is looked at by the sweeper this long after it opened. */
export const STALLED_AFTER_MINUTES = 5;
/** Re-drives of one case are at least this far apart at most (the backoff's cap). */
export const MAX_REDRIVE_INTERVAL_MINUTES = 60;

const MINUTE = 60_000;

export type PipelineStep = "classify" | "route";

/** The step a stalled case is missing, or null when it is not stalled (it has moved on). */
export function missingStep(c: Pick<Case, "status" | "classifiedAt">): PipelineStep | null {
  if (c.status !== "new") return null;
  return c.classifiedAt ? "route" : "classify";
}

/** When the sweeper first looks at a new case. */
export function firstCheckAt(createdAt: string): string {
  return new Date(Date.parse(createdAt) + STALLED_AFTER_MINUTES * MINUTE).toISOString();
}

/** After the n-th re-drive (1-based): 5, 10, 20, 40, then every 60 minutes. */
export function nextCheckAfterRedrive(redrives: number, now: Date): string {
  const minutes = Math.min(
    STALLED_AFTER_MINUTES * 2 ** Math.max(0, redrives - 1),
    MAX_REDRIVE_INTERVAL_MINUTES,
  );
  return new Date(now.getTime() + minutes * MINUTE).toISOString();
}

/**
 * The case's re-drive record after one more re-drive at `now`, or null when it needs none: it
 * moved on, or its next check is not due yet (the sweep's index is only eventually consistent).
 */
export function nextRedrive(
  c: Pick<Case, "status" | "classifiedAt" | "redrive">,
  now: Date,
): { readonly count: number; readonly nextCheckAt: string } | null {
  if (!missingStep(c)) return null;
  const due = c.redrive?.nextCheckAt;
  if (due && Date.parse(due) > now.getTime()) return null;
  const count = (c.redrive?.count ?? 0) + 1;
  return { count, nextCheckAt: nextCheckAfterRedrive(count, now) };
}
