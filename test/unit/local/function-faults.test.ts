import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  FunctionFaultInjector,
  InjectedFaultError,
  parseFunctionFaults,
  resolveFunctionFaults,
} from "#infra/local/function-faults.ts";
import { LocalQueue, type LocalQueueOptions } from "#infra/local/queue.ts";

const consumers = [
  { name: "intake", timeoutSeconds: 20 },
  { name: "kpis", timeoutSeconds: 20 },
];

const batch = (n: number): SQSEvent => ({
  Records: Array.from({ length: n }, (_, i) => ({ messageId: `m${i}` }) as SQSRecord),
});

/** Invokes `times` batches of `size`; what the handler saw and how each invocation ended. */
async function run(injector: FunctionFaultInjector, name: string, times: number, size = 4) {
  const outcomes: string[] = [];
  for (let i = 0; i < times; i++) {
    const seen: number[] = [];
    const outcome = await injector
      .invoke(name, batch(size), async (event) => {
        seen.push(event.Records.length);
        return { batchItemFailures: [] };
      })
      .then(
        () => "ok",
        (error: InjectedFaultError) => `${error.fault}:${error.message}`,
      );
    outcomes.push(`${seen.join("+") || "-"} ${outcome}`);
  }
  return outcomes;
}

describe("parseFunctionFaults (LOCAL_FAULTS)", () => {
  it("reads function:kind=probability entries, * for every consumer", () => {
    expect(parseFunctionFaults("intake:throw=0.2, assignment:timeout=0.1,*:throw=0.05,")).toEqual({
      intake: { throw: 0.2 },
      assignment: { timeout: 0.1 },
      "*": { throw: 0.05 },
    });
    expect(parseFunctionFaults("")).toEqual({});
  });

  it("refuses what it cannot read", () => {
    expect(() => parseFunctionFaults("intake=0.2")).toThrow(/<function>:<kind>=<probability>/);
    expect(() => parseFunctionFaults("intake:crash=0.2")).toThrow(/throw, timeout/);
  });
});

describe("resolveFunctionFaults", () => {
  const names = consumers.map((c) => c.name);

  it("expands * and lets a function's own rate win", () => {
    const resolved = resolveFunctionFaults(
      { "*": { throw: 0.1, timeout: 0.2 }, kpis: { throw: 0.5 } },
      names,
    );
    expect(Object.fromEntries(resolved)).toEqual({
      intake: { throw: 0.1, timeout: 0.2 },
      kpis: { throw: 0.5, timeout: 0.2 },
    });
  });

  it("refuses a function that consumes no queue, a bad probability, or rates over 1", () => {
    expect(() => resolveFunctionFaults({ api: { throw: 0.1 } }, names)).toThrow(/queue consumers/);
    expect(() => resolveFunctionFaults({ intake: { throw: 1.5 } }, names)).toThrow(/\[0, 1\]/);
    expect(() => resolveFunctionFaults({ intake: { throw: 0.6, timeout: 0.6 } }, names)).toThrow(
      /must not exceed 1/,
    );
  });
});

