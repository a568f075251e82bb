// An in-process SQS standard queue with its dead-letter queue, drained the way a Lambda SQS event
// source mapping with ReportBatchItemFailures drains it: batches of up to batchSize records after
// a batching window, partial batch responses, visibility timeouts, receive counts and redrive.
//
// Deliberate local simplifications (for a deterministic runtime):
// - One batch in flight per queue at a time. The next batch is received only once the consumer
//   has settled the previous one, so a handler never races itself on the same queue.
// - While a batch is in flight its messages stay invisible even if the consumer outlives the
//   visibility timeout (SQS would redeliver them concurrently). A message the consumer fails
//   becomes visible again at receive time + visibilityTimeoutMs, as in SQS.
// - Messages are received in send order (SQS standard does not promise it, but tests read better).
// - Redrive happens on receive, as in SQS: a visible message whose receive count already equals
//   maxReceiveCount moves to the dead-letter queue instead of being delivered again. Its reason
//   names the last failure (the consumer's error, or its batchItemFailures), which SQS keeps only
//   in the function's logs.
import { randomBytes, randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";
import { maskFreeText } from "#shared/domain/masking.ts";
import type { JournalMessage, QueueJournal } from "./queue-journal.ts";
import { md5, md5OfStringAttributes } from "./sqs-digests.ts";

export interface LocalQueueOptions {
  /** Logical name, e.g. "intake". */
  name: string;
  /** Max records per invocation (1..10). */
  batchSize: number;
  /** Real time to wait for a full batch once a message is visible. */
  maxBatchingWindowMs: number;
  /** A received message is invisible this long (runtime clock); redelivered after if not deleted. */
  visibilityTimeoutMs: number;
  /** On the receive that would exceed this, the message moves to the DLQ instead. */
  maxReceiveCount: number;
  /**
   * The runtime clock (epoch ms) as it passes in real time (tickingNow: it keeps passing when the
   * runtime's clock is frozen); may jump forward (see poke).
   */
  now: () => number;
  /** An SQS handler: it may resolve to a batch response, or to nothing (all succeeded). */
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse | void | undefined>;
  /** For eventSourceARN and awsRegion; default "us-east-1". */
  region?: string;
  /** For the ARN and URL; default "000000000000". */
  accountId?: string;
  /** The consumer threw, or answered with a response that fails the whole batch. */
  onError?: (err: unknown, queueName: string) => void;
  /**
   * Makes the queue durable: every change is journaled before it takes effect, and the queue
   * starts with what the journal holds for it. Messages that were in flight when the process
   * died are visible again at once (their consumer is gone), with their receive counts.
   */
  journal?: QueueJournal;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  messageAttributes: Record<string, string>;
  receiveCount: number;
  movedAt: number;
  reason: string;
}

export interface LocalQueueStats {
  /** Receivable now. */
  visible: number;
  /** In the batch the consumer is processing. */
  inFlight: number;
  /** Received, not deleted, waiting for the visibility timeout to expire. */
  delayed: number;
  deadLetters: number;
  /** Records handed to the consumer so far (a redelivery counts again). */
  delivered: number;
}

/**
 * What became of the messages since the queue was created: every accepted message is deleted
 * (its invocation succeeded for it), moved to the dead-letter queue, or still pending.
 */
export interface LocalQueueTotals {
  /** Sent, restored from the journal, or redriven. */
  accepted: number;
  deleted: number;
  /** Moved to the dead-letter queue after maxReceiveCount receives. */
  movedToDeadLetters: number;
  /** Sent to the dead-letter queue directly (a consumer rejecting a poison message). */
  sentToDeadLetters: number;
  /** Dead letters moved back to the queue (each also counts as accepted). */
  redriven: number;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Record<string, string>;
  readonly sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  receiptHandle?: string;
  /** Runtime-clock time from which the message is receivable (receive time + visibility timeout). */
  invisibleUntil: number;
  inFlight: boolean;
  /** Why the last receive failed (the consumer's error, masked): the dead letter's reason. */
  lastFailure?: string;
}

interface IdleWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** IAM principal id shown as the sender (the form of the AWS documentation's examples). */
const SENDER_ID = "AIDAIENQZJOLO23YVJ4VO";
/** setTimeout's largest delay; longer waits are re-armed when the timer fires. */
const MAX_TIMER_MS = 2_147_483_647;
const PENDING_LISTED = 10;

export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly deadLetters: {
    readonly messages: readonly DeadLetter[];
    send(body: string, messageAttributes?: Record<string, string>, reason?: string): string;
  };

  private readonly options: LocalQueueOptions;
  private readonly region: string;
  /** Every message not yet deleted or dead-lettered, in send order. */
  private readonly messages = new Map<string, Message>();
  private readonly dead: DeadLetter[] = [];
  private delivered = 0;
  private readonly ledger: LocalQueueTotals = {
    accepted: 0,
    deleted: 0,
    movedToDeadLetters: 0,
    sentToDeadLetters: 0,
    redriven: 0,
  };
  private running = false;
  private batch: Promise<void> | undefined;
  /** Fires at the end of the batching window (or at once when a batch is full). */
  private pumpTimer: NodeJS.Timeout | undefined;
  private pumpDueAt = 0;
  /** Fires at the next visibility deadline. */
  private wakeTimer: NodeJS.Timeout | undefined;
  private idleWaiters: IdleWaiter[] = [];

  constructor(options: LocalQueueOptions) {
    if (!options.name) throw new RangeError("LocalQueue: name is required");
    // Lambda's limits for a standard queue: up to 10,000, above 10 with a batching window.
    requireInteger(options.name, "batchSize", options.batchSize, 1, 10_000);
    if (options.batchSize > 10 && options.maxBatchingWindowMs <= 0)
      throw new RangeError(`${options.name}: a batchSize above 10 needs a maxBatchingWindowMs`);
    requireInteger(options.name, "maxReceiveCount", options.maxReceiveCount, 1, 1000);
    requireNonNegative(options.name, "maxBatchingWindowMs", options.maxBatchingWindowMs);
    requireNonNegative(options.name, "visibilityTimeoutMs", options.visibilityTimeoutMs);
    this.options = options;
    this.name = options.name;
    this.region = options.region ?? "us-east-1";
    const accountId = options.accountId ?? "000000000000";
    this.arn = `arn:aws:sqs:${this.region}:${accountId}:${options.name}`;
    this.url = `http://127.0.0.1/${accountId}/${options.name}`;
    const dead = this.dead;
    const now = options.now;
    const journal = options.journal;
    const name = options.name;
    const ledger = this.ledger;
    this.deadLetters = {
      messages: dead,
      send(body, messageAttributes = {}, reason = "sent to the dead-letter queue directly") {
        requireBody(name, body);
        const letter: DeadLetter = {
          messageId: randomUUID(),
          body,
          messageAttributes: { ...messageAttributes },
          receiveCount: 0,
          movedAt: now(),
          reason,
        };
        journal?.append({ t: "dlq", q: name, d: toJournalDeadLetter(letter) });
        dead.push(letter);
        ledger.sentToDeadLetters++;
        return letter.messageId;
      },
    };
    if (journal) this.restore(journal);
  }

  private restore(journal: QueueJournal): void {
    const { messages, deadLetters } = journal.restored(this.name);
    this.accept(messages);
    for (const d of deadLetters) {
      this.dead.push({
        messageId: d.id,
        body: d.body,
        messageAttributes: { ...d.attrs },
        receiveCount: d.rc,
        movedAt: d.movedAt,
        reason: d.reason,
      });
    }
  }

  /** SendMessage: the message is visible at once (no delay seconds). Returns its MessageId. */
  send(body: string, messageAttributes: Record<string, string> = {}): string {
    const message = this.prepare(body, messageAttributes);
    this.options.journal?.append({ t: "send", to: [{ q: this.name, m: message }] });
    this.accept([message]);
    return message.id;
  }

  /**
   * A message for this queue, validated but not sent: the runtime journals the messages of one
   * PutEvents request for all queues in one write, then hands each queue its own (accept).
   */
  prepare(body: string, messageAttributes: Record<string, string> = {}): JournalMessage {
    requireBody(this.name, body);
    for (const [name, value] of Object.entries(messageAttributes)) {
      if (typeof value !== "string")
        throw new TypeError(`Queue ${this.name}: message attribute ${name} must be a string`);
    }
    return { id: randomUUID(), body, attrs: { ...messageAttributes }, sentAt: this.options.now() };
  }

  /** Enqueues prepared messages (already journaled by the caller when the queue is durable). */
  accept(messages: readonly JournalMessage[]): void {
    for (const m of messages) {
      this.messages.set(m.id, {
        messageId: m.id,
        body: m.body,
        md5OfBody: md5(Buffer.from(m.body, "utf8")),
        messageAttributes: { ...m.attrs },
        sentAt: m.sentAt,
        receiveCount: m.rc ?? 0,
        invisibleUntil: Number.NEGATIVE_INFINITY,
        inFlight: false,
      });
    }
    this.ledger.accepted += messages.length;
    this.schedule();
  }

  /**
   * Moves every dead letter back to this queue as a new message with a fresh receive count (what
   * an SQS message move task does). Returns how many moved.
   */
  redrive(): number {
    if (this.dead.length === 0) return 0;
    const letters = this.dead.splice(0, this.dead.length);
    const messages = letters.map((d) => this.prepare(d.body, d.messageAttributes));
    this.options.journal?.append({
      t: "redrive",
      q: this.name,
      ids: letters.map((d) => d.messageId),
      m: messages,
    });
    this.accept(messages);
    this.ledger.redriven += messages.length;
    return messages.length;
  }

  /** Enables the event source mapping: visible messages start flowing to the consumer. */
  start(): void {
    this.running = true;
    this.schedule();
  }

  /** Disables delivery and clears the timers; resolves once the in-flight batch (if any) settled. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearPump();
    this.clearWake();
    await this.batch;
  }

  /** The runtime clock jumped forward: re-evaluate visibility deadlines now. */
  poke(): void {
    this.schedule();
  }

  /**
   * Resolves once no message is visible, in flight or waiting for its visibility timeout (all are
   * deleted or dead-lettered). Rejects after timeoutMs (real time) with what is still pending.
   */
  idle(timeoutMs = 10_000): Promise<void> {
    if (this.messages.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: IdleWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
          reject(new Error(this.pendingReport(timeoutMs)));
        }, timeoutMs),
      };
      this.idleWaiters.push(waiter);
    });
  }

  stats(): LocalQueueStats {
    const now = this.options.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (message.inFlight) inFlight++;
      else if (message.invisibleUntil <= now) visible++;
      else delayed++;
    }
    return { visible, inFlight, delayed, deadLetters: this.dead.length, delivered: this.delivered };
  }

  totals(): LocalQueueTotals {
    return { ...this.ledger };
  }

  /** Re-evaluates the state after any change: settles idle waiters and arms the timers it needs. */
  private schedule(): void {
    this.settleIdleWaiters();
    if (!this.running || this.batch) return; // a settled batch calls schedule() again
    const now = this.options.now();
    let visible = 0;
    let nextDeadline = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) {
      if (message.invisibleUntil <= now) visible++;
      else nextDeadline = Math.min(nextDeadline, message.invisibleUntil);
    }
    this.clearWake();
    if (nextDeadline !== Number.POSITIVE_INFINITY) {
      // Real time until the deadline on the runtime clock. If that clock does not move with real
      // time (a frozen test clock), the timer fires, finds nothing due and re-arms: no busy loop.
      const delay = Math.min(MAX_TIMER_MS, Math.max(1, nextDeadline - now));
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.schedule();
      }, delay).unref();
    }
    if (visible === 0) {
      this.clearPump();
      return;
    }
    // A full batch goes at once (still asynchronously: never from inside send()); otherwise the
    // batching window opened by the first visible message runs to its end.
    this.armPump(visible >= this.options.batchSize ? 0 : this.options.maxBatchingWindowMs);
  }

  private armPump(delayMs: number): void {
    const dueAt = performance.now() + delayMs;
    if (this.pumpTimer && this.pumpDueAt <= dueAt) return;
    this.clearPump();
    this.pumpDueAt = dueAt;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.receiveBatch();
    }, delayMs).unref();
  }

  /** ReceiveMessage as the event source mapping does it, then one invocation of the consumer. */
  private receiveBatch(): void {
    if (!this.running || this.batch) return;
    const now = this.options.now();
    const received: Message[] = [];
    for (const message of this.messages.values()) {
      if (received.length >= this.options.batchSize) break;
      if (message.inFlight || message.invisibleUntil > now) continue;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.moveToDeadLetters(
          message,
          `maxReceiveCount ${this.options.maxReceiveCount} exceeded` +
            (message.lastFailure ? `; last failure: ${message.lastFailure}` : ""),
          now,
        );
        continue;
      }
      message.receiveCount++;
      message.firstReceiveAt ??= now;
      message.receiptHandle = receiptHandle();
      message.invisibleUntil = now + this.options.visibilityTimeoutMs;
      message.inFlight = true;
      received.push(message);
    }
    if (received.length === 0) {
      this.schedule();
      return;
    }
    this.options.journal?.append({
      t: "recv",
      q: this.name,
      ids: received.map((m) => m.messageId),
    });
    this.delivered += received.length;
    const event: SQSEvent = { Records: received.map((message) => this.record(message)) };
    this.batch = this.invoke(event, received).finally(() => {
      this.batch = undefined;
      this.schedule();
    });
  }

  /** Never rejects: every outcome ends with each received message deleted or back on the queue. */
  private async invoke(event: SQSEvent, received: readonly Message[]): Promise<void> {
    let failed: ReadonlySet<string>;
    try {
      const response = await this.options.consumer(event);
      const outcome = failedItems(response, received);
      if (outcome.error) this.reportError(outcome.error);
      failed = outcome.failed;
      const why = outcome.error
        ? failureText(outcome.error)
        : "the consumer reported it failed (batchItemFailures; its error is in the function's log)";
      for (const message of received) if (failed.has(message.messageId)) message.lastFailure = why;
    } catch (error) {
      this.reportError(error);
      failed = new Set(received.map((message) => message.messageId));
      const why = failureText(error);
      for (const message of received) message.lastFailure = why;
    }
    const done = received.filter((message) => !failed.has(message.messageId));
    try {
      if (done.length)
        this.options.journal?.append({ t: "del", q: this.name, ids: done.map((m) => m.messageId) });
    } catch (error) {
      // Not journaled: the messages stay and are delivered again (at least once), never lost.
      this.reportError(error);
      for (const message of received) message.inFlight = false;
      return;
    }
    for (const message of received) {
      message.inFlight = false;
      // A failed message keeps its visibility deadline (receive time + timeout) and comes back then.
      if (!failed.has(message.messageId)) {
        this.messages.delete(message.messageId);
        this.ledger.deleted++;
      }
    }
  }

  private reportError(error: unknown): void {
    try {
      this.options.onError?.(error, this.name);
    } catch {
      // A failing error reporter must not lose messages.
    }
  }

  private moveToDeadLetters(message: Message, reason: string, now: number): void {
    this.options.journal?.append({
      t: "dead",
      q: this.name,
      id: message.messageId,
      reason,
      at: now,
    });
    this.messages.delete(message.messageId);
    this.ledger.movedToDeadLetters++;
    this.dead.push({
      messageId: message.messageId,
      body: message.body,
      messageAttributes: { ...message.messageAttributes },
      receiveCount: message.receiveCount,
      movedAt: now,
      reason,
    });
  }

  /** The record exactly as Lambda hands it over for an SQS event source. */
  private record(message: Message): SQSRecord {
    const names = Object.keys(message.messageAttributes);
    const messageAttributes: SQSMessageAttributes = {};
    for (const name of names) {
      messageAttributes[name] = {
        stringValue: message.messageAttributes[name],
        stringListValues: [],
        binaryListValues: [],
        dataType: "String",
      };
    }
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle as string,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: SENDER_ID,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
      },
      messageAttributes,
      ...(names.length
        ? { md5OfMessageAttributes: md5OfStringAttributes(message.messageAttributes) }
        : {}),
      md5OfBody: message.md5OfBody,
      eventSource: "aws:sqs",
      eventSourceARN: this.arn,
      awsRegion: this.region,
    };
  }

  private settleIdleWaiters(): void {
    if (this.messages.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  private pendingReport(timeoutMs: number): string {
    const { visible, inFlight, delayed } = this.stats();
    const now = this.options.now();
    const lines = [...this.messages.values()].slice(0, PENDING_LISTED).map((message) => {
      const state = message.inFlight
        ? "in flight"
        : message.invisibleUntil <= now
          ? "visible"
          : `invisible until ${new Date(message.invisibleUntil).toISOString()} (runtime clock)`;
      return `  ${message.messageId}: ${state}, received ${message.receiveCount}×, body ${preview(message.body)}`;
    });
    const more = this.messages.size - lines.length;
    return [
      `Queue ${this.name} not idle after ${timeoutMs} ms${this.running ? "" : " (queue is stopped)"}: ` +
        `${visible} visible, ${inFlight} in flight, ${delayed} waiting for their visibility timeout`,
      ...lines,
      ...(more > 0 ? [`  … and ${more} more`] : []),
    ].join("\n");
  }

  private clearPump(): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
  }

  private clearWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }
}

