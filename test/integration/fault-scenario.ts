// The fault scenario (issue 11, point 2): a seeded set of upstream events through the local
// runtime, with function faults (function-faults.ts) or without; then the faults stop, every DLQ
// is redriven, the queues drain, one last sweep runs, and the whole `cases` table is read back
// as a final state that leaves out what legitimately depends on timing or processing order
// (see `normalise`). Used by function-faults.test.ts, in process (the faulty run) and as a
// child process (the clean run, which needs a store of its own):
//   node --import tsx test/integration/fault-scenario.ts '<FaultRunOptions as JSON>' <out.json>
import "./quiet.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { FunctionFaults, InjectedCounts } from "#infra/local/function-faults.ts";
import { startLocalRuntime } from "#infra/local/runtime.ts";
import type { LocalQueueTotals } from "#infra/local/queue.ts";
import { queues as queueSpecs } from "#infra/topology.ts";
import { advanceClock } from "#shared/adapters/clock.ts";
import { type Item, normalise, plain, renameIds, scanCases } from "./final-state.ts";
import { putUpstreamEvents, type ScenarioEvent, scenario, shuffle } from "./scenario.ts";

export interface FaultRunOptions {
  readonly events: number;
  readonly seed: number;
  readonly faults?: FunctionFaults;
  readonly faultSeed?: number;
  /** Publishes the events in a shuffled order (this seed): what order alone changes. */
  readonly shuffle?: number;
  /** Real time allowed for each drain. */
  readonly drainTimeoutMs?: number;
}

export interface DeadLetterSummary {
  readonly queue: string;
  /** The upstream eventId, or the domain event's detail type and case (normalised). */
  readonly message: string;
  readonly reason: string;
}

export interface FaultRunResult {
  /** The final state, normalised: equal for a clean and a faulty run of the same events. */
  readonly state: Record<string, unknown>;
  /** Broken guarantees found in the final state (none applied twice, nothing stuck). */
  readonly problems: string[];
  /** The events published, and those whose eventId shows up in the store or the intake DLQ. */
  readonly published: number;
  readonly traced: {
    readonly beforeRedrive: readonly string[];
    readonly final: readonly string[];
  };
  /** Every dead letter after the faulty drain (before the redrive), with its reason. */
  readonly deadLettersBeforeRedrive: readonly DeadLetterSummary[];
  readonly deadLettersAtEnd: readonly DeadLetterSummary[];
  /** Per queue, what became of its messages (before the redrive, and at the end). */
  readonly totalsBeforeRedrive: Record<string, LocalQueueTotals & { pending: number }>;
  readonly totalsAtEnd: Record<string, LocalQueueTotals & { pending: number }>;
  readonly redriven: Record<string, number>;
  readonly injected: Record<string, InjectedCounts>;
  /** The same, as GET /_local/queues reports it per queue. */
  readonly reportedInjected: Record<string, InjectedCounts>;
  /** Deliveries to consumers (a redelivery counts again), over the whole run. */
  readonly deliveries: number;
  readonly seconds: { readonly faulty: number; readonly redrive: number; readonly total: number };
  readonly counts: Record<string, number>;
}

const TAG = "FX";

/** The scenario's events, and every 25th made schema-invalid (it must end in the intake DLQ). */
export function faultScenarioEvents(count: number, seed: number): ScenarioEvent[] {
  return scenario(count, seed, TAG).map((event, i) =>
    i % 25 === 12 ? { ...event, detail: { ...event.detail, waybillNo: "bad" } } : event,
  );
}

