// Issue 11, point 2: with function faults on every queue consumer (invocations that throw before
// or after their handler, or run past their timeout), every message ends processed or in its
// DLQ with the reason, none is lost, none is applied twice, and a redrive after the faults stop
// completes the scenario to the same final state as a clean run of the same events.
//
// The clean run needs a store of its own (the functions of one process share one), so it runs
// as a child process, at the same time as the faulty run in this one. CI runs a reduced scenario;
// `npm run -s test:faults` the full one (300 events) and prints its figures.
import { describe, expect, it } from "vitest";
import type { FunctionFaults } from "#infra/local/function-faults.ts";
import { queues } from "#infra/topology.ts";
import { runInChild } from "./child-run.ts";
import { type FaultRunOptions, type FaultRunResult, runFaultScenario } from "./fault-scenario.ts";

const EVENTS = Number(process.env.FAULT_SCENARIO_EVENTS ?? 80);
const SEED = Number(process.env.FAULT_SCENARIO_SEED ?? 20261201);
const FAULT_SEED = Number(process.env.FAULT_SCENARIO_FAULT_SEED ?? 11);
const REPORT = process.env.FAULT_SCENARIO_REPORT === "1";
/** 40 % of the invocations of every consumer fail: enough that some messages reach their DLQ. */
const FAULTS: FunctionFaults = { "*": { throw: 0.25, timeout: 0.15 } };
const MAX_RECEIVES = queues[0]?.maxReceiveCount ?? 0;

/** The same scenario in a process of its own (its own in-memory store), without faults. */
const runClean = (options: FaultRunOptions) =>
  runInChild<FaultRunResult>("test/integration/fault-scenario.ts", options);

describe(`${EVENTS} upstream events with faults in every consumer`, () => {
  it("end as after a clean run once the faults stop and the DLQs are redriven: nothing lost, nothing applied twice", async () => {
    const options = { events: EVENTS, seed: SEED };
    const cleanRun = runClean(options);
    const faulty = await runFaultScenario({ ...options, faults: FAULTS, faultSeed: FAULT_SEED });
    const clean = await cleanRun;
    if (REPORT) console.log(figures(clean, faulty));

    // Each run on its own: no load without its case, no case twice, no fact counted twice, …
    expect(clean.problems).toEqual([]);
    expect(faulty.problems).toEqual([]);
    expect(Object.keys(clean.injected)).toEqual([]);

    // The faults happened, of every kind, and some messages failed often enough for their DLQ.
    const injected = Object.values(faulty.injected);
    for (const kind of ["throw-before", "throw-after", "timeout"] as const)
      expect(
        injected.reduce((n, counts) => n + counts[kind], 0),
        kind,
      ).toBeGreaterThan(0);
    expect(faulty.reportedInjected).toEqual(faulty.injected); // each queue is named after its consumer
    const before = Object.values(faulty.totalsBeforeRedrive);
    expect(before.reduce((n, t) => n + t.movedToDeadLetters, 0)).toBeGreaterThan(0);

    // Nothing lost when the faulty run drained: every message a queue accepted was deleted after
    // an invocation that succeeded for it, or moved to the DLQ, where it still is, with a reason:
    // the failure of its last receive (mostly an injected fault; now and then a real one, such as
    // a version conflict between two consumers writing one case), or a handler's rejection.
    for (const [queue, t] of Object.entries(faulty.totalsBeforeRedrive)) {
      expect(t.pending, queue).toBe(0);
      expect(t.accepted, queue).toBe(t.deleted + t.movedToDeadLetters);
      const letters = faulty.deadLettersBeforeRedrive.filter((d) => d.queue === queue);
      expect(letters.length, queue).toBe(t.movedToDeadLetters + t.sentToDeadLetters);
    }
    for (const letter of faulty.deadLettersBeforeRedrive)
      expect(letter.reason, `${letter.queue}: ${letter.message}`).toMatch(
        new RegExp(
          `^(maxReceiveCount ${MAX_RECEIVES} exceeded; last failure: .+|.* failed its schema: .*)$`,
        ),
      );
    expect(faulty.deadLettersBeforeRedrive.map((d) => d.reason)).toContainEqual(
      expect.stringMatching(/last failure: .*injected fault/),
    );
    // Every upstream event the clean run left a trace of is in the store or in the intake DLQ.
    expect(faulty.traced.beforeRedrive).toEqual(expect.arrayContaining([...clean.traced.final]));

    // The redrive moved every dead letter back; what is left are the rejections of the clean run.
    expect(Object.values(faulty.redriven).reduce((n, moved) => n + moved, 0)).toBe(
      faulty.deadLettersBeforeRedrive.length,
    );
    const rejections = (run: FaultRunResult) =>
      [...new Set(run.deadLettersAtEnd.map((d) => `${d.queue} ${d.message}: ${d.reason}`))].sort();
    expect(rejections(faulty)).toEqual(rejections(clean));
    expect(rejections(clean).length).toBeGreaterThan(0);
    for (const t of Object.values(faulty.totalsAtEnd)) expect(t.pending).toBe(0);

    // The same final state: cases, timelines, follow-ups, notices, KPI facts and aggregates,
    // guards, per-team loads (fault-scenario.ts `normalise` says what is left out, and why).
    expect(faulty.traced.final).toEqual(clean.traced.final);
    expect(faulty.state).toEqual(clean.state);
  }, 900_000);
});

