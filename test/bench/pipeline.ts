// The pipeline's part of the bench: how fast upstream events become assigned cases through the
// local runtime, next to the embedded store's own write rate for the same number of writes in the
// same run (their ratio is the efficiency), and what one case's full lifecycle costs in DynamoDB
// capacity, bus events and queue messages (counted through dynamo-meter.ts and the bus).
import "../integration/quiet.ts";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { issueToken } from "#infra/local/local-auth.ts";
import { startEmbeddedDynamo } from "#infra/local/dynamo-server.ts";
import { type LocalRuntime, startLocalRuntime } from "#infra/local/runtime.ts";
import { DEFAULT_ORG_FILE } from "#infra/local/seed-organisation.ts";
import { type DynamoMeter, type MeterCounts, startDynamoMeter } from "./dynamo-meter.ts";

export interface PipelineResult {
  readonly cases: number;
  readonly pipelineSeconds: number;
  readonly pipelineCasesPerSec: number;
  /** Item writes the pipeline made for those cases (open → classify → assign). */
  readonly pipelineWrites: number;
  readonly storeWritesPerSec: number;
  /** Store time for the same writes ÷ pipeline time: 1 would be the store's own speed. */
  readonly efficiency: number;
}

export interface LifecycleResult {
  readonly cases: number;
  /** Open → classify → assign, per case. */
  readonly toAssigned: PerCase;
  /** The full lifecycle per case: … → respond → resolve → follow-up → close, KPIs counted. */
  readonly lifecycle: PerCase;
  /** Bus events per case over the lifecycle, by detail type. */
  readonly busEvents: Record<string, number>;
  /** Messages into each queue per case over the lifecycle. */
  readonly queueMessages: Record<string, number>;
  /** HTTP API requests per case (the agent's and the caller's). */
  readonly apiRequests: number;
}

/** What a delivered parcel costs (no case about it, the common case: ~99 of 100 parcels). */
export interface DeliveryResult {
  readonly parcels: number;
  /** Per parcel: intake's delivery record and sampling, the KPI fact of a delivered parcel. */
  readonly perParcel: PerCase;
  readonly busEvents: Record<string, number>;
  readonly queueMessages: Record<string, number>;
}

export interface PerCase {
  readonly writes: number;
  readonly reads: number;
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
  readonly readUnits: number;
  readonly calls: Record<string, number>;
  readonly writeUnitsByType: Record<string, number>;
}

const TYPES = ["Parcel Damaged", "Parcel Delayed", "Parcel Lost"] as const;

/** Events for `count` waybills, one problem each; `tag` keeps runs apart. */
function events(count: number, tag: string, at: Date) {
  return Array.from({ length: count }, (_, i) => {
    const detailType = TYPES[i % TYPES.length] as string;
    const occurredAt = new Date(at.getTime() - 3_600_000).toISOString();
    return {
      detailType,
      detail: {
        eventId: `${tag}-${i}`,
        waybillNo: `${tag}${String(i).padStart(8, "0")}`,
        occurredAt,
        ...(detailType === "Parcel Delayed" ? { promisedAt: occurredAt } : {}),
        ...(detailType === "Parcel Damaged" ? { declaredValue: 100 + (i % 300) } : {}),
        customer: {
          id: `cust-${tag}-${i % 997}`,
          name: "Li Lei",
          phone: "13812345678",
          tier: i % 10 === 0 ? "vip" : "regular",
        },
        outletId: `outlet-${i % 40}`,
        courierId: `courier-${i % 200}`,
        region: ["east", "north", "south", "west"][i % 4],
      },
    };
  });
}

