// The local queues' durable state: an append-only journal of JSON lines under the data
// directory. Every change a queue makes (send, receive, delete, dead-letter, redrive) is one
// line, written with one write(2) before the change is acknowledged or acted on, so a message
// that PutEvents or SendMessage acknowledged survives `kill -9`. On start the journal is replayed
// and rewritten compactly (only what is still alive); it is compacted again whenever it grows
// past a bound and most of it is dead.
//
// Why a journal and not the embedded store: one sequential write per request (a PutEvents
// request with ten entries for three queues is still one line, so it is enqueued all or
// nothing), no extra index or table in the store that handlers see, and a format a person can
// read with `tail`. A line torn by a crash mid-write is the last one and was never acknowledged:
// it is ignored on replay.
//
// Durability: each write reaches the operating system before the caller is answered, which
// survives the process dying in any way. Surviving a power loss needs the OS to flush too:
// `fsync: true` (env LOCAL_QUEUES_FSYNC=1) adds an fdatasync per write (see `npm run bench`).
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";

/** A message as the journal keeps it. */
export interface JournalMessage {
  readonly id: string;
  readonly body: string;
  readonly attrs: Record<string, string>;
  readonly sentAt: number;
  /** Receives so far (a receive is journaled before the consumer sees the message). */
  readonly rc?: number;
}

export interface JournalDeadLetter {
  readonly id: string;
  readonly body: string;
  readonly attrs: Record<string, string>;
  readonly rc: number;
  readonly movedAt: number;
  readonly reason: string;
}

export type JournalRecord =
  /** Messages sent, possibly to several queues at once (one PutEvents request). */
  | { readonly t: "send"; readonly to: readonly { q: string; m: JournalMessage }[] }
  | { readonly t: "recv"; readonly q: string; readonly ids: readonly string[] }
  | { readonly t: "del"; readonly q: string; readonly ids: readonly string[] }
  /** A live message moved to its queue's DLQ. */
  | {
      readonly t: "dead";
      readonly q: string;
      readonly id: string;
      readonly reason: string;
      readonly at: number;
    }
  /** A message sent straight to a DLQ (a handler rejecting a poison message). */
  | { readonly t: "dlq"; readonly q: string; readonly d: JournalDeadLetter }
  /** Dead letters moved back to their source queue as new messages. */
  | {
      readonly t: "redrive";
      readonly q: string;
      readonly ids: readonly string[];
      readonly m: readonly JournalMessage[];
    };

export interface QueueState {
  /** Live messages in send order, with their receive counts. */
  readonly messages: JournalMessage[];
  readonly deadLetters: JournalDeadLetter[];
}

export interface QueueJournalOptions {
  readonly path: string;
  readonly fsync?: boolean;
  /** Compact when the journal is larger than this and at least 4× the live state (bytes). */
  readonly compactAboveBytes?: number;
  readonly log?: (line: string) => void;
}

const DEFAULT_COMPACT_ABOVE = 64 * 1024 * 1024;

export class QueueJournal {
  private fd: number;
  private bytes = 0;
  private readonly state = new Map<
    string,
    { live: Map<string, JournalMessage>; dead: Map<string, JournalDeadLetter> }
  >();
  private readonly options: QueueJournalOptions;

  /** Opens (or creates) the journal, replays it and rewrites it compactly. */
  constructor(options: QueueJournalOptions) {
    this.options = options;
    if (existsSync(options.path)) this.replay(readFileSync(options.path, "utf8"));
    this.fd = this.rewrite();
  }

  /** What each queue held when the journal was opened (and since, as written). */
  restored(queue: string): QueueState {
    const s = this.queue(queue);
    return { messages: [...s.live.values()], deadLetters: [...s.dead.values()] };
  }

  /** Appends one record with one write; the change is durable when this returns. */
  append(record: JournalRecord): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, "utf8");
    writeSync(this.fd, line);
    if (this.options.fsync) fdatasyncSync(this.fd);
    this.bytes += line.length;
    this.apply(record);
    if (this.bytes > (this.options.compactAboveBytes ?? DEFAULT_COMPACT_ABOVE)) this.maybeCompact();
  }

  /** Journal size in bytes (for reports and the benchmark). */
  get sizeBytes(): number {
    return this.bytes;
  }

  close(): void {
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  private maybeCompact(): void {
    const live = this.snapshotLines().reduce((sum, line) => sum + line.length, 0);
    if (live * 4 > this.bytes) return;
    closeSync(this.fd);
    this.fd = this.rewrite();
  }

  private replay(text: string): void {
    const lines = text.split("\n");
    for (const [n, line] of lines.entries()) {
      if (line.trim() === "") continue;
      let record: JournalRecord;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch {
        // The last line may be torn by a crash mid-write: it was never acknowledged.
        const last = lines.slice(n + 1).every((rest) => rest.trim() === "");
        if (!last) this.options.log?.(`queue journal: line ${n + 1} is unreadable and skipped`);
        continue;
      }
      this.apply(record);
    }
  }

  private apply(record: JournalRecord): void {
    switch (record.t) {
      case "send":
        for (const { q, m } of record.to) this.queue(q).live.set(m.id, m);
        return;
      case "recv":
        for (const id of record.ids) {
          const live = this.queue(record.q).live;
          const m = live.get(id);
          if (m) live.set(id, { ...m, rc: (m.rc ?? 0) + 1 });
        }
        return;
      case "del":
        for (const id of record.ids) this.queue(record.q).live.delete(id);
        return;
      case "dead": {
        const s = this.queue(record.q);
        const m = s.live.get(record.id);
        if (!m) return;
        s.live.delete(record.id);
        s.dead.set(m.id, {
          id: m.id,
          body: m.body,
          attrs: m.attrs,
          rc: m.rc ?? 0,
          movedAt: record.at,
          reason: record.reason,
        });
        return;
      }
      case "dlq":
        this.queue(record.q).dead.set(record.d.id, record.d);
        return;
      case "redrive": {
        const s = this.queue(record.q);
        for (const id of record.ids) s.dead.delete(id);
        for (const m of record.m) s.live.set(m.id, m);
        return;
      }
    }
  }

  private queue(name: string) {
    let s = this.state.get(name);
    if (!s) {
      s = { live: new Map(), dead: new Map() };
      this.state.set(name, s);
    }
    return s;
  }

  private snapshotLines(): string[] {
    const lines: string[] = [];
    for (const [q, s] of this.state) {
      if (s.live.size) {
        const record: JournalRecord = {
          t: "send",
          to: [...s.live.values()].map((m) => ({ q, m })),
        };
        lines.push(`${JSON.stringify(record)}\n`);
      }
      for (const d of s.dead.values()) lines.push(`${JSON.stringify({ t: "dlq", q, d })}\n`);
    }
    return lines;
  }

  /** Writes the live state to a new file and swaps it in atomically (rename). */
  private rewrite(): number {
    const tmp = `${this.options.path}.tmp`;
    const fd = openSync(tmp, "w");
    const data = this.snapshotLines().join("");
    writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.options.path);
    this.bytes = Buffer.byteLength(data, "utf8");
    return openSync(this.options.path, "a");
  }
}
