// The whole system in one Node process, wired from the same topology as the CDK app:
// embedded DynamoDB, bus + rules, queues with DLQs, the very same handler modules, the HTTP API.
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { SQSBatchResponse } from "aws-lambda";
import { advanceClock, clock } from "#shared/adapters/clock.ts";
import {
  DEFAULT_BUS_NAME,
  DEFAULT_UPSTREAM_SOURCE,
  envNames,
  functions,
  queues as queueSpecs,
  routes,
  rules,
  tables,
} from "../topology.ts";
import { LocalBus } from "./bus.ts";
import { parseDuration } from "./duration.ts";
import { ensureTables, startEmbeddedDynamo } from "./dynamo-server.ts";
import { type LocalFunction, loadFunction } from "./lambda.ts";
import { tokenVerifier } from "./local-auth.ts";
import { LocalQueue } from "./queue.ts";
import { DEFAULT_ORG_FILE, seedOrganisation } from "./seed-organisation.ts";
import { createLocalServer } from "./server.ts";

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Keep DynamoDB in memory instead of under dataDir (tests). */
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
}

export interface LocalRuntime {
  readonly url: string;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  readonly bus: LocalBus;
  /** Resolves once every queue is empty and nothing is in flight (events cascade through queues). */
  idle(timeoutMs?: number): Promise<void>;
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

  const externalDynamo = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const dynamo = externalDynamo
    ? undefined
    : await startEmbeddedDynamo(options.dataDir, options.inMemory);
  const dynamoEndpoint = externalDynamo ?? (dynamo as { endpoint: string }).endpoint;
  await ensureTables(dynamoEndpoint, tables, (name) => name);

  const loaded = new Map<string, LocalFunction>();
  const queues = new Map<string, LocalQueue>();
  const bus = new LocalBus({
    name: busName,
    rules: rules(upstreamSource),
    targets: (name) => queueNamed(queues, name),
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

  const server = createLocalServer({
    routes,
    functions: (name) => {
      const fn = loaded.get(name);
      if (!fn) throw new Error(`Function ${name} is not loaded`);
      return fn;
    },
    bus,
    deadLetterQueue: (path) => queues.get(path.match(/^\/\d+\/(.+)-dlq$/)?.[1] ?? "")?.deadLetters,
    verifyToken: await tokenVerifier(options.dataDir),
    now: clock.now,
    advanceClock: async (duration) => {
      const now = advanceClock(parseDuration(duration));
      for (const queue of queues.values()) queue.poke();
      await idle();
      return now;
    },
    queueReport: () =>
      Object.fromEntries(
        [...queues.values()].map((q) => [
          q.name,
          { ...q.stats(), deadLetterMessages: q.deadLetters.messages },
        ]),
      ),
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  setFunctionEnvironment({ url, dynamoEndpoint, busName, upstreamSource });
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
      now: () => clock.now().getTime(),
      consumer: (event) => consumer.invoke(event) as Promise<SQSBatchResponse | undefined>,
      region: REGION,
      accountId: ACCOUNT,
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
    idle,
    async stop() {
      for (const queue of queues.values()) await queue.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dynamo?.close();
    },
  };
}

function queueNamed(queues: ReadonlyMap<string, LocalQueue>, name: string): LocalQueue {
  const queue = queues.get(name);
  if (!queue) throw new Error(`No queue named ${name}`);
  return queue;
}

/** What the CDK app sets on each function, pointed at this process. */
function setFunctionEnvironment(settings: {
  url: string;
  dynamoEndpoint: string;
  busName: string;
  upstreamSource: string;
}) {
  const env = process.env;
  env.AWS_REGION = REGION;
  env.AWS_ACCESS_KEY_ID ??= "local";
  env.AWS_SECRET_ACCESS_KEY ??= "local";
  env.AWS_ENDPOINT_URL_DYNAMODB = settings.dynamoEndpoint;
  env.AWS_ENDPOINT_URL_EVENTBRIDGE = settings.url;
  env.AWS_ENDPOINT_URL_SQS = settings.url;
  for (const table of tables) env[envNames.tableName(table.name)] = table.name;
  env[envNames.eventBusName] = settings.busName;
  env[envNames.upstreamSource] = settings.upstreamSource;
  env.POWERTOOLS_SERVICE_NAME ??= "courier-care";
  env.POWERTOOLS_METRICS_DISABLED ??= "true";
  env.POWERTOOLS_TRACE_ENABLED = "false";
}
