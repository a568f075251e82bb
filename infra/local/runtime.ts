// The whole system in one Node process, wired from the same topology as the CDK app:
// embedded DynamoDB, bus + rules, durable queues with DLQs, schedules on the runtime clock, the
// very same handler modules, the HTTP API. What survives a crash: see README "What survives".
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync, renameSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SQSBatchResponse } from "aws-lambda";
import {
  advanceClock,
  clock,
  clockOffsetMs,
  freezeClock,
  restoreClock,
  tickingNow,
} from "#shared/adapters/clock.ts";
import { CURSOR_KEY_VARIABLE } from "#shared/adapters/config.ts";
import type { JournalMessage } from "./queue-journal.ts";
import {
  DEFAULT_BUS_NAME,
  DEFAULT_UPSTREAM_SOURCE,
  envNames,
  functions,
  queues as queueSpecs,
  routes,
  rules,
  schedules,
  tables,
} from "../topology.ts";
import { type BusEventRecord, LocalBus } from "./bus.ts";
import { releaseAbandonedIdempotencyRecords } from "./abandoned-work.ts";
import { DATA_FILES } from "./data-files.ts";
import {
  type DependencyFault,
  type DependencyFaults,
  faultInjector,
  startDynamoFaultProxy,
} from "./dependency-faults.ts";
import { ensureTables, startEmbeddedDynamo } from "./dynamo-server.ts";
import { type LocalFunction, loadFunction } from "./lambda.ts";
import { describeFaults, FunctionFaultInjector, type FunctionFaults } from "./function-faults.ts";
import { localCursorKey } from "./cursor-key.ts";
import { tokenVerifier } from "./local-auth.ts";
import { LocalQueue } from "./queue.ts";
import { QueueJournal } from "./queue-journal.ts";
import { LocalScheduler } from "./scheduler.ts";
import { DEFAULT_ORG_FILE, seedOrganisation } from "./seed-organisation.ts";
import { createLocalServer } from "./server.ts";
import type { ThrottleLimits } from "./throttle.ts";

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Keep DynamoDB, the queues and the clock in memory instead of under dataDir (tests). */
  readonly inMemory?: boolean;
  /** Organisation seeded on first start; false to seed nothing. */
  readonly organisationFile?: string | URL | false;
  /** Shorter queue timings for tests; production-like values come from the topology. */
  readonly queueTiming?: {
    readonly visibilityTimeoutMs?: number;
    readonly maxBatchingWindowMs?: number;
  };
  readonly busName?: string;
  readonly upstreamSource?: string;
  readonly log?: (line: string) => void;
  /** Fault injection for tests: an accepted event for which this is true is lost on the bus. */
  readonly loseEvent?: (event: BusEventRecord) => boolean;
  /** The HTTP API's throttling; default the stage's (DEFAULT_THROTTLE in the topology). */
  readonly throttle?: ThrottleLimits;
  /**
   * Fault injection for tests: DynamoDB, EventBridge and SQS answering the functions with
   * throttling or 5xx errors (dependency-faults.ts). Given (even empty), the functions reach the
   * store through a fault proxy; the plan starts as given and `dependencyFaults.set` changes it.
   */
  readonly dependencyFaults?: readonly DependencyFault[];
  /**
   * Fault injection: per queue consumer (or `*` for all), the probability that an invocation
   * throws (before or after its handler) or runs past its timeout (function-faults.ts; env
   * LOCAL_FAULTS for `npm start`). `functionFaults.set` changes them while running.
   */
  readonly functionFaults?: FunctionFaults;
  /** Seed of the function faults' draws; default a random one (logged when faults are on). */
  readonly faultSeed?: number;
  /**
   * Tests: the clock stands still between POST /_local/clock moves (sweeps run only then), while
   * the queues' timeouts still pass in real time. For the whole process (the clock is shared).
   */
  readonly frozenClock?: boolean;
}

