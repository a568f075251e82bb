// The one place that reads the time. In AWS it is the system clock; the local runtime moves
// it forward (POST /_local/clock) to test SLA and follow-up logic across hours and days.
let offsetMs = 0;

export const clock = {
  now: (): Date => new Date(Date.now() + offsetMs),
  nowIso: (): string => new Date(Date.now() + offsetMs).toISOString(),
};

/** Local runtime only: moves the clock forward by `ms`. */
export function advanceClock(ms: number): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("The clock only moves forward");
  offsetMs += ms;
  return clock.now();
}

/** Local runtime only: the current offset from the system clock (persisted across restarts). */
export function clockOffsetMs(): number {
  return offsetMs;
}

/**
 * Local runtime only, at start: restores a persisted offset so that the clock never shows a time
 * before `notBefore` (the last time it showed), even if the system clock went back meanwhile.
 */
export function restoreClock(savedOffsetMs: number, notBefore: number): Date {
  if (!Number.isFinite(savedOffsetMs) || !Number.isFinite(notBefore))
    throw new RangeError("The saved clock is not a number");
  offsetMs = Math.max(savedOffsetMs, notBefore - Date.now(), 0);
  return clock.now();
}