/** An upstream event to publish: its detail type and detail. */
export interface UpstreamEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface System {
  readonly runtime: LocalRuntime;
  readonly meter: DynamoMeter;
  readonly storeEndpoint: string;
  readonly dataDir: string;
  readonly bus: Record<string, number>;
  publish(list: readonly UpstreamEvent[], concurrency: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local runtime on an embedded store with the meter in front; every agent with room. One per
 * process: the functions' SDK clients keep the endpoint they were first given.
 */
export async function startSystem(): Promise<System> {
  const dataDir = await mkdtemp(join(tmpdir(), "courier-care-bench-"));
  const store = await startEmbeddedDynamo(dataDir, true);
  const meter = await startDynamoMeter(store.endpoint, { measure: false });
  const org = JSON.parse(await readFile(DEFAULT_ORG_FILE, "utf8")) as {
    agents: { agentId: string; capacity: number; onShift: boolean }[];
  };
  org.agents = org.agents.flatMap((agent) =>
    Array.from({ length: 10 }, (_, i) => ({
      ...agent,
      agentId: i ? `${agent.agentId}-${i}` : agent.agentId,
      capacity: 200,
      onShift: true,
    })),
  );
  const organisationFile = join(dataDir, "org.json");
  await writeFile(organisationFile, JSON.stringify(org));
  const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = meter.endpoint;
  const bus: Record<string, number> = {};
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    organisationFile,
    log: () => undefined,
    throttle: { rateLimit: 1_000_000, burstLimit: 1_000_000 },
    loseEvent: (event) => {
      bus[event["detail-type"]] = (bus[event["detail-type"]] ?? 0) + 1;
      return false;
    },
  });
  const eventBridge = new EventBridgeClient({
    endpoint: runtime.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    runtime,
    meter,
    storeEndpoint: store.endpoint,
    dataDir,
    bus,
    async publish(list, concurrency) {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next; i < list.length; i = next) {
            next += 10;
            await eventBridge.send(
              new PutEventsCommand({
                Entries: list.slice(i, i + 10).map((e) => ({
                  EventBusName: "courier-service",
                  Source: "courier.orders",
                  DetailType: e.detailType,
                  Detail: JSON.stringify(e.detail),
                })),
              }),
            );
          }
        }),
      );
    },
    async stop() {
      eventBridge.destroy();
      await runtime.stop();
      await meter.close();
      await store.close();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = previous;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Upstream events → assigned cases per second, and the store's raw rate for as many writes. */
export async function measurePipeline(
  system: System,
  { quick }: { quick: boolean },
): Promise<PipelineResult> {
  const count = quick ? 100 : 1000;
  system.meter.measure(false);
  {
    const list = events(count, "BP", new Date());
    system.meter.reset();
    const started = performance.now();
    await system.publish(list, 4);
    await system.runtime.idle(600_000);
    const pipelineSeconds = (performance.now() - started) / 1000;
    const counts = system.meter.counts();
    const pipelineWrites = itemWrites(counts);
    const storeSeconds = await rawWrites(system.storeEndpoint, pipelineWrites);
    return {
      cases: count,
      pipelineSeconds: round(pipelineSeconds, 2),
      pipelineCasesPerSec: round(count / pipelineSeconds, 1),
      pipelineWrites,
      storeWritesPerSec: round(pipelineWrites / storeSeconds, 0),
      efficiency: round(storeSeconds / pipelineSeconds, 3),
    };
  }
}

/** Item writes in calls: each write call is one item, a batch its items (counted as 25). */
function itemWrites(counts: MeterCounts): number {
  const c = counts.calls;
  return (
    (c.PutItem ?? 0) + (c.UpdateItem ?? 0) + (c.DeleteItem ?? 0) + 25 * (c.BatchWriteItem ?? 0)
  );
}

/**
 * The store's own write rate: as many single PutItems of case-sized items (about 1.3 KB with
 * one index's keys) as the pipeline wrote, 16 in flight, on the same store process — the kind
 * of write the pipeline makes.
 */
async function rawWrites(endpoint: string, writes: number): Promise<number> {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const padding = "x".repeat(1200);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < writes; i = next++)
        await client.send(
          new PutItemCommand({
            TableName: "cases",
            Item: {
              pk: { S: `BENCH#${i}` },
              sk: { S: "RAW" },
              type: { S: "bench" },
              gsi1pk: { S: `BENCHWAYBILL#${i % 97}` },
              gsi1sk: { S: `${i}` },
              body: { S: padding },
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
    }),
  );
  client.destroy();
  return (performance.now() - started) / 1000;
}

/** The full lifecycle of `count` cases, metered. */
export async function measureLifecycle(
  system: System,
  { quick }: { quick: boolean },
): Promise<LifecycleResult> {
  const count = quick ? 20 : 100;
  system.meter.measure(true);
  const url = system.runtime.url;
  let apiRequests = 0;
  const http = async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers = {},
  ) => {
    apiRequests++;
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get("etag"),
      body: text ? JSON.parse(text) : undefined,
    };
  };
  {
    const admin = await issueToken(system.dataDir, { sub: "admin-1", groups: ["admins"] });
    const counted = startCounting(system);
    await system.publish(events(count, "BL", new Date()), 2);
    await system.runtime.idle(600_000);
    const toAssigned = perCase(system.meter.counts(), count);

    // The agent answers and resolves each case, with the ETag they read.
    const cases: { caseId: string; assignee: string | null }[] = [];
    for (let i = 0; i < count; i++) {
      const found = await http("GET", `/v1/cases?waybillNo=BL${String(i).padStart(8, "0")}`, admin);
      cases.push(found.body.items[0]);
    }
    for (const c of cases) {
      const agent = await issueToken(system.dataDir, {
        sub: c.assignee ?? "admin-1",
        groups: [c.assignee ? "agents" : "admins"],
      });
      for (const [action, body] of [
        ["responses", { text: "您好，已为您核实处理" }],
        ["resolve", { resolution: "已赔付" }],
      ] as const) {
        const read = await http("GET", `/v1/cases/${c.caseId}`, agent);
        const done = await http("POST", `/v1/cases/${c.caseId}/${action}`, agent, body, {
          "if-match": read.etag,
        });
        if (done.status !== 200) throw new Error(`${action} ${c.caseId}: ${done.status}`);
      }
    }
    await system.runtime.idle(600_000);
    // A day later the calls are due; each customer is reached and satisfied: the case closes.
    const moved = await http("POST", "/_local/clock", undefined, { advance: "P1D" });
    if (moved.status !== 200) throw new Error(`clock: ${moved.status}`);
    await system.runtime.idle(600_000);
    for (const c of cases) {
      const id = `FU-${c.caseId.replace(/^CS-/, "")}-1`;
      const read = await http("GET", `/v1/follow-ups/${id}`, admin);
      const done = await http(
        "POST",
        `/v1/follow-ups/${id}/outcome`,
        admin,
        { reached: true, satisfaction: 5, resolved: true },
        { "if-match": read.etag },
      );
      if (done.status !== 200) throw new Error(`outcome ${id}: ${done.status}`);
    }
    await system.runtime.idle(600_000);
    const { dynamo, busEvents, queueMessages } = counted(count);
    return {
      cases: count,
      toAssigned,
      lifecycle: dynamo,
      busEvents,
      queueMessages,
      apiRequests: round(apiRequests / count, 2),
    };
  }
}

