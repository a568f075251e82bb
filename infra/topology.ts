// The system's wiring, declared once as data. Read by the CDK app (infra/cdk) and by the
// local runtime (infra/local): adding a function, queue, rule or route is one entry here.

/** DynamoDB key schema, shared by the CDK table and the local store's CreateTable. */
export interface TableSpec {
  /** Logical name; the physical name is chosen by each runtime. */
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly {
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey: string;
    /**
     * The attributes an index holds besides the keys (INCLUDE): what its queries filter on.
     * The items themselves are read from the table (shared/adapters/index-query.ts), so a save
     * that changes none of these writes no index, and an index entry costs one write unit.
     */
    readonly projected: readonly string[];
  }[];
  /** Attribute holding an epoch-seconds expiry (DynamoDB TTL). Never relied on for correctness. */
  readonly timeToLiveAttribute?: string;
}

export interface FunctionSpec {
  /** Logical name; also the folder under functions/. */
  readonly name: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /**
   * What the function does with each table; each table named becomes env `<TABLE>_TABLE_NAME`
   * plus an IAM grant of exactly that (infra/cdk/care-function.ts). `read`: GetItem,
   * BatchGetItem and Query, on the table and its indexes; `write`: also PutItem, UpdateItem and
   * DeleteItem. Nobody gets Scan. The idempotency records of an SQS consumer are always read
   * and written.
   */
  readonly access: {
    readonly cases?: TableAccess;
    readonly idempotency?: "write";
  };
  /** Whether the function publishes domain events to the bus (env EVENT_BUS_NAME plus a grant). */
  readonly publishes: boolean;
  /** Queues the function may send to directly (env `<QUEUE>_DLQ_URL`), e.g. to reject poison messages. */
  readonly sendsToDeadLetterQueuesOf?: readonly string[];
}

export type TableName = "cases" | "idempotency";
export type TableAccess = "read" | "write";

/** The tables a function uses, with what it does with each, in the order of `tables`. */
export function tableAccessOf(spec: FunctionSpec): readonly [TableName, TableAccess][] {
  return tables.flatMap((table) => {
    const access = spec.access[table.name as TableName];
    return access ? [[table.name as TableName, access] as [TableName, TableAccess]] : [];
  });
}

export interface QueueSpec {
  readonly name: string;
  /** Function consuming the queue through an SQS event source mapping. */
  readonly consumer: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Must be at least 6 × the consumer's timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** At most 7: its dead-letter queue keeps 14 days, counted from a message's first enqueue. */
  readonly retentionDays: number;
  /**
   * The queue's SLA: its oldest message waiting longer than this (SQS ApproximateAgeOfOldestMessage)
   * raises an alarm (infra/cdk/monitoring.ts).
   */
  readonly maxMessageAgeSeconds: number;
}

/** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = { readonly [key: string]: unknown };

export interface RuleSpec {
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Queue receiving the matched events (the whole EventBridge event as the message body). */
  readonly targetQueue: string;
}

/**
 * A clock-driven schedule: every `rateMinutes` a "Scheduled Event" (source `aws.events`) goes to
 * the target queue. In AWS an EventBridge schedule rule on the default bus; locally the runtime
 * clock (a real-time timer, and every POST /_local/clock) fires it.
 */
export interface ScheduleSpec {
  readonly name: string;
  readonly description: string;
  readonly rateMinutes: number;
  readonly targetQueue: string;
}

export interface RouteSpec {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** API Gateway HTTP API path, with `{param}` placeholders. */
  readonly path: string;
  readonly function: string;
  /** JWT (Cognito) authorization required. */
  readonly auth: boolean;
}

/** Sources on the bus. Upstream systems publish as `courier.orders` (configurable); we publish as `courier.care`. */
export const DEFAULT_UPSTREAM_SOURCE = "courier.orders";
export const DOMAIN_EVENT_SOURCE = "courier.care";
export const DEFAULT_BUS_NAME = "courier-service";

