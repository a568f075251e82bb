// The local stage throttling: a token bucket, as API Gateway's.
import { describe, expect, it } from "vitest";
import { tokenBucket } from "#infra/local/throttle.ts";

describe("tokenBucket", () => {
  it("lets a burst through, then refuses until time refills it at the rate", () => {
    let now = 0;
    const bucket = tokenBucket({ rateLimit: 10, burstLimit: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
    now += 99; // 0.99 of a token
    expect(bucket.take()).toBe(false);
    now += 2;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it("never holds more than the burst, however long it was idle", () => {
    let now = 0;
    const bucket = tokenBucket({ rateLimit: 100, burstLimit: 2 }, () => now);
    now += 60_000;
    expect([1, 2, 3].map(() => bucket.take())).toEqual([true, true, false]);
  });
});