export interface LocalRuntime {
  readonly url: string;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  readonly bus: LocalBus;
  /** The dependency faults' plan (see the option); `set` throws unless the option was given. */
  readonly dependencyFaults: DependencyFaults;
  /** The function faults (see the option): `set` replaces them, `injected()` counts them. */
  readonly functionFaults: FunctionFaultInjector;
  /** Resolves once every queue is empty and nothing is in flight (events cascade through queues). */
  idle(timeoutMs?: number): Promise<void>;
  /** Moves the dead letters of a queue back to it; returns how many. */
  redrive(queue: string): number;
  /** Stops accepting requests, lets the batches in flight settle, and closes the stores. */
  stop(): Promise<void>;
}

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const ROOT_DIR = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const busName = options.busName ?? process.env[envNames.eventBusName] ?? DEFAULT_BUS_NAME;
  const upstreamSource =
    options.upstreamSource ?? process.env[envNames.upstreamSource] ?? DEFAULT_UPSTREAM_SOURCE;
  // Checked before anything starts: a bad fault plan stops here.
  const functionFaults = new FunctionFaultInjector({
    consumers: queueSpecs.map((q) => ({
      name: q.consumer,
      timeoutSeconds: functions.find((f) => f.name === q.consumer)?.timeoutSeconds ?? 0,
    })),
    seed: options.faultSeed ?? randomBytes(4).readUInt32BE(0),
    ...(options.functionFaults ? { faults: options.functionFaults } : {}),
  });
  if (functionFaults.active.size)
    log(`function faults (seed ${functionFaults.seed}): ${describeFaults(functionFaults.active)}`);
  /** A queue's consumer's injected faults, for GET /_local/queues (when it had any). */
  const injectedFaultsOf = (queue: string) => {
    const consumer = queueSpecs.find((q) => q.name === queue)?.consumer ?? queue;
    const injected = functionFaults.injected()[consumer];
    return injected ? { injectedFaults: injected } : {};
  };
  // The dependencies' faults (a bad plan stops here too); the store's endpoint is known below.
  const dependencyFaults = faultInjector(options.dependencyFaults, () => dynamoEndpoint);

  const externalDynamo = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const dynamo = externalDynamo
    ? undefined
    : await startEmbeddedDynamo(options.dataDir, options.inMemory);
  const dynamoEndpoint = externalDynamo ?? (dynamo as { endpoint: string }).endpoint;
  await ensureTables(dynamoEndpoint, tables, (name) => name);
  // Only in the embedded store: it belongs to this runtime alone (an external one may be shared).
  const released = dynamo
    ? await releaseAbandonedIdempotencyRecords(dynamoEndpoint, "idempotency")
    : 0;
  if (released) log(`released ${released} idempotency record(s) left in progress by the last run`);
  const faultProxy = options.dependencyFaults
    ? await startDynamoFaultProxy(dynamoEndpoint, dependencyFaults, log)
    : undefined;

  const durable = !options.inMemory;
  if (durable) restoreSavedClock(options.dataDir, log);
  if (options.frozenClock) freezeClock();
  const journal = durable
    ? new QueueJournal({
        path: join(options.dataDir, DATA_FILES.queues),
        fsync: process.env.LOCAL_QUEUES_FSYNC === "1",
        log,
      })
    : undefined;

  const loaded = new Map<string, LocalFunction>();
  const queues = new Map<string, LocalQueue>();
  /** One journal write for all the messages of one request, then each queue gets its own. */
  const deliver = (deliveries: readonly { queue: string; body: string }[]) => {
    const prepared = deliveries.map((delivery) => {
      const queue = queueNamed(queues, delivery.queue);
      return { queue, message: queue.prepare(delivery.body) };
    });
    journal?.append({
      t: "send",
      to: prepared.map(({ queue, message }) => ({ q: queue.name, m: message })),
    });
    const byQueue = new Map<LocalQueue, JournalMessage[]>();
    for (const { queue, message } of prepared)
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), message]);
    for (const [queue, messages] of byQueue) queue.accept(messages);
  };
  const bus = new LocalBus({
    name: busName,
    rules: rules(upstreamSource),
    deliver,
    ...(options.loseEvent ? { lose: options.loseEvent } : {}),
    now: clock.now,
    region: REGION,
    accountId: ACCOUNT,
    onEvent: (event, matched, onBus) => {
      const hint =
        onBus === "default" ? ` (our rules are on the ${busName} bus: set EventBusName)` : "";
      log(
        `event ${event.source} "${event["detail-type"]}" on ${onBus} → ${matched.join(", ") || "no rule"}${hint}`,
      );
    },
  });

  const scheduler = new LocalScheduler({
    schedules,
    deliver: (queue, body) => deliver([{ queue, body }]),
    now: clock.now,
    region: REGION,
    accountId: ACCOUNT,
  });
  const saveClock = () => {
    if (durable) writeAtomically(join(options.dataDir, DATA_FILES.clock), clockFile());
  };
  const functionsPath = `/_functions/${randomBytes(16).toString("hex")}`;

  const server = createLocalServer({
    routes,
    ...(options.throttle ? { throttle: options.throttle } : {}),
    ...(dependencyFaults.enabled ? { dependencyFaults } : {}),
    functionsPath,
    functions: (name) => {
      const fn = loaded.get(name);
      if (!fn) throw new Error(`Function ${name} is not loaded`);
      return fn;
    },
    bus,
    deadLetterQueue: (path) => queues.get(path.match(/^\/\d+\/(.+)-dlq$/)?.[1] ?? "")?.deadLetters,
    verifyToken: await tokenVerifier(options.dataDir),
    now: clock.now,
    advanceClock: async (ms) => {
      const now = advanceClock(ms);
      saveClock();
      scheduler.fireDue();
      for (const queue of queues.values()) queue.poke();
      await idle();
      return now;
    },
    queueReport: () =>
      Object.fromEntries(
        [...queues.values()].map((q) => [
          q.name,
          { ...q.stats(), ...injectedFaultsOf(q.name), deadLetterMessages: q.deadLetters.messages },
        ]),
      ),
    redrive: (name) => queues.get(name)?.redrive(),
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  setFunctionEnvironment({
    functionsUrl: `${url}${functionsPath}`,
    dynamoEndpoint: faultProxy?.endpoint ?? dynamoEndpoint,
    busName,
    upstreamSource,
  });
  process.env[CURSOR_KEY_VARIABLE] = await localCursorKey(options.dataDir);
  for (const spec of functions)
    loaded.set(spec.name, await loadFunction(spec, ROOT_DIR, REGION, ACCOUNT));
  for (const spec of queueSpecs) {
    const consumer = loaded.get(spec.consumer);
    if (!consumer) throw new Error(`Queue ${spec.name}: no function ${spec.consumer}`);
    const queue = new LocalQueue({
      name: spec.name,
      batchSize: spec.batchSize,
      maxBatchingWindowMs:
        options.queueTiming?.maxBatchingWindowMs ?? spec.maxBatchingWindowSeconds * 1000,
      visibilityTimeoutMs:
        options.queueTiming?.visibilityTimeoutMs ?? spec.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: spec.maxReceiveCount,
      now: tickingNow,
      consumer: (event) =>
        functionFaults.invoke(spec.consumer, event, (batch) => consumer.invoke(batch)) as Promise<
          SQSBatchResponse | undefined
        >,
      region: REGION,
      accountId: ACCOUNT,
      ...(journal ? { journal } : {}),
      onError: (error, name) =>
        log(
          `queue ${name}: consumer failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    });
    queues.set(spec.name, queue);
    process.env[envNames.deadLetterQueueUrl(spec.name)] = `${url}/${ACCOUNT}/${spec.name}-dlq`;
  }

  if (options.organisationFile !== false) {
    const seeded = await seedOrganisation(
      options.organisationFile ?? DEFAULT_ORG_FILE,
      clock.nowIso(),
    );
    if (seeded.teams)
      log(`seeded the organisation: ${seeded.teams} teams, ${seeded.agents} agents`);
  }
  for (const queue of queues.values()) queue.start();
  scheduler.start();
  const clockSaver = setInterval(saveClock, 60_000).unref();
  if (durable)
    writeAtomically(
      join(options.dataDir, DATA_FILES.runtime),
      // The store's endpoint (loopback) lets local tools such as `npm run -s corrections` read it.
      JSON.stringify({ url, pid: process.pid, dynamoEndpoint }),
    );

  async function idle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const queue of queues.values()) await queue.idle(Math.max(1, deadline - Date.now()));
      const busy = [...queues.values()].some((q) => {
        const s = q.stats();
        return s.visible + s.inFlight + s.delayed > 0;
      });
      if (!busy) return;
    }
  }

  return {
    url,
    queues,
    bus,
    dependencyFaults,
    functionFaults,
    idle,
    redrive: (name) => queueNamed(queues, name).redrive(),
    async stop() {
      // Stop accepting first; what was acknowledged is journaled already.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      scheduler.stop();
      clearInterval(clockSaver);
      for (const queue of queues.values()) await queue.stop();
      server.closeAllConnections();
      await closed;
      saveClock();
      journal?.close();
      if (durable) rmSync(join(options.dataDir, DATA_FILES.runtime), { force: true });
      await faultProxy?.close();
      await dynamo?.close();
    },
  };
}

function clockFile(): string {
  return JSON.stringify({ offsetMs: clockOffsetMs(), now: clock.nowIso() });
}

/** The clock continues where it was: its offset, and never before the last time it showed. */
function restoreSavedClock(dataDir: string, log: (line: string) => void): void {
  let saved: { offsetMs?: unknown; now?: unknown };
  try {
    saved = JSON.parse(readFileSync(join(dataDir, DATA_FILES.clock), "utf8"));
  } catch {
    return; // first start
  }
  const offset = typeof saved.offsetMs === "number" ? saved.offsetMs : 0;
  const notBefore = typeof saved.now === "string" ? Date.parse(saved.now) : 0;
  const now = restoreClock(offset, Number.isNaN(notBefore) ? 0 : notBefore);
  if (clockOffsetMs() > 0) log(`clock restored: ${now.toISOString()}`);
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function queueNamed(queues: ReadonlyMap<string, LocalQueue>, name: string): LocalQueue {
  const queue = queues.get(name);
  if (!queue) throw new Error(`No queue named ${name}`);
  return queue;
}

/** What the CDK app sets on each function, pointed at this process. */
function setFunctionEnvironment(settings: {
  /** Where the functions reach the bus and SQS: a secret path, trusted to publish domain events. */
  functionsUrl: string;
  dynamoEndpoint: string;
  busName: string;
  upstreamSource: string;
}) {
  const env = process.env;
  env.AWS_REGION = REGION;
  env.AWS_ACCESS_KEY_ID ??= "local";
  env.AWS_SECRET_ACCESS_KEY ??= "local";
  env.AWS_ENDPOINT_URL_DYNAMODB = settings.dynamoEndpoint;
  env.AWS_ENDPOINT_URL_EVENTBRIDGE = settings.functionsUrl;
  env.AWS_ENDPOINT_URL_SQS = settings.functionsUrl;
  for (const table of tables) env[envNames.tableName(table.name)] = table.name;
  env[envNames.eventBusName] = settings.busName;
  env[envNames.upstreamSource] = settings.upstreamSource;
  env.POWERTOOLS_SERVICE_NAME ??= "courier-care";
  env.POWERTOOLS_METRICS_DISABLED ??= "true";
  env.POWERTOOLS_TRACE_ENABLED = "false";
}
