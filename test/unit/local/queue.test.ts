import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LocalQueue, type LocalQueueOptions } from "#infra/local/queue.ts";

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

/** A runtime clock that only moves when told to. */
function fakeClock(start = T0) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

type Consumer = LocalQueueOptions["consumer"];

const queues: LocalQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.stop()));
});

/** A queue recording every batch its consumer receives; `respond` decides each outcome. */
function makeQueue(
  overrides: Partial<LocalQueueOptions> = {},
  respond: (event: SQSEvent, call: number) => ReturnType<Consumer> = async () => undefined,
) {
  const batches: SQSRecord[][] = [];
  const errors: unknown[] = [];
  const queue = new LocalQueue({
    name: "intake",
    batchSize: 10,
    maxBatchingWindowMs: 5,
    visibilityTimeoutMs: 60_000,
    maxReceiveCount: 3,
    now: fakeClock().now,
    consumer: (event) => {
      batches.push(event.Records);
      return respond(event, batches.length);
    },
    onError: (error, name) => errors.push({ error, name }),
    ...overrides,
  });
  queues.push(queue);
  return { queue, batches, errors };
}

const bodies = (batch: readonly SQSRecord[] | undefined) =>
  (batch ?? []).map((record) => record.body);

/** Waits until the consumer has settled everything it received (nothing visible or in flight). */
async function settled(queue: LocalQueue) {
  await vi.waitFor(
    () => {
      const stats = queue.stats();
      expect(stats.inFlight + stats.visible).toBe(0);
    },
    { timeout: 500, interval: 1 },
  );
}

