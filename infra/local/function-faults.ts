// Fault injection for the queue consumers of the local runtime (option `functionFaults`, env
// LOCAL_FAULTS for `npm start`): per function, a probability that an invocation
//
// - throws: half of them before the handler runs (a crash on init or early: nothing done), half
//   after it returned (a crash after the writes, before the batch is acknowledged: all done);
// - runs past the timeout: the handler works through the first k of the batch's n records (k
//   drawn from 0..n) and the invocation ends as Lambda ends one that timed out, "Task timed out
//   after 20.00 seconds": the records before the cut are fully processed, the rest not at all.
//
// Either way the whole batch fails, as in AWS: its messages come back after the visibility
// timeout, and after maxReceiveCount receives they move to the dead-letter queue, the injected
// failure as the reason. The handlers' idempotency has to absorb the work done twice. A cut
// inside one record (a write done, its event not published) is not what this injects: that is a
// failing dependency (DynamoDB, EventBridge), not a failing invocation.
//
// The draws come from a seeded generator per function (mulberry32, the demo's), so one seed gives
// the same sequence of faults for the same sequence of invocations of each function.
import type { SQSEvent } from "aws-lambda";
import { hashOf, mulberry32 } from "../seeded-random.ts";

export const FAULT_KINDS = ["throw", "timeout"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Probabilities in [0, 1] per invocation, at most 1 together. */
export type FaultRates = { readonly [kind in FaultKind]?: number };

/** Function name (or `*`: every queue consumer) → its fault rates. */
export type FunctionFaults = { readonly [functionName: string]: FaultRates };

export type InjectedFault = "throw-before" | "throw-after" | "timeout";

export type InjectedCounts = Record<InjectedFault, number>;

/** The error an injected fault fails the invocation with (its message is the DLQ reason). */
export class InjectedFaultError extends Error {
  constructor(
    readonly functionName: string,
    readonly fault: InjectedFault,
    message: string,
  ) {
    super(message);
    this.name = "InjectedFaultError";
  }
}

/** What every injected fault's message starts with. */
export const INJECTED = "injected fault";

/**
 * `intake:throw=0.2,assignment:timeout=0.1,*:throw=0.05`: comma-separated `<function>:<kind>=<p>`
 * (`*` for every queue consumer; a function's own entry wins over `*` for that kind).
 */
export function parseFunctionFaults(text: string): FunctionFaults {
  const faults: Record<string, Record<string, number>> = {};
  for (const entry of text.split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    const match = /^([a-z0-9*-]+):([a-z]+)=([0-9.]+)$/.exec(entry);
    if (!match)
      throw new RangeError(
        `"${entry}" is not <function>:<kind>=<probability>, e.g. intake:throw=0.2`,
      );
    const [, name, kind, value] = match as unknown as [string, string, string, string];
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new RangeError(`"${entry}": the kind is one of ${FAULT_KINDS.join(", ")}`);
    (faults[name] ??= {})[kind] = Number(value);
  }
  return faults;
}

/**
 * The faults per consumer, `*` expanded; throws a RangeError for a function that consumes no
 * queue, a probability outside [0, 1], or rates that add up to more than 1.
 */
export function resolveFunctionFaults(
  faults: FunctionFaults,
  consumers: readonly string[],
): ReadonlyMap<string, Required<FaultRates>> {
  for (const name of Object.keys(faults)) {
    if (name !== "*" && !consumers.includes(name))
      throw new RangeError(
        `Faults for "${name}": only queue consumers take them (${consumers.join(", ")}, or *)`,
      );
  }
  const resolved = new Map<string, Required<FaultRates>>();
  for (const name of consumers) {
    const rates = { throw: 0, timeout: 0 };
    for (const kind of FAULT_KINDS) {
      const p = faults[name]?.[kind] ?? faults["*"]?.[kind] ?? 0;
      if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 1)
        throw new RangeError(`Faults for ${name}: ${kind} must be a probability in [0, 1]`);
      rates[kind] = p;
    }
    if (rates.throw + rates.timeout > 1)
      throw new RangeError(`Faults for ${name}: throw + timeout must not exceed 1`);
    if (rates.throw + rates.timeout > 0) resolved.set(name, rates);
  }
  return resolved;
}

