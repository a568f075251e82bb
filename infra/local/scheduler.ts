// The topology's schedules on the runtime clock: each fires a "Scheduled Event" (as an
// EventBridge schedule rule delivers it to an SQS target) into its queue once its time has
// come. Firings that fell due during a clock jump are coalesced into one, as the consumers
// (the sweeper) look at the whole state, not at one interval.
import { randomUUID } from "node:crypto";
import type { ScheduleSpec } from "../topology.ts";

export interface LocalSchedulerOptions {
  readonly schedules: readonly ScheduleSpec[];
  /** Delivers the scheduled event (the EventBridge event JSON) to the named queue. */
  readonly deliver: (queue: string, body: string) => void;
  /** The runtime clock. */
  readonly now: () => Date;
  readonly region: string;
  readonly accountId: string;
}

/** How often real time is checked against the runtime clock. */
const CHECK_EVERY_MS = 5_000;

export class LocalScheduler {
  private readonly next = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LocalSchedulerOptions) {
    const start = options.now().getTime();
    for (const spec of options.schedules) this.next.set(spec.name, start + rateMs(spec));
  }

  start(): void {
    this.timer ??= setInterval(() => this.fireDue(), CHECK_EVERY_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Fires every schedule whose time has come (once each); returns how many fired. */
  fireDue(): number {
    const now = this.options.now();
    let fired = 0;
    for (const spec of this.options.schedules) {
      const due = this.next.get(spec.name) ?? 0;
      if (now.getTime() < due) continue;
      this.next.set(spec.name, now.getTime() + rateMs(spec));
      this.options.deliver(spec.targetQueue, JSON.stringify(this.scheduledEvent(spec, now)));
      fired++;
    }
    return fired;
  }

  private scheduledEvent(spec: ScheduleSpec, at: Date) {
    const { region, accountId } = this.options;
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: accountId,
      time: `${at.toISOString().slice(0, 19)}Z`,
      region,
      resources: [`arn:aws:events:${region}:${accountId}:rule/${spec.name}`],
      detail: {},
    };
  }
}

function rateMs(spec: ScheduleSpec): number {
  return spec.rateMinutes * 60_000;
}