export const UPSTREAM_DETAIL_TYPES = [
  "Parcel Delayed",
  "Parcel Damaged",
  "Parcel Lost",
  "Delivery Attempt Failed",
  "Parcel Delivered",
] as const;

export const tables: readonly TableSpec[] = [
  {
    name: "cases",
    partitionKey: "pk",
    sortKey: "sk",
    indexes: ["gsi1", "gsi2", "gsi3", "gsi4"].map((name) => ({
      name,
      partitionKey: `${name}pk`,
      sortKey: `${name}sk`,
      // The case listing's filters (shared/adapters/case-store.ts `planQuery`).
      projected: ["status", "team", "assignee", "priority", "category"],
    })),
    // KPI facts and message receipts expire by themselves (infra/data-model.md).
    timeToLiveAttribute: "expiresAt",
  },
  {
    name: "idempotency",
    partitionKey: "id",
    indexes: [],
    timeToLiveAttribute: "expiration",
  },
];

export const functions: readonly FunctionSpec[] = [
  {
    name: "intake",
    entry: "functions/intake/handler.ts",
    description: "Upstream delivery events → cases (one open case per waybill and problem)",
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { cases: "write", idempotency: "write" },
    publishes: true,
    sendsToDeadLetterQueuesOf: ["intake"],
  },
  {
    name: "classification",
    entry: "functions/classification/handler.ts",
    description: "Case Opened → category, severity, priority, feedback type, SLA deadlines",
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { cases: "write", idempotency: "write" },
    publishes: true,
  },
  {
    name: "assignment",
    entry: "functions/assignment/handler.ts",
    description:
      "Case Classified → team, then an on-shift agent with spare capacity, else the team queue",
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { cases: "write", idempotency: "write" },
    publishes: true,
  },
  {
    name: "sweeper",
    entry: "functions/sweeper/handler.ts",
    description:
      "Every minute: re-drives cases that stopped moving, watches SLAs, makes follow-up calls due",
    memoryMb: 512,
    timeoutSeconds: 60,
    access: { cases: "write", idempotency: "write" },
    publishes: true,
  },
  {
    name: "follow-up",
    entry: "functions/follow-up/handler.ts",
    description:
      "Case Resolved → the follow-up call (回访) scheduled in callable hours; its outcome → the case closed or reopened; Case Closed → a pending follow-up cancelled",
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { cases: "write", idempotency: "write" },
    publishes: true,
  },
  {
    name: "kpis",
    entry: "functions/kpis/handler.ts",
    description:
      "KPI aggregator: domain events and delivered parcels → daily aggregates per team, category, channel, agent, outlet, courier, region (each fact counted once) and live KPI metrics",
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { cases: "write", idempotency: "write" },
    publishes: false,
  },
  {
    name: "api",
    entry: "functions/api/handler.ts",
    description: "HTTP API for the agents' front end: the routes that write",
    memoryMb: 1024,
    timeoutSeconds: 10,
    access: { cases: "write" },
    publishes: true,
  },
  {
    // The same bundle as `api`; its role can only read, so no GET can write, delete or publish.
    name: "api-read",
    entry: "functions/api/handler.ts",
    description: "HTTP API for the agents' front end: the read-only routes (GET)",
    memoryMb: 1024,
    timeoutSeconds: 10,
    access: { cases: "read" },
    publishes: false,
  },
];

const queueDefaults = {
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  visibilityTimeoutSeconds: 120,
  maxReceiveCount: 3,
  // A week to restart a stalled consumer (its age alarm fires within minutes); a message's age
  // counts from its first enqueue, so a dead letter still gets a week of its DLQ's 14 days.
  retentionDays: 7,
} as const;