/** One line for the log: `intake throw 20 % timeout 10 %; …`. */
export function describeFaults(faults: ReadonlyMap<string, Required<FaultRates>>): string {
  return [...faults]
    .map(([name, rates]) =>
      [
        name,
        ...FAULT_KINDS.filter((k) => rates[k] > 0).map((k) => `${k} ${rates[k] * 100} %`),
      ].join(" "),
    )
    .join("; ");
}

export interface FunctionFaultInjectorOptions {
  /** The functions that consume a queue, with their timeouts (the topology's). */
  readonly consumers: readonly { readonly name: string; readonly timeoutSeconds: number }[];
  readonly faults?: FunctionFaults;
  readonly seed: number;
}

type Invoke = (event: SQSEvent) => Promise<unknown>;

export class FunctionFaultInjector {
  readonly seed: number;
  private readonly consumers: FunctionFaultInjectorOptions["consumers"];
  private rates: ReadonlyMap<string, Required<FaultRates>> = new Map();
  private readonly draws = new Map<string, () => number>();
  private readonly counts = new Map<string, InjectedCounts>();

  constructor(options: FunctionFaultInjectorOptions) {
    this.consumers = options.consumers;
    this.seed = options.seed >>> 0;
    for (const { name } of this.consumers)
      this.draws.set(name, mulberry32((this.seed ^ hashOf(name)) >>> 0));
    this.set(options.faults);
  }

  /** Replaces the fault rates (undefined or {}: no faults from now on); validated first. */
  set(faults: FunctionFaults | undefined): void {
    this.rates = resolveFunctionFaults(
      faults ?? {},
      this.consumers.map((c) => c.name),
    );
  }

  /** The rates in force, per function that has any. */
  get active(): ReadonlyMap<string, Required<FaultRates>> {
    return this.rates;
  }

  /** Faults injected so far, per function that ever had any. */
  injected(): Record<string, InjectedCounts> {
    return Object.fromEntries([...this.counts].map(([name, counts]) => [name, { ...counts }]));
  }

  /** Invokes the consumer, or fails the invocation with an injected fault. */
  async invoke(name: string, event: SQSEvent, invoke: Invoke): Promise<unknown> {
    const rates = this.rates.get(name);
    const draw = this.draws.get(name);
    if (!rates || !draw) return invoke(event);
    const u = draw();
    if (u < rates.throw) {
      if (draw() < 0.5) {
        this.count(name, "throw-before");
        throw new InjectedFaultError(
          name,
          "throw-before",
          `${INJECTED}: ${name} crashed before its handler ran (nothing done)`,
        );
      }
      await invoke(event);
      this.count(name, "throw-after");
      throw new InjectedFaultError(
        name,
        "throw-after",
        `${INJECTED}: ${name} crashed after its handler ran, before answering (the work is done, the batch is not acknowledged)`,
      );
    }
    if (u < rates.throw + rates.timeout) {
      const records = event.Records;
      const done = Math.min(records.length, Math.floor(draw() * (records.length + 1)));
      // The records before the cut were processed; what the handler answered is never seen.
      if (done > 0) await invoke({ ...event, Records: records.slice(0, done) }).catch(() => {});
      this.count(name, "timeout");
      const seconds = this.consumers.find((c) => c.name === name)?.timeoutSeconds ?? 0;
      throw new InjectedFaultError(
        name,
        "timeout",
        `Task timed out after ${seconds.toFixed(2)} seconds (${INJECTED}: ${name} stopped after ${done} of ${records.length} records)`,
      );
    }
    return invoke(event);
  }

  private count(name: string, fault: InjectedFault): void {
    const counts = this.counts.get(name) ?? { "throw-before": 0, "throw-after": 0, timeout: 0 };
    counts[fault] += 1;
    this.counts.set(name, counts);
  }
}
