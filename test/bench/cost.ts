// The cost model: AWS list prices applied to what one case's full lifecycle was counted to use
// (pipeline.ts measureLifecycle), at peak (full batches) and at low traffic (one message per
// invocation, and the pollers' and the sweeper's fixed cost spread over few cases); and what a
// delivered parcel without a case costs (measureDeliveries), 100 of them for every case.
import { functions, queues } from "#infra/topology.ts";
import type { DeliveryResult, LifecycleResult } from "./pipeline.ts";

/**
 * us-east-1 list prices, on-demand, recorded 2026-12-01 from the AWS pricing pages (Lambda,
 * DynamoDB, SQS, EventBridge, API Gateway); re-check before quoting them.
 */
export const PRICES = {
  source: "AWS pricing pages, us-east-1, recorded 2026-12-01",
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecondArm: 0.0000133334,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  sqsPerMillionRequests: 0.4,
  eventBridgePerMillionEvents: 1.0,
  httpApiPerMillionRequests: 1.0,
} as const;

/**
 * What the counts cannot give: the run time of an invocation in AWS. An estimate, not a
 * measurement: a fixed part per invocation and a part per record (mostly DynamoDB round trips
 * of a few milliseconds each).
 */
export const DURATION_MS = { perInvocation: 20, perRecord: 25, perApiRequest: 40 } as const;

/** Long polling: Lambda keeps 5 pollers per SQS event source, each a receive per 20 s at rest. */
const IDLE_RECEIVES_PER_QUEUE_PER_MONTH = 5 * 3 * 60 * 24 * 30;
const SWEEPS_PER_MONTH = 60 * 24 * 30;

export interface CostBreakdown {
  readonly usdPerMillionCases: number;
  readonly byService: Record<string, number>;
}

/** Parcels delivered for every case: the 60 million a day against 600,000 cases. */
export const PARCELS_PER_CASE = 100;

export interface CostModel {
  /** 600,000 cases a day, messages in full batches. */
  readonly peak: CostBreakdown;
  /** A million delivered parcels without a case (60 million a day, full batches). */
  readonly deliveries: CostBreakdown;
  /** A million cases with their PARCELS_PER_CASE deliveries, at peak. */
  readonly usdPerMillionCasesWithDeliveries: number;
  /** 10,000 cases a day: one message per invocation, fixed costs spread over fewer cases. */
  readonly low: CostBreakdown;
  readonly prices: typeof PRICES;
  readonly durations: typeof DURATION_MS;
}

export function costModel(lifecycle: LifecycleResult, deliveries: DeliveryResult): CostModel {
  const peak = costAt(lifecycle, 600_000, true);
  const perParcel = costAt(
    {
      lifecycle: deliveries.perParcel,
      busEvents: deliveries.busEvents,
      queueMessages: deliveries.queueMessages,
      apiRequests: 0,
    },
    600_000 * PARCELS_PER_CASE,
    true,
  );
  return {
    peak,
    deliveries: perParcel,
    usdPerMillionCasesWithDeliveries:
      Math.round(
        (peak.usdPerMillionCases + PARCELS_PER_CASE * perParcel.usdPerMillionCases) * 100,
      ) / 100,
    low: costAt(lifecycle, 10_000, false),
    prices: PRICES,
    durations: DURATION_MS,
  };
}

type Counted = Pick<LifecycleResult, "lifecycle" | "busEvents" | "queueMessages" | "apiRequests">;

/** The cost of a million of what `l` counted one of (a case, or a parcel), `casesPerDay` of them a day. */
function costAt(l: Counted, casesPerDay: number, fullBatches: boolean): CostBreakdown {
  const million = 1_000_000;
  const casesPerMonth = casesPerDay * 30;
  const fixedShare = million / casesPerMonth; // fixed monthly costs carried by a million cases
  const memoryGbOf = (name: string) =>
    (functions.find((f) => f.name === name)?.memoryMb ?? 512) / 1024;

  let invocations = 0;
  let gbSeconds = 0;
  let sqsRequests = 0;
  for (const q of queues) {
    const messages = (l.queueMessages[q.name] ?? 0) * million;
    const perBatch = fullBatches ? q.batchSize : 1;
    const batches = messages / perBatch;
    invocations += batches;
    gbSeconds +=
      ((batches * DURATION_MS.perInvocation + messages * DURATION_MS.perRecord) / 1000) *
      memoryGbOf(q.consumer);
    // EventBridge's SendMessage, then a receive and a delete per batch.
    sqsRequests += messages + 2 * batches;
    if (!fullBatches) sqsRequests += IDLE_RECEIVES_PER_QUEUE_PER_MONTH * fixedShare;
  }
  const api = l.apiRequests * million;
  invocations += api + SWEEPS_PER_MONTH * fixedShare;
  gbSeconds += ((api * DURATION_MS.perApiRequest) / 1000) * memoryGbOf("api");

  const busEvents = Object.values(l.busEvents).reduce((n, e) => n + e, 0) * million;
  // A KPI item's marks go with the next add to it in the batch, or in a write of their own at
  // its end (kpi-store.ts): with one message per invocation, one such write per add (an upper
  // bound: the adds include the items' first writes) in place of those the run measured.
  const byType = l.lifecycle.writeUnitsByType;
  const markRemovalUnits = fullBatches
    ? (byType["kpi-mark-removal"] ?? 0)
    : (byType["kpi-aggregate"] ?? 0);
  const writeUnits = l.lifecycle.writeUnits - (byType["kpi-mark-removal"] ?? 0) + markRemovalUnits;
  const byService = {
    "DynamoDB writes": (writeUnits * million * PRICES.dynamoPerMillionWriteUnits) / million,
    "DynamoDB reads":
      (l.lifecycle.readUnits * million * PRICES.dynamoPerMillionReadUnits) / million,
    "Lambda requests": (invocations * PRICES.lambdaPerMillionRequests) / million,
    "Lambda GB-s": gbSeconds * PRICES.lambdaPerGbSecondArm,
    SQS: (sqsRequests * PRICES.sqsPerMillionRequests) / million,
    EventBridge: (busEvents * PRICES.eventBridgePerMillionEvents) / million,
    "HTTP API": (api * PRICES.httpApiPerMillionRequests) / million,
  };
  const rounded = Object.fromEntries(
    Object.entries(byService).map(([service, usd]) => [service, Math.round(usd * 100) / 100]),
  );
  const total = Object.values(byService).reduce((n, usd) => n + usd, 0);
  return { usdPerMillionCases: Math.round(total * 100) / 100, byService: rounded };
}
