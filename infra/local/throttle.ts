// API Gateway's stage throttling, played locally: a token bucket of `burstLimit` tokens refilled
// at `rateLimit` per second (wall-clock time, not the runtime's clock); a request that finds the
// bucket empty is answered 429 before any function runs.
export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface Throttle {
  /** Takes a token; false when none is left (the request gets 429). */
  take(): boolean;
}

export function tokenBucket(
  limits: ThrottleLimits,
  nowMs: () => number = () => performance.now(),
): Throttle {
  let tokens = limits.burstLimit;
  let last = nowMs();
  return {
    take() {
      const now = nowMs();
      tokens = Math.min(limits.burstLimit, tokens + ((now - last) / 1000) * limits.rateLimit);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