describe("LocalQueue", () => {
  it("has a well-formed ARN and URL", () => {
    const { queue } = makeQueue({ region: "eu-west-1", accountId: "123456789012" });
    expect(queue.name).toBe("intake");
    expect(queue.arn).toBe("arn:aws:sqs:eu-west-1:123456789012:intake");
    expect(queue.url).toBe("http://127.0.0.1/123456789012/intake");
    expect(makeQueue().queue.arn).toBe("arn:aws:sqs:us-east-1:000000000000:intake");
  });

  it("hands Lambda-shaped SQS records to the consumer", async () => {
    const clock = fakeClock();
    const { queue, batches } = makeQueue({ now: clock.now });
    const body = JSON.stringify({ hello: "wörld" });
    const messageId = queue.send(body, { traceId: "t-1" });
    clock.advance(250);
    queue.start();
    await queue.idle(500);

    expect(messageId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const [record] = batches[0] ?? [];
    expect(record).toEqual({
      messageId,
      receiptHandle: expect.any(String),
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(T0),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: String(T0 + 250),
      },
      messageAttributes: {
        traceId: {
          stringValue: "t-1",
          stringListValues: [],
          binaryListValues: [],
          dataType: "String",
        },
      },
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfBody: createHash("md5").update(body, "utf8").digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:intake",
      awsRegion: "us-east-1",
    });
    expect(record?.receiptHandle.length).toBeGreaterThan(20);
  });

  it("batches up to batchSize records, in send order", async () => {
    const { queue, batches } = makeQueue({ batchSize: 3 });
    for (const n of [1, 2, 3, 4, 5, 6, 7]) queue.send(`m${n}`);
    queue.start();
    await queue.idle(500);

    expect(batches.map(bodies)).toEqual([["m1", "m2", "m3"], ["m4", "m5", "m6"], ["m7"]]);
    expect(queue.stats()).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
      deadLetters: 0,
      delivered: 7,
    });
  });

  it("collects messages sent within the batching window into one batch", async () => {
    const { queue, batches } = makeQueue({ batchSize: 10, maxBatchingWindowMs: 20 });
    queue.start();
    queue.send("a");
    queue.send("b");
    queue.send("c");
    await queue.idle(500);
    expect(batches.map(bodies)).toEqual([["a", "b", "c"]]);
  });

  it("delivers a full batch without waiting for the batching window", async () => {
    const { queue, batches } = makeQueue({ batchSize: 2, maxBatchingWindowMs: 60_000 });
    queue.start();
    queue.send("a");
    queue.send("b");
    await queue.idle(500); // would time out if the 60 s window were awaited
    expect(batches.map(bodies)).toEqual([["a", "b"]]);
  });

  it.each([
    ["undefined", undefined],
    ["an empty batchItemFailures list", { batchItemFailures: [] }],
  ])("deletes the whole batch when the consumer answers %s", async (_label, answer) => {
    const { queue, batches, errors } = makeQueue(
      {},
      async () => answer as SQSBatchResponse | undefined,
    );
    queue.send("a");
    queue.send("b");
    queue.start();
    await queue.idle(500);
    expect(batches).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it("returns only the items a partial batch response names", async () => {
    const clock = fakeClock();
    const { queue, batches } = makeQueue({ now: clock.now }, async (event, call) =>
      call === 1
        ? { batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId as string }] }
        : undefined,
    );
    queue.send("a");
    const failing = queue.send("b");
    queue.send("c");
    queue.start();
    await settled(queue);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, delayed: 1 });

    clock.advance(60_000);
    queue.poke();
    await queue.idle(500);
    expect(batches.map(bodies)).toEqual([["a", "b", "c"], ["b"]]);
    expect(batches[1]?.[0]?.messageId).toBe(failing);
  });

  it("returns the whole batch when the consumer throws, and reports the error", async () => {
    const clock = fakeClock();
    const boom = new Error("boom");
    const { queue, batches, errors } = makeQueue({ now: clock.now }, async (_event, call) => {
      if (call === 1) throw boom;
    });
    queue.send("a");
    queue.send("b");
    queue.start();
    await settled(queue);
    expect(queue.stats()).toMatchObject({ delayed: 2, deadLetters: 0 });
    expect(errors).toEqual([{ error: boom, name: "intake" }]);

    clock.advance(60_000);
    queue.poke();
    await queue.idle(500);
    expect(batches.map(bodies)).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(batches[1]?.map((record) => record.attributes.ApproximateReceiveCount)).toEqual([
      "2",
      "2",
    ]);
  });

  it("also returns the whole batch when the consumer throws synchronously", async () => {
    const { queue, errors } = makeQueue({
      consumer: () => {
        throw new Error("sync boom");
      },
    });
    queue.send("a");
    queue.start();
    await settled(queue);
    expect(queue.stats()).toMatchObject({ delayed: 1, delivered: 1 });
    expect(errors).toHaveLength(1);
  });

  it("redelivers after the visibility timeout on real timers, counting receives", async () => {
    // A clock that moves with real time, like the runtime's: the redelivery needs no poke.
    const { queue, batches } = makeQueue(
      { now: () => Date.now(), visibilityTimeoutMs: 15 },
      async (_event, call) => {
        if (call === 1) throw new Error("first attempt fails");
      },
    );
    const messageId = queue.send("a");
    queue.start();
    await queue.idle(1_000);

    expect(batches).toHaveLength(2);
    const [first, second] = batches.map((batch) => batch[0] as SQSRecord);
    expect(second?.messageId).toBe(messageId);
    expect(first?.attributes.ApproximateReceiveCount).toBe("1");
    expect(second?.attributes.ApproximateReceiveCount).toBe("2");
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(second?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first?.attributes.ApproximateFirstReceiveTimestamp,
    );
  });

  it("redelivers at once when poked after the clock jumped past the visibility timeout", async () => {
    const clock = fakeClock();
    const { queue, batches } = makeQueue(
      { now: clock.now, visibilityTimeoutMs: 3_600_000 },
      async (_event, call) => {
        if (call === 1) throw new Error("fails once");
      },
    );
    queue.send("a");
    queue.start();
    await settled(queue);

    queue.poke(); // the clock has not moved: nothing to redeliver
    await sleep(10);
    expect(batches).toHaveLength(1);

    clock.advance(3_600_000);
    queue.poke();
    await queue.idle(500); // an hour of visibility timeout, no real waiting
    expect(batches.map(bodies)).toEqual([["a"], ["a"]]);
  });

  it("moves a message to the dead-letter queue on the receive that would exceed maxReceiveCount", async () => {
    const clock = fakeClock();
    const { queue, batches } = makeQueue({ now: clock.now, maxReceiveCount: 2 }, async () => {
      throw new Error("always fails");
    });
    const messageId = queue.send("poison", { kind: "test" });
    queue.start();
    for (let attempt = 1; attempt <= 2; attempt++) {
      await settled(queue);
      expect(batches).toHaveLength(attempt);
      clock.advance(60_000);
      queue.poke();
    }
    await queue.idle(500);

    expect(batches).toHaveLength(2);
    expect(queue.deadLetters.messages).toEqual([
      {
        messageId,
        body: "poison",
        messageAttributes: { kind: "test" },
        receiveCount: 2,
        movedAt: T0 + 120_000,
        reason: "maxReceiveCount 2 exceeded; last failure: always fails",
      },
    ]);
    expect(queue.stats()).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
      deadLetters: 1,
      delivered: 2,
    });
  });

  it.each([
    ["is not in the batch", "not-a-message-id"],
    ["is empty", ""],
    ["is null", null],
  ])("fails the whole batch when an itemIdentifier %s", async (_label, itemIdentifier) => {
    const clock = fakeClock();
    const { queue, batches, errors } = makeQueue({ now: clock.now }, async (_event, call) =>
      call === 1 ? ({ batchItemFailures: [{ itemIdentifier }] } as SQSBatchResponse) : undefined,
    );
    queue.send("a");
    queue.send("b");
    queue.start();
    await settled(queue);
    expect(queue.stats()).toMatchObject({ delayed: 2 });
    expect(errors).toEqual([
      {
        error: expect.objectContaining({ message: expect.stringMatching(/whole batch/) }),
        name: "intake",
      },
    ]);

    clock.advance(60_000);
    queue.poke();
    await queue.idle(500);
    expect(batches.map(bodies)).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
  });

  it("keeps every message: each ends deleted after success or in the dead-letter queue", async () => {
    const clock = fakeClock();
    // Deterministic failures: message n fails while its receive count is at most n mod 4 (so with
    // maxReceiveCount 3, every n ≡ 3 mod 4 is dead-lettered), and a first delivery of a batch
    // headed by a multiple of 5 throws.
    const succeeded = new Set<string>();
    const { queue } = makeQueue(
      { now: clock.now, batchSize: 4, maxBatchingWindowMs: 1 },
      async (event) => {
        const receives = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount);
        const head = event.Records[0] as SQSRecord;
        if (Number(head.body) % 5 === 0 && receives(head) === 1)
          throw new Error("whole batch fails");
        const failures = event.Records.filter(
          (record) => receives(record) <= Number(record.body) % 4,
        );
        for (const record of event.Records)
          if (!failures.includes(record)) succeeded.add(record.messageId);
        return {
          batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })),
        };
      },
    );
    const sent = Array.from({ length: 20 }, (_, n) => queue.send(String(n + 1)));
    queue.start();
    for (
      let round = 0;
      round < 10 && queue.stats().deadLetters + succeeded.size < sent.length;
      round++
    ) {
      await settled(queue);
      clock.advance(60_000);
      queue.poke();
    }
    await queue.idle(500);

    const dead = queue.deadLetters.messages.map((message) => message.messageId);
    expect(dead.length).toBeGreaterThan(0);
    expect(dead.filter((id) => succeeded.has(id))).toEqual([]);
    expect(new Set([...dead, ...succeeded])).toEqual(new Set(sent));
  });

  it("idle() resolves at once when there is nothing to do", async () => {
    const { queue } = makeQueue();
    await expect(queue.idle(1)).resolves.toBeUndefined();
  });

  it("idle() rejects after its timeout, listing what is pending", async () => {
    const clock = fakeClock();
    const { queue } = makeQueue({ now: clock.now }, async (_event, call) => {
      if (call === 1) throw new Error("fails");
    });
    const waiting = queue.send("first");
    queue.start();
    await settled(queue);
    await queue.stop();
    const visible = queue.send("second");

    const error = await queue.idle(20).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /^Queue intake not idle after 20 ms \(queue is stopped\): 1 visible, 0 in flight, 1 waiting/,
    );
    expect(error?.message).toContain(
      `${waiting}: invisible until ${new Date(T0 + 60_000).toISOString()}`,
    );
    expect(error?.message).toContain(`${visible}: visible, received 0×, body "second"`);
  });

  it("stop() waits for the in-flight batch, then delivers nothing more until started again", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { queue, batches } = makeQueue({ maxBatchingWindowMs: 1 }, async (_event, call) => {
      if (call === 1) await gate;
    });
    queue.send("a");
    queue.start();
    await vi.waitFor(() => expect(queue.stats().inFlight).toBe(1), { timeout: 500, interval: 1 });

    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await sleep(5);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(queue.stats()).toMatchObject({ inFlight: 0, visible: 0, delayed: 0 });

    queue.send("b");
    await sleep(30);
    expect(batches.map(bodies)).toEqual([["a"]]);
    expect(queue.stats()).toMatchObject({ visible: 1 });

    queue.start();
    await queue.idle(500);
    expect(batches.map(bodies)).toEqual([["a"], ["b"]]);
  });

  it("records messages sent straight to the dead-letter queue", () => {
    const clock = fakeClock();
    const { queue } = makeQueue({ now: clock.now });
    const id = queue.deadLetters.send('{"x":1}', { rejectionReason: "invalid" }, "invalid");
    expect(queue.deadLetters.messages).toEqual([
      {
        messageId: id,
        body: '{"x":1}',
        messageAttributes: { rejectionReason: "invalid" },
        receiveCount: 0,
        movedAt: T0,
        reason: "invalid",
      },
    ]);
    expect(queue.stats().deadLetters).toBe(1);
  });

  it("refuses invalid options", () => {
    expect(() => makeQueue({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => makeQueue({ batchSize: 11, maxBatchingWindowMs: 0 })).toThrow(/batchSize/);
    expect(() => makeQueue({ batchSize: 10_001, maxBatchingWindowMs: 20 })).toThrow(/batchSize/);
    expect(() => makeQueue({ batchSize: 100, maxBatchingWindowMs: 20 })).not.toThrow();
    expect(() => makeQueue({ maxReceiveCount: 0 })).toThrow(/maxReceiveCount/);
    expect(() => makeQueue({ visibilityTimeoutMs: -1 })).toThrow(/visibilityTimeoutMs/);
  });
});