export const queues: readonly QueueSpec[] = [
  // Accepted within 2 minutes: the acceptance target of a delivery exception.
  { name: "intake", consumer: "intake", ...queueDefaults, maxMessageAgeSeconds: 120 },
  {
    name: "classification",
    consumer: "classification",
    ...queueDefaults,
    maxMessageAgeSeconds: 120,
  },
  { name: "assignment", consumer: "assignment", ...queueDefaults, maxMessageAgeSeconds: 120 },
  { name: "follow-up", consumer: "follow-up", ...queueDefaults, maxMessageAgeSeconds: 300 },
  // Counting may lag a little; a quarter of an hour behind means the dashboard is wrong. Up to
  // 100 messages a batch, gathered for up to a second (at the peak a batch fills in a fraction
  // of that): the kpis function writes each aggregate item once a batch (kpi-store.ts), so
  // larger batches mean fewer writes, invocations and receives. The visibility timeout covers
  // six function timeouts and the window.
  {
    name: "kpis",
    consumer: "kpis",
    ...queueDefaults,
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 150,
    maxMessageAgeSeconds: 900,
  },
  // One tick at a time; a tick older than the next one is worthless, so it is not kept long.
  {
    name: "sweeper",
    consumer: "sweeper",
    ...queueDefaults,
    batchSize: 1,
    visibilityTimeoutSeconds: 360,
    retentionDays: 1,
    maxMessageAgeSeconds: 180,
  },
];

export const schedules: readonly ScheduleSpec[] = [
  {
    name: "sweep-every-minute",
    description: "Reconciliation: finds cases that stopped moving and re-drives their next step",
    rateMinutes: 1,
    targetQueue: "sweeper",
  },
];

/** Rules take the upstream source as a parameter because integrators may publish under their own. */
export function rules(upstreamSource: string = DEFAULT_UPSTREAM_SOURCE): readonly RuleSpec[] {
  return [
    {
      name: "upstream-to-intake",
      description: "Delivery events from the order systems",
      pattern: { source: [upstreamSource], "detail-type": [...UPSTREAM_DETAIL_TYPES] },
      targetQueue: "intake",
    },
    {
      name: "case-opened-to-classification",
      description:
        "Every new case is classified; an attached event re-evaluates its case (any order, same result)",
      pattern: {
        source: [DOMAIN_EVENT_SOURCE],
        "detail-type": ["Case Opened", "Case Event Attached"],
      },
      targetQueue: "classification",
    },
    {
      name: "case-classified-to-assignment",
      description:
        "Every classified case is routed to a team and an agent; a reclassified or reopened case waiting in a queue is routed again; freed capacity (Agent Available) takes the team's queue",
      pattern: {
        source: [DOMAIN_EVENT_SOURCE],
        "detail-type": ["Case Classified", "Case Reclassified", "Case Reopened", "Agent Available"],
      },
      targetQueue: "assignment",
    },
    {
      name: "case-outcomes-to-follow-up",
      description:
        "A resolved case gets its follow-up call; a completed follow-up closes or reopens its case; a closed case cancels its pending follow-up",
      pattern: {
        source: [DOMAIN_EVENT_SOURCE],
        "detail-type": ["Case Resolved", "Case Closed", "FollowUp Completed"],
      },
      targetQueue: "follow-up",
    },
    {
      name: "facts-to-kpis",
      description:
        "What the KPIs count: cases classified, first responses, resolutions, follow-ups due and completed, and the delivered parcels of the order systems",
      pattern: {
        $or: [
          {
            source: [DOMAIN_EVENT_SOURCE],
            "detail-type": [
              "Case Classified",
              "Case Responded",
              "Case Resolved",
              "FollowUp Scheduled",
              "FollowUp Completed",
            ],
          },
          { source: [upstreamSource], "detail-type": ["Parcel Delivered"] },
        ],
      },
      targetQueue: "kpis",
    },
  ];
}