export async function runFaultScenario(options: FaultRunOptions): Promise<FaultRunResult> {
  const started = Date.now();
  const drainMs = options.drainTimeoutMs ?? 600_000;
  const dataDir = await mkdtemp(join(tmpdir(), "courier-care-faults-"));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    queueTiming: { visibilityTimeoutMs: 200, maxBatchingWindowMs: 5 },
    log: () => undefined,
    ...(options.faults ? { functionFaults: options.faults } : {}),
    ...(options.faultSeed !== undefined ? { faultSeed: options.faultSeed } : {}),
  });
  const client = new EventBridgeClient({
    endpoint: runtime.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    const generated = faultScenarioEvents(options.events, options.seed);
    const events = options.shuffle === undefined ? generated : shuffle(generated, options.shuffle);
    for (let i = 0; i < events.length; i += 10) {
      // Half way, a minute passes: a sweep runs while the events are worked (and faults are on).
      if (i === Math.floor(events.length / 20) * 10) {
        advanceClock(60_000);
        for (const queue of runtime.queues.values()) queue.poke();
      }
      await putUpstreamEvents(client, events.slice(i, i + 10));
    }
    await runtime.idle(drainMs);
    const faultyDone = Date.now();

    const queueTotals = () =>
      Object.fromEntries(
        [...runtime.queues.values()].map((q) => {
          const s = q.stats();
          return [q.name, { ...q.totals(), pending: s.visible + s.inFlight + s.delayed }];
        }),
      );
    const report = async () =>
      (await (await fetch(`${runtime.url}/_local/queues`)).json()) as Record<
        string,
        {
          deadLetterMessages: { body: string; reason: string }[];
          injectedFaults?: InjectedCounts;
        }
      >;
    const eventIds = events.map((e) => e.detail.eventId as string);
    const totalsBeforeRedrive = queueTotals();
    const before = await report();
    const itemsBefore = await scanCases();
    const tracedBefore = traced(eventIds, itemsBefore, before);

    // The faults stop (the bug is fixed); every DLQ goes back to its queue, as an operator would.
    runtime.functionFaults.set(undefined);
    const redriven: Record<string, number> = {};
    for (const spec of queueSpecs) {
      const response = await fetch(`${runtime.url}/_local/queues/${spec.name}/redrive`, {
        method: "POST",
      });
      redriven[spec.name] = ((await response.json()) as { moved: number }).moved;
    }
    await runtime.idle(drainMs);
    // One sweep after everything settled, so both runs end having swept (follow-ups fall due).
    const clock = await fetch(`${runtime.url}/_local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "PT1M" }),
    });
    if (clock.status !== 200) throw new Error(`POST /_local/clock: ${clock.status}`);
    await runtime.idle(drainMs);

    const after = await report();
    const items = await scanCases();
    const { state, problems, caseKeys } = normalise(items);
    const deliveries = [...runtime.queues.values()].reduce((n, q) => n + q.stats().delivered, 0);
    const summarise = (r: typeof before) =>
      Object.entries(r).flatMap(([queue, q]) =>
        q.deadLetterMessages.map((d) => ({
          queue,
          message: describeMessage(d.body, caseKeys),
          reason: d.reason,
        })),
      );
    return {
      state,
      problems,
      published: events.length,
      traced: { beforeRedrive: tracedBefore, final: traced(eventIds, items, after) },
      deadLettersBeforeRedrive: summarise(before),
      deadLettersAtEnd: summarise(after),
      totalsBeforeRedrive,
      totalsAtEnd: queueTotals(),
      redriven,
      injected: runtime.functionFaults.injected(),
      reportedInjected: Object.fromEntries(
        Object.entries(after).flatMap(([queue, q]) =>
          q.injectedFaults ? [[queue, q.injectedFaults]] : [],
        ),
      ),
      deliveries,
      seconds: {
        faulty: (faultyDone - started) / 1000,
        redrive: (Date.now() - faultyDone) / 1000,
        total: (Date.now() - started) / 1000,
      },
      counts: countByType(items),
    };
  } finally {
    client.destroy();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The eventIds that appear anywhere in the store, or in a body in the intake DLQ. */
function traced(
  eventIds: readonly string[],
  items: readonly Item[],
  report: Record<string, { deadLetterMessages: { body: string }[] }>,
): string[] {
  const text = `${items.map((item) => plain(item)).join("\n")}\n${(
    report.intake?.deadLetterMessages ?? []
  )
    .map((d) => d.body)
    .join("\n")}`;
  return eventIds.filter((id) => text.includes(`"${id}"`)).sort();
}

function countByType(items: readonly Item[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.type] = (counts[item.type] ?? 0) + 1;
  return counts;
}

/** A dead letter, named without personal data: its upstream event id, or its detail type and case. */
function describeMessage(body: string, caseKeys: ReadonlyMap<string, string>): string {
  try {
    const event = JSON.parse(body) as { "detail-type": string; detail: Record<string, unknown> };
    const detail = event.detail ?? {};
    if (typeof detail.eventId === "string") return `${event["detail-type"]} ${detail.eventId}`;
    const id = typeof detail.caseId === "string" ? detail.caseId : "";
    return renameIds(`${event["detail-type"]} ${id || JSON.stringify(detail)}`, caseKeys);
  } catch {
    return "unreadable body";
  }
}

// ---- as a child process ------------------------------------------------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [json, out] = process.argv.slice(2);
  if (!json || !out) {
    console.error("usage: fault-scenario.ts '<options as JSON>' <out.json>");
    process.exit(2);
  }
  const result = await runFaultScenario(JSON.parse(json) as FaultRunOptions);
  await writeFile(out, JSON.stringify(result));
  process.exit(0);
}
