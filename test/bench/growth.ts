// Benchmark (issue 12): how the API's case listings and a case read grow with the data.
//
// What it measures: the latency (p50, p99, ms) of `GET /v1/cases` with each documented filter
// (functions/api/api-reference.md `GET /v1/cases`: status, team, assignee, priority, category,
// waybillNo, and the combinations the store plans for, infra/data-model.md "Access patterns")
// and of `GET /v1/cases/{caseId}`, through the local runtime's HTTP API (in this process) on the
// embedded store (dynalite) in a process of its own (store-process.ts; in AWS the store is
// another service), at a fixed concurrency (4 clients), for two sizes: 1,000 cases, and
// 100,000 (full) or 5,000 (quick), each a table in the same store (`cases-small` and the
// runtime's `cases`; the functions read the table's name at each call). Each filter is measured
// on both sizes back to back, the small one first every other filter, so that a machine that
// slows down for a while slows both alike. `ratio` is p99 large / p99 small: 1 for a read that
// does not grow with the data. It also counts, per request, the
// Queries the API made and the items they read (ScannedCount) against those they returned
// (Count): a filter without an index of its own reads until it has a page, or the partition ends.
// Each listing asks for as many cases as it found at 1,000 (at most the page of 25), so both
// sizes answer the same amount: a filter that matches more at 100,000 would otherwise be timed on
// a fuller page there, not on what the data's growth costs.
//
// Seeding does not go through the pipeline (far too slow for 100,000 cases): case items are
// written straight into the tables with BatchWriteItem, shaped as the store keeps them.
// Each item is built by the store's own `caseItem` (shared/adapters/case-store.ts); the
// cases themselves are built with `newCase` (shared/domain/case.ts) and classified with the
// classifier's `decide`, spread over the seeded organisation's teams and agents, the categories
// (none of `price`: `category=price` is the filter that matches nothing), the statuses and
// priorities, and the last 60 days. Not written: open-case guards, customer refs and SLA timers
// (they live in partitions of their own that no listing reads; without timers the SLA watch has
// nothing to do while we measure), and no case is left `new` (the sweeper would re-drive it).
//
// Every filter gets the same number of requests (quick 40, full 1,000: p99 is then the tenth
// slowest, not one outlier) unless its time budget (quick 0.2 s, full 4 s) runs out first: then
// fewer, at least one per client (a filter that reads the whole store can take seconds a
// request); the table says how many were timed. p50 and p99 are nearest-rank (with 40 requests
// or fewer, p99 is the slowest). An answer other than 200 is counted by status, not timed; when
// a filter's requests all ran into the api-read function's 10 s timeout (500), `ratioAtLeast`
// gives the lower bound that implies.
//
// The clients, the HTTP API and the functions share this process's thread; the store has its
// own. A request that keeps the API busy slows the three others (4 clients: up to 4× its own
// time). Before each filter both processes collect their garbage (full mode); `gc max` in the
// table is the longest pause of each while the filter ran. A request that timed out goes on
// reading in the background (locally nothing freezes it as Lambda would): the next filter waits
// until the store is quiet. Before the small size is measured every request is sent once
// (warm-up). The functions' logs are at ERROR (quiet.ts); the timeouts' errors go to stderr.
//
// Large size: in full mode 100,000 is seeded a chunk at a time and growth stops early if the
// next chunk would pass 190 s since the start (`sizes.largeNote` then says so); on this
// machine 100,000 takes about a minute.
//
//   node --import tsx test/bench/growth.ts [--quick] [--json]
import "../integration/quiet.ts";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BatchWriteCommand, type BatchWriteCommandOutput } from "@aws-sdk/lib-dynamodb";
import { isEntryPoint } from "#infra/cli/entry-point.ts";
import { issueToken } from "#infra/local/local-auth.ts";
import { startLocalRuntime } from "#infra/local/runtime.ts";
import { ensureTables } from "#infra/local/dynamo-server.ts";
import { DEFAULT_ORG_FILE, seedOrganisation } from "#infra/local/seed-organisation.ts";
import { envNames, tables } from "#infra/topology.ts";
import { mulberry32 } from "#infra/seeded-random.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { caseItem } from "#shared/adapters/case-store.ts";
import { config } from "#shared/adapters/config.ts";
import {
  type Case,
  type CaseStatus,
  type Category,
  type Channel,
  newCase,
} from "#shared/domain/case.ts";
import { caseIdFor } from "#shared/domain/case-id.ts";
import { decide, type Signal } from "#shared/domain/classifier/index.ts";

// ---- the result ------------------------------------------------------------------------------