export const routes: readonly RouteSpec[] = [
  { method: "GET", path: "/health", function: "api-read", auth: false },
  { method: "GET", path: "/openapi.json", function: "api-read", auth: false },
  { method: "GET", path: "/v1/cases", function: "api-read", auth: true },
  { method: "POST", path: "/v1/cases", function: "api", auth: true },
  { method: "GET", path: "/v1/cases/{caseId}", function: "api-read", auth: true },
  { method: "PATCH", path: "/v1/cases/{caseId}", function: "api", auth: true },
  { method: "GET", path: "/v1/cases/{caseId}/timeline", function: "api-read", auth: true },
  // An audited read: it writes its `contact-read` timeline entry first, so it runs on `api`.
  { method: "GET", path: "/v1/cases/{caseId}/contact", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/responses", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/notes", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/wait", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/assign", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/escalate", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/merge", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/resolve", function: "api", auth: true },
  { method: "POST", path: "/v1/cases/{caseId}/close", function: "api", auth: true },
  { method: "GET", path: "/v1/follow-ups", function: "api-read", auth: true },
  { method: "GET", path: "/v1/follow-ups/{followUpId}", function: "api-read", auth: true },
  { method: "GET", path: "/v1/follow-ups/{followUpId}/contact", function: "api", auth: true },
  { method: "POST", path: "/v1/follow-ups/{followUpId}/outcome", function: "api", auth: true },
  { method: "POST", path: "/v1/customers/{customerId}/erasure", function: "api", auth: true },
  { method: "GET", path: "/v1/kpis", function: "api-read", auth: true },
  { method: "GET", path: "/v1/kpis/hotspots", function: "api-read", auth: true },
  { method: "GET", path: "/v1/teams", function: "api-read", auth: true },
  { method: "PUT", path: "/v1/teams/{teamId}", function: "api", auth: true },
  { method: "GET", path: "/v1/agents", function: "api-read", auth: true },
  { method: "PUT", path: "/v1/agents/{agentId}", function: "api", auth: true },
  { method: "PATCH", path: "/v1/agents/{agentId}", function: "api", auth: true },
  { method: "GET", path: "/v1/notice-settings", function: "api-read", auth: true },
  { method: "PUT", path: "/v1/notice-settings/{category}", function: "api", auth: true },
];

/**
 * Requests no route matches (API Gateway's `$default` route) go to this function, which answers
 * 405 with `Allow` when the path has other methods and 404 otherwise, both as problem+json. No
 * authorizer: it only tells which routes exist, which GET /openapi.json publishes anyway.
 */
export const unmatchedRoute = { function: "api-read" } as const;

/**
 * Stage throttling (requests per second, and the burst a bucket holds), the same in both
 * runtimes: past it API Gateway answers `429 {"message":"Too Many Requests"}` before any function
 * runs. The CDK app takes context `throttleRateLimit` / `throttleBurstLimit`.
 */
export const DEFAULT_THROTTLE = { rateLimit: 200, burstLimit: 400 } as const;

/**
 * CORS for the agents' front end, the same in both runtimes (the origin is configuration: CDK
 * context `frontendOrigin`, locally env FRONTEND_ORIGIN): the methods of `routes`, the request
 * headers the API reads, and the response headers a script may read. No credentials: the front
 * end sends a bearer token, never cookies.
 */
export const cors = {
  allowMethods: () => [...new Set(routes.map((route) => route.method))],
  allowHeaders: ["authorization", "content-type", "if-match", "idempotency-key"],
  exposeHeaders: ["etag", "location"],
  maxAgeSeconds: 600,
} as const;

export function functionSpec(name: string): FunctionSpec {
  const spec = functions.find((f) => f.name === name);
  if (!spec) throw new Error(`No function named ${name} in the topology`);
  return spec;
}

/** Environment variable names shared by both runtimes and read by shared/adapters/config.ts. */
export const envNames = {
  tableName: (table: string) => `${table.toUpperCase()}_TABLE_NAME`,
  deadLetterQueueUrl: (queue: string) => `${queue.toUpperCase()}_DLQ_URL`,
  eventBusName: "EVENT_BUS_NAME",
  upstreamSource: "UPSTREAM_SOURCE",
} as const;