function figures(clean: FaultRunResult, faulty: FaultRunResult): string {
  const sum = (run: FaultRunResult, field: "movedToDeadLetters" | "sentToDeadLetters") =>
    Object.values(run.totalsBeforeRedrive).reduce((n, t) => n + t[field], 0);
  const lines = [
    `fault scenario: ${faulty.published} upstream events (seed ${SEED}), faults ${JSON.stringify(FAULTS)} (seed ${FAULT_SEED}), maxReceiveCount ${MAX_RECEIVES}`,
    `clean run:  ${clean.seconds.total.toFixed(1)} s, ${clean.deliveries} deliveries to consumers, ${clean.counts.case ?? 0} cases, ${Object.values(clean.counts).reduce((a, b) => a + b, 0)} items`,
    `faulty run: ${faulty.seconds.faulty.toFixed(1)} s with faults, ${faulty.seconds.redrive.toFixed(1)} s redrive and drain; ${faulty.deliveries} deliveries to consumers`,
    "injected faults (throw before / throw after / timeout):",
    ...Object.entries(faulty.injected).map(
      ([name, c]) =>
        `  ${name.padEnd(15)} ${c["throw-before"]} / ${c["throw-after"]} / ${c.timeout}`,
    ),
    "per queue, before the redrive: accepted = deleted + moved to DLQ (+ rejected to DLQ by the handler)",
    ...Object.entries(faulty.totalsBeforeRedrive).map(
      ([queue, t]) =>
        `  ${queue.padEnd(15)} ${t.accepted} = ${t.deleted} + ${t.movedToDeadLetters} (+ ${t.sentToDeadLetters}), redriven ${faulty.redriven[queue] ?? 0}`,
    ),
    `dead letters before the redrive: ${faulty.deadLettersBeforeRedrive.length} (${sum(faulty, "movedToDeadLetters")} after ${MAX_RECEIVES} receives, ${sum(faulty, "sentToDeadLetters")} rejected; the clean run rejected ${sum(clean, "sentToDeadLetters")})`,
    ...[
      ...new Set(
        faulty.deadLettersBeforeRedrive.map(
          (d) => `  ${d.queue}: ${d.reason.replace(/FX-e\d+/, "…")}`,
        ),
      ),
    ].slice(0, 12),
    `after the redrive: ${faulty.deadLettersAtEnd.length} dead letters (the clean run: ${clean.deadLettersAtEnd.length}), final states equal: ${JSON.stringify(faulty.state) === JSON.stringify(clean.state)}`,
  ];
  return lines.join("\n");
}