/**
 * Counts from now on: DynamoDB (the meter), bus events by type and messages into each queue.
 * The function it returns gives them per unit, for `units` cases or parcels.
 */
function startCounting(system: System) {
  system.meter.reset();
  for (const key of Object.keys(system.bus)) delete system.bus[key];
  const before = queueAccepted(system.runtime);
  return (units: number) => ({
    dynamo: perCase(system.meter.counts(), units),
    busEvents: Object.fromEntries(
      Object.entries(system.bus).map(([type, n]) => [type, round(n / units, 2)]),
    ),
    queueMessages: Object.fromEntries(
      Object.entries(queueAccepted(system.runtime)).map(([q, n]) => [
        q,
        round((n - (before[q] ?? 0)) / units, 2),
      ]),
    ),
  });
}

function queueAccepted(runtime: LocalRuntime): Record<string, number> {
  return Object.fromEntries([...runtime.queues.values()].map((q) => [q.name, q.totals().accepted]));
}

function perCase(counts: MeterCounts, cases: number): PerCase {
  const per = (n: number) => round(n / cases, 2);
  return {
    writes: per(counts.writes),
    reads: per(counts.reads),
    writeUnits: per(counts.writeUnits),
    indexWriteUnits: per(counts.indexWriteUnits),
    readUnits: per(counts.readUnits),
    calls: Object.fromEntries(Object.entries(counts.calls).map(([op, n]) => [op, per(n)])),
    writeUnitsByType: Object.fromEntries(
      Object.entries(counts.writeUnitsByType)
        .sort(([, a], [, b]) => b - a)
        .map(([type, n]) => [type, per(n)]),
    ),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Parcel Delivered for waybills without a case: a courier delivers about 100 parcels for every
 * case (a 1 % exception rate), so their cost counts next to the cases'.
 */
export async function measureDeliveries(
  system: System,
  { quick }: { quick: boolean },
): Promise<DeliveryResult> {
  const parcels = quick ? 100 : 400;
  system.meter.measure(true);
  const counted = startCounting(system);
  const at = new Date().toISOString();
  const list = Array.from({ length: parcels }, (_, i) => ({
    detailType: "Parcel Delivered",
    detail: {
      eventId: `DL-${i}`,
      waybillNo: `DL${String(i).padStart(8, "0")}`,
      occurredAt: at,
      deliveredAt: at,
      customer: { id: `cust-DL-${i % 997}`, tier: i % 50 === 0 ? "vip" : "regular" },
      outletId: `outlet-${i % 40}`,
      courierId: `courier-${i % 200}`,
      region: ["east", "north", "south", "west"][i % 4],
    },
  }));
  await system.publish(list, 4);
  await system.runtime.idle(600_000);
  const { dynamo, busEvents, queueMessages } = counted(parcels);
  return { parcels, perParcel: dynamo, busEvents, queueMessages };
}

/** All three, on one system: the lifecycle first, on an empty store (its day on the clock must not wake other cases). */
export async function measurePipelineAndLifecycle({ quick }: { quick: boolean }) {
  const system = await startSystem();
  try {
    const lifecycle = await measureLifecycle(system, { quick });
    const pipeline = await measurePipeline(system, { quick });
    // Last, so the pipeline runs on the store as before the parcels were added.
    const deliveries = await measureDeliveries(system, { quick });
    return { pipeline, lifecycle, deliveries };
  } finally {
    await system.stop();
  }
}