export interface Latency {
  /** Requests sent. */
  readonly requests: number;
  /** Of which answered 200 (the ones timed). */
  readonly timed: number;
  /** Answers other than 200, by status ("timeout" for a request given up after 120 s). */
  readonly otherStatuses: Record<string, number>;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** How long the answers other than 200 took, median (a 500 after 10 s: the function's timeout). */
  readonly otherMedianMs: number | null;
  /** Items on the page answered, on average. */
  readonly itemsPerAnswer: number | null;
  /** Per request, on average: Queries (and GetItems) the API made, items they read and returned. */
  readonly reads: {
    readonly queries: number;
    readonly gets: number;
    readonly scanned: number;
    readonly returned: number;
  };
  /** The longest garbage-collection pause while the filter was measured (an outlier's cause). */
  readonly gcMaxPauseMs: number;
  /** The same in the store's process. */
  readonly storeGcMaxPauseMs: number | null;
  /** How long the API took to stop reading before this filter (see `settle`). */
  readonly settledSeconds: number;
}

export interface FilterGrowth {
  readonly filter: string;
  /** The request, with a sample value where it takes one (waybillNo, caseId rotate). */
  readonly path: string;
  readonly small: Latency;
  readonly large: Latency;
  /** p99 large / p99 small; null when either size had no 200. */
  readonly ratio: number | null;
  /**
   * When the large size had no 200 because its requests ran into the function's timeout (500
   * after 10 s) or ours: how long those took / p99 small, a lower bound of the ratio (the read
   * would have taken longer still). Null otherwise.
   */
  readonly ratioAtLeast: number | null;
}

export interface GrowthResult {
  readonly mode: "quick" | "full";
  readonly sizes: {
    readonly small: number;
    /** The large size used. */
    readonly large: number;
    /** The large size asked for (100,000 full, 5,000 quick). */
    readonly largeRequested: number;
    /** Why large is below largeRequested, if it is. */
    readonly largeNote: string | null;
  };
  readonly concurrency: number;
  readonly requestsPerFilter: number;
  readonly timeBudgetPerFilterSeconds: number;
  readonly seeding: {
    readonly seconds: number;
    readonly casesPerSecond: number;
    readonly small: { readonly cases: number; readonly seconds: number };
    readonly large: { readonly cases: number; readonly seconds: number };
  };
  readonly filters: FilterGrowth[];
  /** p99 of a team's queue (`GET /v1/cases?team=delivery-ops&status=queued`). */
  readonly queueP99MsSmall: number | null;
  readonly queueP99MsLarge: number | null;
  /**
   * The largest ratio over all filters, and its filter; a filter with only `ratioAtLeast` counts
   * with it, and then `p99GrowthRatioIsLowerBound` is true.
   */
  readonly p99GrowthRatio: number | null;
  readonly worstFilter: string | null;
  readonly p99GrowthRatioIsLowerBound: boolean;
  /** Filters that answered 200 at the small size but never at the large one (no ratio). */
  readonly failedAtLarge: string[];
  /** Where the time went, in seconds: the runtime's start, seeding, warm-up, measuring. */
  readonly phases: Record<string, number>;
  readonly totalSeconds: number;
}

// ---- settings --------------------------------------------------------------------------------

const SMALL = 1_000;
const CONCURRENCY = 4;
const BATCH = 25;
const BATCHES_IN_FLIGHT = 4;
const REQUEST_TIMEOUT_MS = 120_000;
const SEED = 12;
const DAYS = 60;
/** The team whose queue is the queue of the result. */
const QUEUE_TEAM = "delivery-ops";

interface MeasureSettings {
  readonly requestsPerFilter: number;
  readonly budgetSeconds: number;
  /** Clients sending at once (CONCURRENCY unless said). */
  readonly concurrency?: number;
  /** A full garbage collection before the filter (full mode: the heap holds 100,000 items). */
  readonly collectGarbage?: boolean;
}

interface Settings extends MeasureSettings {
  readonly large: number;
  /** Seeding stops growing the large store when this many seconds have passed since the start. */
  readonly seedDeadlineSeconds: number;
  /** Cases seeded between two looks at the clock while growing to large. */
  readonly chunk: number;
}

/** The warm-up: one request per probe, one client. */
/** The API's page size when a listing gives no `limit`. */
const DEFAULT_PAGE = 25;
const WARM_UP = { requestsPerFilter: 1, budgetSeconds: 0, concurrency: 1 };

// Quick: 5,000 cases at the large size, so that the whole quick bench stays within a minute.
const QUICK: Settings = {
  large: 5_000,
  requestsPerFilter: 40,
  budgetSeconds: 0.2,
  seedDeadlineSeconds: 15,
  chunk: 4_000,
};
const FULL: Settings = {
  large: 100_000,
  requestsPerFilter: 1_000,
  budgetSeconds: 4,
  collectGarbage: true,
  seedDeadlineSeconds: 190,
  chunk: 5_000,
};

// ---- the organisation and the cases ----------------------------------------------------------

interface OrgFile {
  teams: { teamId: string; categories: string[] }[];
  agents: { agentId: string; team: string; skills: string[] }[];
}

const org = JSON.parse(readFileSync(DEFAULT_ORG_FILE, "utf8")) as OrgFile;
const teamOfCategory = new Map<string, string>(
  org.teams.flatMap((t) => t.categories.map((c) => [c, t.teamId] as const)),
);
const agentsFor = (team: string, category: Category) =>
  org.agents.filter((a) => a.team === team && a.skills.includes(category)).map((a) => a.agentId);

/** Category weights: no `price` at all (the filter that matches nothing). */
const CATEGORY_WEIGHTS: readonly [Category, number][] = [
  ["delay", 34],
  ["damage", 12],
  ["loss", 6],
  ["attitude", 8],
  ["information", 10],
  ["suggestion", 4],
  ["inquiry", 20],
  ["other", 6],
];

const EVENT_TYPES: Partial<Record<Category, string>> = {
  delay: "Parcel Delayed",
  damage: "Parcel Damaged",
  loss: "Parcel Lost",
};

const TEXTS: Record<Category, readonly string[]> = {
  delay: ["快递三天了还没到，单号{w}", "My parcel {w} is late again", "物流一直不更新，什么时候到"],
  damage: ["东西摔坏了，外箱压扁了", "The vase arrived broken, worth 800 yuan", "包裹破損了"],
  loss: ["包裹丢了，要求赔偿", "Package lost, I want a refund", "显示签收但没收到"],
  attitude: ["快递员态度太差，骂人", "The courier was rude", "派送员把东西扔在门口，我要投诉"],
  information: ["物流信息错了", "Tracking shows the wrong city", "地址显示不对"],
  price: ["运费太贵了"],
  suggestion: ["建议晚上也能派送", "Please add weekend delivery", "希望能提前打电话"],
  inquiry: ["什么时候能送到？", "When will it arrive?", "请问寄到北京多少钱"],
  other: ["谢谢", "Thanks", "你好"],
};

/** Status by the case's age: recent cases are open, old ones mostly resolved or closed. */
function statusFor(ageDays: number, random: () => number): CaseStatus {
  const r = random();
  if (ageDays < 2)
    return r < 0.15
      ? "queued"
      : r < 0.4
        ? "assigned"
        : r < 0.7
          ? "in_progress"
          : r < 0.8
            ? "waiting"
            : "resolved";
  if (ageDays < 14)
    return r < 0.02
      ? "queued"
      : r < 0.05
        ? "assigned"
        : r < 0.15
          ? "in_progress"
          : r < 0.25
            ? "waiting"
            : r < 0.7
              ? "resolved"
              : r < 0.97
                ? "closed"
                : "reopened";
  return r < 0.005
    ? "queued"
    : r < 0.015
      ? "in_progress"
      : r < 0.025
        ? "waiting"
        : r < 0.035
          ? "reopened"
          : r < 0.25
            ? "resolved"
            : "closed";
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The generator of the seeded cases: case `i` is the same for the same seed and `now`, whatever
 * was generated before (each case draws from its own seeded stream).
 */
function caseAt(i: number, now: number): Case {
  const random = mulberry32((SEED * 1_000_003 + i * 7919) >>> 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const total = CATEGORY_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let draw = random() * total;
  let category: Category = "other";
  for (const [c, w] of CATEGORY_WEIGHTS) {
    if ((draw -= w) < 0) {
      category = c;
      break;
    }
  }
  const ageDays = random() * DAYS;
  const createdMs = now - Math.floor(ageDays * DAY) - 1;
  const status = statusFor(ageDays, random);
  const team = teamOfCategory.get(category) ?? "customer-care";
  const assignee = status === "queued" ? null : (pick(agentsFor(team, category)) ?? null);
  // One waybill in ten has an earlier case (another problem, or a repeat); some messages none.
  const eventType = EVENT_TYPES[category];
  const source = eventType && random() < 0.55 ? "event" : "feedback";
  const waybillNo =
    source === "feedback" && random() < 0.08
      ? null
      : `SF${String(1_000_000_000 + (random() < 0.1 && i > 0 ? Math.floor(random() * i) : i))}`;
  const vip = random() < 0.06;
  const declaredValue =
    category === "damage" || category === "loss"
      ? Math.round(20 + random() ** 3 * 5000)
      : undefined;
  const signals: Signal[] = [];
  if (random() < 0.25) signals.push("complaint");
  if (random() < 0.1) signals.push("demand");
  if (random() < 0.03) signals.push("outside-escalation");
  const decided = decide({
    category,
    signals,
    customerTier: vip ? "vip" : "regular",
    ...(declaredValue !== undefined ? { declaredValue } : {}),
    ...(source === "event" ? { deliveryException: true } : {}),
  });
  const channel: Channel | null =
    source === "feedback" ? pick(["phone", "online", "email", "app"]) : null;
  const eventId = `bench-${SEED}-${i}`;
  const customerNo = 1000 + Math.floor(random() * 40_000);
  const routedMs = createdMs + 2_000;
  const respondedMs = createdMs + Math.floor(random() * 4 * 60 * MINUTE);
  const endedMs = createdMs + Math.floor(random() * Math.min(ageDays, 5) * DAY);
  const answered = !["queued", "assigned"].includes(status);
  const resolved = ["resolved", "closed", "reopened"].includes(status);
  const text = pick(TEXTS[category]).replace("{w}", waybillNo ?? "");
  return newCase(
    {
      caseId: caseIdFor(`${source === "event" ? "event" : "message"}:${eventId}`),
      waybillNo,
      category,
      source,
      channel,
      trigger: {
        detailType: eventType && source === "event" ? eventType : "Customer Message",
        eventId,
        occurredAt: iso(createdMs - 1_000),
      },
      facts: {
        ...(declaredValue !== undefined ? { declaredValue } : {}),
        outletId: `SH-PD-${String(1 + Math.floor(random() * 60)).padStart(3, "0")}`,
        courierId: `courier-${1 + Math.floor(random() * 300)}`,
        region: pick(["Shanghai", "Beijing", "Guangzhou", "Shenzhen", "Hangzhou", "Chengdu"]),
      },
      customer: {
        id: `cust-${customerNo}`,
        name: pick(["Han Meimei", "Li Lei", "Wang Fang", "Zhang Wei", "陈静", "刘洋"]),
        phone: `139${String(10_000_000 + customerNo * 37).slice(-8)}`,
        tier: vip ? "vip" : "regular",
      },
      receivedAt: new Date(createdMs - 1_000),
    },
    new Date(createdMs),
    {
      status,
      severity: decided.severity,
      priority: decided.priority,
      feedbackType: decided.feedbackType,
      team,
      assignee,
      escalated: decided.severity === "severe",
      ...(decided.severity === "severe" ? { escalationLevel: 1 } : {}),
      sla: {
        firstResponseDue: iso(createdMs + 2 * 60 * MINUTE),
        resolutionDue: iso(createdMs + DAY),
        firstRespondedAt: answered ? iso(respondedMs) : null,
        breached: random() < 0.07,
        nextCheckAt: null,
      },
      classifiedAt: iso(createdMs + 1_000),
      routedAt: iso(routedMs),
      routeReason: assignee
        ? vip
          ? "vip-dedicated-agent"
          : "least-loaded-agent"
        : "no-agent-available",
      updatedAt: iso(Math.max(routedMs, answered ? respondedMs : 0, resolved ? endedMs : 0)),
      textSignals: signals,
      confidence: source === "event" ? 1 : Math.round((0.6 + random() * 0.4) * 100) / 100,
      text: source === "feedback" ? text : null,
      ...(resolved
        ? { resolvedAt: iso(endedMs), resolutions: 1, resolution: "resolved with the customer" }
        : {}),
      ...(status === "closed"
        ? { closedAt: iso(endedMs + DAY), closeReason: "the customer is satisfied" }
        : {}),
      ...(status === "waiting" ? { waitingReason: "waiting for the outlet's answer" } : {}),
      version: answered ? (resolved ? 6 : 4) : 3,
    },
  );
}

/** Writes cases `from` to `to - 1`: 25 a request, several requests in flight, retries what is left. */
async function seedCases(
  from: number,
  to: number,
  now: number,
  seeded: Case[],
  inFlight = BATCHES_IN_FLIGHT,
): Promise<void> {
  const client = dynamoDocumentClient();
  const table = config.casesTable();
  let next = from;
  const writer = async () => {
    while (next < to) {
      const start = next;
      next = Math.min(to, next + BATCH);
      const cases: Case[] = [];
      for (let i = start; i < next; i++) cases.push(caseAt(i, now));
      seeded.push(...cases);
      let requests = cases.map((c) => ({ PutRequest: { Item: caseItem(c) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= 10)
          throw new Error(`BatchWriteItem left ${requests.length} items after 10 tries`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const out: BatchWriteCommandOutput = await client.send(
          new BatchWriteCommand({ RequestItems: { [table]: requests } }),
        );
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, writer));
}

/** The embedded store in a child process (store-process.ts). */
interface StoreProcess {
  readonly endpoint: string;
  /** A full garbage collection in the store's process (and its pause watch reset). */
  collect(): Promise<void>;
  /** The longest garbage-collection pause in the store's process since `collect`, ms. */
  maxPauseMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The store of the run, for `measure`. */
let storeProcess: StoreProcess | undefined;

async function startStoreProcess(): Promise<StoreProcess> {
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "test/bench/store-process.ts"],
    { stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("\n")) resolve(out.split("\n")[0] as string);
    });
    child.once("exit", (code) => reject(new Error(`The store process exited (${code})`)));
  });
  const ask = <T>(message: string, answer: (reply: any) => T | undefined) =>
    new Promise<T>((resolve) => {
      const listen = (reply: unknown) => {
        const value = answer(reply);
        if (value === undefined) return;
        child.off("message", listen);
        resolve(value);
      };
      child.on("message", listen);
      child.send(message);
    });
  return {
    endpoint,
    collect: () => ask("gc", (reply) => (reply?.gc ? true : undefined)).then(() => undefined),
    maxPauseMs: () =>
      ask("pauses", (reply) =>
        typeof reply?.maxPauseMs === "number" ? reply.maxPauseMs : undefined,
      ),
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

// ---- counting what the API reads ---------------------------------------------------------------

/**
 * The functions run in this process and share the one DocumentClient (aws-clients.ts): a
 * middleware on it counts the Queries and GetItems the API makes while a filter is measured.
 */
const readCounter = { on: false, queries: 0, gets: 0, scanned: 0, returned: 0 };
/** DynamoDB calls in flight, and when the last one started (performance.now()). */
const activity = { inFlight: 0, lastStart: 0, failed: false };

/** Seconds spent between the filters: waiting for the API to stop reading, collecting garbage. */
const housekeeping = { settleSeconds: 0, gcSeconds: 0 };

let counting = false;

function countReads(): void {
  if (counting) return;
  counting = true;
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => async (args) => {
      activity.inFlight++;
      activity.lastStart = performance.now();
      let result;
      try {
        result = await next(args);
      } finally {
        activity.inFlight--;
      }
      if (readCounter.on) {
        const output = result.output as { ScannedCount?: number; Count?: number };
        if (context.commandName === "QueryCommand") {
          readCounter.queries++;
          readCounter.scanned += output.ScannedCount ?? 0;
          readCounter.returned += output.Count ?? 0;
        } else if (context.commandName === "GetItemCommand" || context.commandName === "GetCommand")
          readCounter.gets++;
      }
      return result;
    },
    { step: "initialize", name: "benchReadCounter" },
  );
}

/**
 * Waits until the API has stopped reading: a request that ran past the function's timeout was
 * answered 500 but its handler runs on here (the local runtime cannot freeze it as Lambda
 * would) and would load the next filter's measurement. Returns the seconds waited.
 */
async function settle(maxSeconds = 120): Promise<number> {
  const started = performance.now();
  // Only a failed request can leave a handler running; else nothing in flight is enough.
  const quiet = () =>
    activity.inFlight === 0 && (!activity.failed || performance.now() - activity.lastStart > 250);
  while (!quiet() && performance.now() - started < maxSeconds * 1000)
    await new Promise((r) => setTimeout(r, 20));
  activity.failed = false;
  const seconds = (performance.now() - started) / 1000;
  housekeeping.settleSeconds += seconds;
  return seconds;
}

/**
 * A full garbage collection before each filter, so that one filter does not pay for the garbage
 * of the one before (the store's items are all on this heap: a major collection takes long).
 * Node has no `gc` without --expose-gc; the flag can be set at run time, and `gc` then taken
 * from a new context.
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    const found = runInNewContext("gc") as unknown;
    gc = typeof found === "function" ? (found as () => void) : () => undefined;
  }
  gc();
}

/** The longest garbage-collection pause that started while a filter was measured, ms. */
const gcWatch = { from: Infinity, maxPauseMs: 0 };
let gcObserver: PerformanceObserver | undefined;
function watchGarbageCollection(): void {
  gcObserver ??= new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (entry.startTime >= gcWatch.from)
        gcWatch.maxPauseMs = Math.max(gcWatch.maxPauseMs, entry.duration);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
}

// ---- measuring -------------------------------------------------------------------------------

interface Probe {
  readonly filter: string;
  /** The i-th request's path. */
  path(i: number): string;
  /** A listing whose page size is set after the warm-up (`limit`). */
  readonly pageSized?: boolean;
  limit?: number;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return Number((sorted[rank - 1] as number).toFixed(2));
}

async function measure(
  url: string,
  token: string,
  probe: Probe,
  settings: MeasureSettings,
): Promise<Latency> {
  const latencies: number[] = [];
  const failures: number[] = [];
  const otherStatuses: Record<string, number> = {};
  let items = 0;
  let sent = 0;
  const budgetMs = settings.budgetSeconds * 1000;
  const settledSeconds = await settle();
  if (settings.collectGarbage) {
    const t0 = performance.now();
    collectGarbage();
    await storeProcess?.collect();
    housekeeping.gcSeconds += (performance.now() - t0) / 1000;
  }
  Object.assign(readCounter, { on: true, queries: 0, gets: 0, scanned: 0, returned: 0 });
  const started = performance.now();
  Object.assign(gcWatch, { from: started, maxPauseMs: 0 });
  const client = async () => {
    let mine = 0;
    // Each client sends at least one; then until the count or the time budget runs out.
    while (
      sent < settings.requestsPerFilter &&
      (mine === 0 || performance.now() - started < budgetMs)
    ) {
      const i = sent++;
      mine++;
      const t0 = performance.now();
      let status: string;
      let body: unknown = null;
      try {
        const response = await fetch(`${url}${probe.path(i)}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        status = String(response.status);
        if (response.status === 200) body = JSON.parse(text);
      } catch (error) {
        status = (error as Error).name === "TimeoutError" ? "timeout" : "error";
      }
      const ms = performance.now() - t0;
      if (status === "200") {
        latencies.push(ms);
        const page = body as { items?: unknown[] };
        items += Array.isArray(page.items) ? page.items.length : 1;
      } else {
        otherStatuses[status] = (otherStatuses[status] ?? 0) + 1;
        activity.failed = true;
        failures.push(ms);
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency ?? CONCURRENCY }, client));
  readCounter.on = false;
  gcWatch.from = Infinity;
  latencies.sort((a, b) => a - b);
  failures.sort((a, b) => a - b);
  const per = (n: number) => Number((n / Math.max(1, sent)).toFixed(1));
  return {
    requests: sent,
    timed: latencies.length,
    otherStatuses,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    otherMedianMs: percentile(failures, 50),
    itemsPerAnswer: latencies.length ? Number((items / latencies.length).toFixed(1)) : null,
    reads: {
      queries: per(readCounter.queries),
      gets: per(readCounter.gets),
      scanned: per(readCounter.scanned),
      returned: per(readCounter.returned),
    },
    gcMaxPauseMs: Number(gcWatch.maxPauseMs.toFixed(1)),
    storeGcMaxPauseMs: storeProcess ? Number((await storeProcess.maxPauseMs()).toFixed(1)) : null,
    settledSeconds: Number(settledSeconds.toFixed(2)),
  };
}

/** The filters measured, with values from the cases seeded so far (the small set's). */
function probesFor(sample: readonly Case[]): Probe[] {
  const withWaybill = sample.filter((c) => c.waybillNo !== null).slice(0, 64);
  const ids = sample.slice(0, 64).map((c) => c.caseId);
  const list = (filter: string): Probe => {
    const probe: Probe = {
      filter,
      path: () => {
        const query = [
          filter === "(none)" ? "" : filter,
          probe.limit ? `limit=${probe.limit}` : "",
        ];
        return `/v1/cases?${query.filter(Boolean).join("&")}`.replace(/\?$/, "");
      },
      pageSized: true,
    };
    return probe;
  };
  return [
    list("(none)"),
    list("status=queued"),
    list("status=in_progress"),
    list("team=claims"),
    list(`team=${QUEUE_TEAM}&status=queued`),
    list("team=claims&status=in_progress"),
    list("team=claims&priority=urgent"),
    list("team=customer-care&category=inquiry"),
    list("team=billing"),
    list("assignee=agent-claims-1"),
    list("assignee=agent-delivery-1&status=in_progress"),
    list("assignee=agent-care-1&team=customer-care"),
    list("priority=urgent"),
    list("category=damage"),
    list("status=queued&priority=urgent"),
    list("category=price"),
    {
      filter: "waybillNo",
      path: (i) => `/v1/cases?waybillNo=${(withWaybill[i % withWaybill.length] as Case).waybillNo}`,
    },
    {
      filter: "waybillNo&category",
      path: (i) => {
        const c = withWaybill[i % withWaybill.length] as Case;
        return `/v1/cases?waybillNo=${c.waybillNo}&category=${c.category}`;
      },
    },
    { filter: "GET /v1/cases/{caseId}", path: (i) => `/v1/cases/${ids[i % ids.length]}` },
  ];
}

const QUEUE_FILTER = `team=${QUEUE_TEAM}&status=queued`;

/** The runtime's table holds the large size; the small one has a table of its own. */
const LARGE_TABLE = "cases";
const SMALL_TABLE = "cases-small";
/** Points the functions (and the seeding) at a table: they read its name at each call. */
const useTable = (name: string) => {
  process.env[envNames.tableName("cases")] = name;
};

export async function measureGrowth(options: { quick: boolean }): Promise<GrowthResult> {
  const settings = options.quick ? QUICK : FULL;
  const begun = performance.now();
  const elapsed = () => (performance.now() - begun) / 1000;
  const phases: Record<string, number> = {};
  let phaseStart = 0;
  const phase = (name: string) => {
    const at = elapsed();
    phases[name] = Number((at - phaseStart).toFixed(2));
    phaseStart = at;
  };
  const dataDir = await mkdtemp(join(tmpdir(), "courier-care-bench-"));
  const store = await startStoreProcess();
  storeProcess = store;
  const endpointBefore = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = store.endpoint;
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    log: () => undefined,
    throttle: { rateLimit: 1_000_000, burstLimit: 1_000_000 },
  });
  try {
    countReads();
    watchGarbageCollection();
    const token = await issueToken(dataDir, { sub: "ops-bench", groups: ["ops"] });
    phase("start");
    const now = Date.now();
    const seeded: Case[] = [];

    // The small size is a table of its own in the same store (the organisation and the first
    // 1,000 cases), so that each filter is measured on both sizes back to back, in turn: a
    // machine that slows down for a while slows both alike.
    await ensureTables(
      store.endpoint,
      tables.filter((t) => t.name === "cases"),
      () => SMALL_TABLE,
    );
    useTable(SMALL_TABLE);
    await seedOrganisation(DEFAULT_ORG_FILE, new Date().toISOString());
    let t0 = performance.now();
    await seedCases(0, SMALL, now, seeded);
    const smallSeconds = (performance.now() - t0) / 1000;
    phase("seedSmall");
    const probes = probesFor(seeded);
    // Warm-up, untimed: every probe once, in turn (the API's code paths compiled and optimised).
    // Each listing asks for as many cases as it found at the small size (at most a page of 25),
    // so that both sizes answer the same: a filter that matches more at the large size would
    // otherwise be timed on a fuller page there, not on what the data's growth costs.
    for (const probe of probes) {
      const { itemsPerAnswer } = await measure(runtime.url, token, probe, WARM_UP);
      if (probe.pageSized && itemsPerAnswer && itemsPerAnswer < DEFAULT_PAGE)
        probe.limit = Math.max(1, Math.round(itemsPerAnswer));
    }
    phase("warmUp");

    // The large size, in the runtime's own table: the same first cases and the rest, a chunk at
    // a time, while the seeding deadline allows the next chunk.
    useTable(LARGE_TABLE);
    seeded.length = 0;
    t0 = performance.now();
    let size = 0;
    let largeNote: string | null = null;
    while (size < settings.large) {
      const chunk = Math.min(settings.chunk, settings.large - size);
      const chunkStart = performance.now();
      await seedCases(size, size + chunk, now, seeded);
      size += chunk;
      const chunkSeconds = (performance.now() - chunkStart) / 1000;
      const nextChunk = Math.min(settings.chunk, settings.large - size);
      if (
        nextChunk > 0 &&
        elapsed() + (chunkSeconds * nextChunk) / chunk > settings.seedDeadlineSeconds
      ) {
        largeNote = `seeding stopped at ${size} cases: the next ${nextChunk} would pass the ${settings.seedDeadlineSeconds} s seeding deadline (${Math.round(chunk / chunkSeconds)} cases/s on the last chunk)`;
        break;
      }
    }
    const largeSeconds = (performance.now() - t0) / 1000;
    phase("seedLarge");
    for (const probe of probes) {
      useTable(LARGE_TABLE);
      await measure(runtime.url, token, probe, WARM_UP);
    }
    const small = new Map<string, Latency>();
    const large = new Map<string, Latency>();
    for (const [i, probe] of probes.entries()) {
      // Each size first every other filter.
      for (const table of i % 2 === 0 ? [SMALL_TABLE, LARGE_TABLE] : [LARGE_TABLE, SMALL_TABLE]) {
        useTable(table);
        const latency = await measure(runtime.url, token, probe, settings);
        (table === SMALL_TABLE ? small : large).set(probe.filter, latency);
      }
    }
    useTable(LARGE_TABLE);
    phase("measure");
    const filters: FilterGrowth[] = probes.map((probe) => {
      const s = small.get(probe.filter) as Latency;
      const l = large.get(probe.filter) as Latency;
      const ratio = s.p99Ms && l.p99Ms ? Number((l.p99Ms / s.p99Ms).toFixed(2)) : null;
      const timedOut = ["500", "504", "timeout"].some((status) => l.otherStatuses[status]);
      const ratioAtLeast =
        ratio === null && s.p99Ms && timedOut && l.otherMedianMs && l.otherMedianMs > s.p99Ms
          ? Number((l.otherMedianMs / s.p99Ms).toFixed(2))
          : null;
      return { filter: probe.filter, path: probe.path(0), small: s, large: l, ratio, ratioAtLeast };
    });
    const growth = (f: FilterGrowth) => f.ratio ?? f.ratioAtLeast ?? -1;
    const worst = filters.reduce<FilterGrowth | null>(
      (w, f) => (growth(f) >= 0 && (w === null || growth(f) > growth(w)) ? f : w),
      null,
    );
    const queue = filters.find((f) => f.filter === QUEUE_FILTER) as FilterGrowth;
    const seedSeconds = smallSeconds + largeSeconds;
    return {
      mode: options.quick ? "quick" : "full",
      sizes: { small: SMALL, large: size, largeRequested: settings.large, largeNote },
      concurrency: CONCURRENCY,
      requestsPerFilter: settings.requestsPerFilter,
      timeBudgetPerFilterSeconds: settings.budgetSeconds,
      seeding: {
        seconds: Number(seedSeconds.toFixed(2)),
        casesPerSecond: Math.round((SMALL + size) / seedSeconds),
        small: { cases: SMALL, seconds: Number(smallSeconds.toFixed(2)) },
        large: { cases: size, seconds: Number(largeSeconds.toFixed(2)) },
      },
      filters,
      queueP99MsSmall: queue.small.p99Ms,
      queueP99MsLarge: queue.large.p99Ms,
      p99GrowthRatio: worst ? growth(worst) : null,
      worstFilter: worst?.filter ?? null,
      p99GrowthRatioIsLowerBound: worst !== null && worst.ratio === null,
      failedAtLarge: filters
        .filter((f) => f.small.timed > 0 && f.large.timed === 0)
        .map((f) => f.filter),
      phases: {
        ...phases,
        "of which settling": Number(housekeeping.settleSeconds.toFixed(2)),
        "of which gc": Number(housekeeping.gcSeconds.toFixed(2)),
      },
      totalSeconds: Number(elapsed().toFixed(1)),
    };
  } finally {
    gcObserver?.disconnect();
    await runtime.stop();
    await store.stop();
    if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = endpointBefore;
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---- CLI -------------------------------------------------------------------------------------

function table(result: GrowthResult): string {
  const ms = (v: number | null) => (v === null ? "—" : v.toFixed(1));
  const n = (l: Latency) =>
    `${l.timed}` +
    (Object.keys(l.otherStatuses).length
      ? ` (+${Object.entries(l.otherStatuses)
          .map(([s, k]) => `${k}×${s}`)
          .join(" ")} after ${Math.round(l.otherMedianMs ?? 0)} ms)`
      : "");
  const reads = (l: Latency) => `${l.reads.queries}q ${l.reads.scanned}→${l.reads.returned}`;
  const gc = (f: FilterGrowth) =>
    `${Math.round(f.small.gcMaxPauseMs)}/${Math.round(f.large.gcMaxPauseMs)}` +
    ` ${Math.round(f.small.storeGcMaxPauseMs ?? 0)}/${Math.round(f.large.storeGcMaxPauseMs ?? 0)}`;
  const rows = [
    [
      "filter",
      "n small",
      "p50 small",
      "p99 small",
      "n large",
      "p50 large",
      "p99 large",
      "ratio",
      "reads/req small",
      "reads/req large",
      "gc max api, store s/l",
    ],
    ...result.filters.map((f) => [
      f.filter,
      n(f.small),
      ms(f.small.p50Ms),
      ms(f.small.p99Ms),
      n(f.large),
      ms(f.large.p50Ms),
      ms(f.large.p99Ms),
      f.ratio !== null
        ? f.ratio.toFixed(2)
        : f.ratioAtLeast !== null
          ? `≥${f.ratioAtLeast.toFixed(2)}`
          : "—",
      reads(f.small),
      reads(f.large),
      gc(f),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [
    line(rows[0]!),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const result = await measureGrowth({ quick });
  if (!process.argv.includes("--json")) {
    const { sizes, seeding } = result;
    console.log(
      `growth (${result.mode}): ${sizes.small} → ${sizes.large} cases` +
        (sizes.large < sizes.largeRequested
          ? ` (asked for ${sizes.largeRequested}: ${sizes.largeNote})`
          : "") +
        `; seeded in ${seeding.seconds} s (${seeding.casesPerSecond} cases/s); ` +
        `${result.concurrency} clients, ${result.requestsPerFilter} requests a filter or ${result.timeBudgetPerFilterSeconds} s; ms; reads: queries, items read → returned\n`,
    );
    console.log(table(result));
    console.log(
      `\nqueue p99 ${result.queueP99MsSmall} → ${result.queueP99MsLarge} ms; ` +
        `worst p99 growth ${result.p99GrowthRatioIsLowerBound ? "at least " : ""}${result.p99GrowthRatio}× (${result.worstFilter})` +
        (result.failedAtLarge.length
          ? `; no 200 at all at the large size: ${result.failedAtLarge.join(", ")}`
          : "") +
        `; ${result.totalSeconds} s in all (${Object.entries(result.phases)
          .map(([k, v]) => `${k} ${v} s`)
          .join(", ")})\n`,
    );
  }
  console.log(JSON.stringify(result, null, 2));
}