/**
 * Which received messages failed, per Lambda's rules for partial batch responses: no response, no
 * or an empty batchItemFailures list is a complete success; an entry without a valid itemIdentifier
 * of this batch (missing, null, empty, unknown) fails the whole batch.
 */
function failedItems(
  response: unknown,
  received: readonly Message[],
): { failed: ReadonlySet<string>; error?: Error } {
  const ids = new Set(received.map((message) => message.messageId));
  const none = new Set<string>();
  if (response === null || typeof response !== "object") return { failed: none };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { failed: none };
  const wholeBatch = (why: string) => ({
    failed: ids,
    error: new Error(`Invalid partial batch response: ${why}; the whole batch fails`),
  });
  if (!Array.isArray(failures)) return wholeBatch("batchItemFailures is not a list");
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id =
      typeof failure === "object" && failure !== null
        ? (failure as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== "string" || id === "")
      return wholeBatch(`itemIdentifier ${JSON.stringify(id ?? null)} is missing or empty`);
    if (!ids.has(id))
      return wholeBatch(`itemIdentifier ${JSON.stringify(id)} is not a message of this batch`);
    failed.add(id);
  }
  return { failed };
}

function toJournalDeadLetter(d: DeadLetter) {
  return {
    id: d.messageId,
    body: d.body,
    attrs: d.messageAttributes,
    rc: d.receiveCount,
    movedAt: d.movedAt,
    reason: d.reason,
  };
}

/** An error as a dead letter's reason: its message, short, with personal data masked. */
function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return maskFreeText(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}

/** Opaque and different at every receive, like SQS's. */
function receiptHandle(): string {
  return `AQEB${randomBytes(120).toString("base64")}`;
}

function preview(body: string): string {
  return JSON.stringify(body.length > 80 ? `${body.slice(0, 80)}…` : body);
}

function requireBody(queue: string, body: string): void {
  if (typeof body !== "string" || body === "")
    throw new RangeError(`Queue ${queue}: the message body must be a non-empty string`);
}

function requireInteger(
  queue: string,
  field: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Queue ${queue}: ${field} must be an integer from ${min} to ${max}, not ${value}`,
    );
  }
}

function requireNonNegative(queue: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`Queue ${queue}: ${field} must be a finite number ≥ 0, not ${value}`);
}
