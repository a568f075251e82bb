// The local runtime's frozen clock (the replay scenario's): it stands still and moves only when
// moved, while the time the queues wait on keeps passing. Its own file: freezing is for the
// whole module, as it is for the whole local runtime process.
import { describe, expect, it } from "vitest";
import { advanceClock, clock, freezeClock, tickingNow } from "#shared/adapters/clock.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the clock", () => {
  it("follows real time until frozen, then moves only when advanced; the queues' time keeps passing", async () => {
    const before = clock.now().getTime();
    await pause(25);
    expect(clock.now().getTime()).toBeGreaterThan(before);
    expect(Math.abs(tickingNow() - clock.now().getTime())).toBeLessThan(5);

    freezeClock();
    const frozen = clock.now().getTime();
    const ticking = tickingNow();
    await pause(25);
    expect(clock.now().getTime()).toBe(frozen);
    expect(tickingNow()).toBeGreaterThan(ticking);

    advanceClock(60_000);
    expect(clock.now().getTime()).toBe(frozen + 60_000);
    expect(tickingNow()).toBeGreaterThanOrEqual(ticking + 60_000);
    expect(clock.nowIso()).toBe(new Date(frozen + 60_000).toISOString());
  });
});
