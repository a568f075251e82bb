// The one place that reads the time. In AWS it is the system clock; the local runtime moves
// it forward (POST /_local/clock) to test SLA and follow-up logic across hours and days.
let offsetMs = 0;
/** Set when the local runtime's clock stands still (freezeClock): the instant it stopped at. */
let frozenAtMs: number | null = null;
const nowMs = () => (frozenAtMs ?? Date.now()) + offsetMs;

export const clock = {
  now: (): Date => new Date(nowMs()),
  nowIso: (): string => new Date(nowMs()).toISOString(),
};

/**
 * Local runtime only: the clock stands still and moves only by advanceClock, so that what the
 * sweeps find and which deadlines have passed do not depend on how long real work takes (the
 * replay scenario compares two runs of different lengths).
 */
export function freezeClock(): void {
  frozenAtMs ??= Date.now();
}

/**
 * Local runtime only: time that passes in real time, moved with the clock: what the queues'
 * visibility timeouts and delays wait on, so that a retry comes back even on a frozen clock.
 * The same as `clock.now()` unless the clock is frozen.
 */
export function tickingNow(): number {
  return Date.now() + offsetMs;
}

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