describe("FunctionFaultInjector", () => {
  it("with no faults invokes every batch whole", async () => {
    const injector = new FunctionFaultInjector({ consumers, seed: 1 });
    expect(await run(injector, "intake", 3)).toEqual(["4 ok", "4 ok", "4 ok"]);
    expect(injector.injected()).toEqual({});
  });

  it("throws before the handler (nothing done) or after it (all done), both kinds", async () => {
    const injector = new FunctionFaultInjector({
      consumers,
      seed: 7,
      faults: { intake: { throw: 1 } },
    });
    const outcomes = await run(injector, "intake", 40);
    const before = outcomes.filter((o) => o.includes("throw-before"));
    const after = outcomes.filter((o) => o.includes("throw-after"));
    expect(before.length + after.length).toBe(40);
    expect(before.length).toBeGreaterThan(5);
    expect(after.length).toBeGreaterThan(5);
    for (const o of before)
      expect(o).toMatch(/^- throw-before:injected fault: intake crashed before/);
    for (const o of after) expect(o).toMatch(/^4 throw-after:injected fault: intake crashed after/);
    expect(injector.injected()).toEqual({
      intake: { "throw-before": before.length, "throw-after": after.length, timeout: 0 },
    });
  });

  it("times out after a prefix of the batch, as Lambda words it", async () => {
    const injector = new FunctionFaultInjector({
      consumers,
      seed: 3,
      faults: { kpis: { timeout: 1 } },
    });
    const outcomes = await run(injector, "kpis", 40);
    const done = new Set<number>();
    for (const o of outcomes) {
      const match =
        /^(\d|-) timeout:Task timed out after 20\.00 seconds \(injected fault: kpis stopped after (\d) of 4 records\)$/.exec(
          o,
        );
      expect(match, o).not.toBeNull();
      const [, seen, k] = match as unknown as [string, string, string];
      expect(seen === "-" ? "0" : seen).toBe(k);
      done.add(Number(k));
    }
    expect(done).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it("draws the same faults for the same seed, per function, and set() turns them off", async () => {
    const make = (seed: number) =>
      new FunctionFaultInjector({
        consumers,
        seed,
        faults: { "*": { throw: 0.3, timeout: 0.2 } },
      });
    const a = make(42);
    const b = make(42);
    // Another function's invocations in between do not shift intake's draws.
    await run(b, "kpis", 5);
    expect(await run(a, "intake", 30)).toEqual(await run(b, "intake", 30));
    expect(await run(make(43), "intake", 30)).not.toEqual(await run(make(42), "intake", 30));
    a.set(undefined);
    expect(a.active.size).toBe(0);
    expect(new Set(await run(a, "intake", 10))).toEqual(new Set(["4 ok"]));
    expect(() => a.set({ nobody: { throw: 0.1 } })).toThrow(/queue consumers/);
  });
});

describe("a dead letter's reason", () => {
  const queues: LocalQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop()));
  });

  function queueWith(consumer: (event: SQSEvent) => Promise<unknown>) {
    let time = Date.UTC(2026, 0, 5);
    const queue = new LocalQueue({
      name: "intake",
      batchSize: 10,
      maxBatchingWindowMs: 1,
      visibilityTimeoutMs: 1_000,
      maxReceiveCount: 2,
      now: () => time,
      consumer: consumer as LocalQueueOptions["consumer"],
    });
    queues.push(queue);
    return {
      queue,
      /** Lets the visibility timeouts pass until the message is dead-lettered. */
      async untilDead() {
        queue.start();
        await vi.waitFor(
          () => {
            time += 1_000;
            queue.poke();
            expect(queue.stats().deadLetters).toBe(1);
          },
          { timeout: 5_000, interval: 20 },
        );
        return queue.deadLetters.messages[0]?.reason;
      },
    };
  }

  it("names the last failure: the injected fault's message", async () => {
    const injector = new FunctionFaultInjector({
      consumers,
      seed: 1,
      faults: { intake: { timeout: 1 } },
    });
    const { queue, untilDead } = queueWith((event) =>
      injector.invoke("intake", event, async () => undefined),
    );
    queue.send("a");
    expect(await untilDead()).toMatch(
      /^maxReceiveCount 2 exceeded; last failure: Task timed out after 20\.00 seconds \(injected fault: intake stopped after [01] of 1 records\)$/,
    );
    expect(queue.totals()).toEqual({
      accepted: 1,
      deleted: 0,
      movedToDeadLetters: 1,
      sentToDeadLetters: 0,
      redriven: 0,
    });
  });

  it("says so when the consumer reported the record in batchItemFailures, masking personal data", async () => {
    const { queue, untilDead } = queueWith(async (event) => ({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    }));
    queue.send("a");
    expect(await untilDead()).toBe(
      "maxReceiveCount 2 exceeded; last failure: the consumer reported it failed (batchItemFailures; its error is in the function's log)",
    );

    const thrown = queueWith(async () => {
      throw new Error("call 13812345678 failed");
    });
    thrown.queue.send("b");
    const reason = await thrown.untilDead();
    expect(reason).toMatch(/^maxReceiveCount 2 exceeded; last failure: call 138\*+5678 failed$/);
  });
});
