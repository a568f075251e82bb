// Durable local queues: what a queue acknowledged is there again after the process is gone —
// a new queue over the same journal starts with it — and a torn last write is ignored.
import { appendFileSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LocalQueue } from "#infra/local/queue.ts";
import { QueueJournal } from "#infra/local/queue-journal.ts";

const now = () => Date.UTC(2026, 10, 23, 2, 0, 0);
const open: LocalQueue[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.stop()));
});

function journalPath(): string {
  return join(mkdtempSync(join(tmpdir(), "journal-")), "queues.journal");
}

function queueOn(
  journal: QueueJournal,
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse | undefined> = async () => undefined,
  name = "intake",
) {
  const queue = new LocalQueue({
    name,
    batchSize: 10,
    maxBatchingWindowMs: 0,
    visibilityTimeoutMs: 60_000,
    maxReceiveCount: 2,
    now,
    consumer,
    journal,
  });
  open.push(queue);
  return queue;
}

describe("a durable local queue", () => {
  it("keeps sent messages across a restart, in order, with their receive counts", async () => {
    const path = journalPath();
    const first = queueOn(new QueueJournal({ path }), async (event) => ({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    }));
    first.send("a");
    first.send("b");
    first.start();
    await vi.waitFor(() => expect(first.stats().delivered).toBe(2));
    await first.stop();
    // The process "dies" here: nothing is closed or flushed.

    const seen: SQSEvent[] = [];
    const second = queueOn(new QueueJournal({ path }), async (event) => {
      seen.push(event);
      return undefined;
    });
    expect(second.stats()).toMatchObject({ visible: 2, inFlight: 0, delayed: 0 });
    second.start();
    await vi.waitFor(() => expect(second.stats().visible + second.stats().inFlight).toBe(0));
    expect(seen[0]?.Records.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([
      ["a", "2"],
      ["b", "2"],
    ]);
    // Deleted messages stay deleted.
    const third = queueOn(new QueueJournal({ path }));
    expect(third.stats().visible).toBe(0);
  });

  it("makes messages that were in flight at the crash visible again at once", async () => {
    const path = journalPath();
    let release: () => void = () => undefined;
    const stuck = queueOn(
      new QueueJournal({ path }),
      () => new Promise((resolve) => (release = () => resolve(undefined))),
    );
    stuck.send("in flight");
    stuck.start();
    await vi.waitFor(() => expect(stuck.stats().inFlight).toBe(1));

    const restarted = queueOn(new QueueJournal({ path }));
    expect(restarted.stats()).toMatchObject({ visible: 1, inFlight: 0 });
    release();
  });

  it("keeps dead letters and their reasons, and redrives them durably", async () => {
    const path = journalPath();
    const failing = queueOn(new QueueJournal({ path }), async () => {
      throw new Error("bug");
    });
    failing.deadLetters.send("poison", { rejectionReason: "bad detail" }, "bad detail");
    failing.send("fails twice");
    failing.start();
    // Receive 1 and 2 fail; the 3rd receive moves it (maxReceiveCount 2) — after its timeout,
    // which this test skips by restarting: restored messages are visible at once.
    await vi.waitFor(() => expect(failing.stats().delivered).toBe(1));
    await failing.stop();
    const again = queueOn(new QueueJournal({ path }), async () => {
      throw new Error("bug");
    });
    again.start();
    await vi.waitFor(() => expect(again.stats().delivered).toBe(1));
    await again.stop();
    const last = queueOn(new QueueJournal({ path }), async () => {
      throw new Error("bug");
    });
    last.start();
    await vi.waitFor(() => expect(last.stats().deadLetters).toBe(2));
    await last.stop();

    const reopened = queueOn(new QueueJournal({ path }));
    expect(reopened.deadLetters.messages.map((d) => [d.body, d.reason])).toEqual([
      ["poison", "bad detail"],
      ["fails twice", "maxReceiveCount 2 exceeded"],
    ]);
    expect(reopened.redrive()).toBe(2);
    const afterRedrive = queueOn(new QueueJournal({ path }));
    expect(afterRedrive.deadLetters.messages).toHaveLength(0);
    expect(afterRedrive.stats().visible).toBe(2);
  });

  it("enqueues the messages of one request for several queues in one write", () => {
    const path = journalPath();
    const journal = new QueueJournal({ path });
    const intake = queueOn(journal, undefined, "intake");
    const other = queueOn(journal, undefined, "classification");
    const a = intake.prepare("to intake");
    const b = other.prepare("to classification");
    journal.append({
      t: "send",
      to: [
        { q: "intake", m: a },
        { q: "classification", m: b },
      ],
    });
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const reopened = new QueueJournal({ path });
    expect(reopened.restored("intake").messages.map((m) => m.body)).toEqual(["to intake"]);
    expect(reopened.restored("classification").messages.map((m) => m.body)).toEqual([
      "to classification",
    ]);
  });

  it("ignores a last line torn by a crash mid-write (it was never acknowledged)", () => {
    const path = journalPath();
    const queue = queueOn(new QueueJournal({ path }));
    queue.send("whole");
    appendFileSync(path, '{"t":"send","to":[{"q":"intake","m":{"id":"x","bo');
    const reopened = queueOn(new QueueJournal({ path }));
    expect(reopened.stats().visible).toBe(1);
  });

  it("compacts: a reopened journal holds only what is alive", async () => {
    const path = journalPath();
    const queue = queueOn(new QueueJournal({ path }));
    for (let i = 0; i < 50; i++) queue.send(`message ${i} ${"x".repeat(200)}`);
    queue.start();
    await vi.waitFor(() => expect(queue.stats().visible + queue.stats().inFlight).toBe(0));
    const before = statSync(path).size;
    new QueueJournal({ path });
    expect(statSync(path).size).toBeLessThan(before / 10);
  });
});
