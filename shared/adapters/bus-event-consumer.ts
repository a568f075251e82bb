// The Lambda handler shape every event consumer shares: an SQS batch of EventBridge events,
// each parsed, deduplicated (Powertools idempotency) and handled on its own, with partial
// batch failures (Powertools batch). A message that can never succeed (schema-invalid) is
// sent straight to the queue's DLQ with its reason instead of being retried.
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import {
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { EventDefinition } from "#events/define.ts";
import { envNames } from "#infra/topology.ts";
import { dynamoClient, sqsClient } from "./aws-clients.ts";
import { config } from "./config.ts";
import { logger, metrics } from "./powertools.ts";
import { describeErrors } from "./validation.ts";

/** The EventBridge event as an SQS target delivers it (the message body). */
export interface BusEvent {
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly time: string;
  readonly detail: unknown;
}

/** The message can never be processed as it is (e.g. it breaks its schema): do not retry it. */
export class RejectedEventError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RejectedEventError";
  }
}

/** A consumer handles its messages one at a time (`handle`) or a batch at once (`handleBatch`). */
export type ConsumerDefinition<T> = ConsumerBase<T> &
  (
    | { readonly handle: MessageHandler<T>; readonly handleBatch?: never }
    | { readonly handleBatch: BatchHandler<T>; readonly handle?: never; readonly key?: never }
  );

type MessageHandler<T> = (parsed: T, event: BusEvent) => Promise<string>;
type BatchHandler<T> = (work: readonly BatchWork<T>[]) => Promise<Map<string, string | Error>>;

interface ConsumerBase<T> {
  /** Consumer name (the topology's function and queue name). */
  readonly name: string;
  /** Validates the event; null to acknowledge and ignore it; throws RejectedEventError when invalid. */
  readonly parse: (event: BusEvent) => T | null;
  /**
   * The business key: two events with the same key are one (e.g. the upstream eventId), done
   * once (Powertools idempotency: a record written and completed per message). Leave it out when
   * the handler is idempotent by itself and a repeat costs less than two writes a message (or
   * answer undefined for the events where that holds).
   */
  readonly key?: (parsed: T) => string | undefined;
  /** Runs after every batch (e.g. the tidying up its records left for later); failures are logged. */
  readonly afterBatch?: () => Promise<void>;
  /** Does the work; returns a short outcome for logs and the idempotency record. */
  readonly handle?: MessageHandler<T>;
  /**
   * Instead of `handle` one message at a time (and without `key`): the batch's events at once,
   * those that parsed (the rejected ones go to the DLQ, the ignored ones are acknowledged).
   * Answers each message's outcome, or the error that stopped it (that message is retried).
   */
  readonly handleBatch?: BatchHandler<T>;
  /** How long a key is remembered. Handlers are idempotent on their own beyond it. */
  readonly rememberSeconds?: number;
  /**
   * The same key with different content is refused (to the DLQ) with this reason, instead of
   * being taken for a repeat. For events whose key is the sender's own id (the upstream eventId);
   * leave it out where a repeat may legitimately differ (our re-driven domain events).
   */
  readonly keyReusedReason?: string;
}

/** A message of the batch for `handleBatch`: its SQS message id, the parsed event, the event. */
export interface BatchWork<T> {
  readonly messageId: string;
  readonly parsed: T;
  readonly event: BusEvent;
}

/**
 * A `parse` for consumers of several event types: the event's definition by its detail type
 * (null, so ignored, for any other), its detail checked against the schema (an event that
 * breaks it is rejected to the DLQ with the reason).
 */
export function parseByDefinition<W extends { detailType: string; detail: unknown }>(
  definitions: readonly EventDefinition[],
): (event: BusEvent) => W | null {
  return (event) => {
    const definition = definitions.find((d) => d.detailType === event["detail-type"]);
    if (!definition) return null;
    const result = definition.schema.safeParse(event.detail);
    if (!result.success)
      throw new RejectedEventError(
        `${event["detail-type"]} failed its schema: ${describeErrors(result.error)}`,
      );
    // The detail matches the schema of its own detail type: the caller's union of the two.
    return { detailType: definition.detailType, detail: result.data } as W;
  };
}

export function busEventConsumer<T>(definition: ConsumerDefinition<T>) {
  const handle: MessageHandler<T> = (parsed, event) => {
    if (!definition.handle) throw new Error(`${definition.name} handles whole batches`);
    return definition.handle(parsed, event);
  };
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: "key",
    expiresAfterSeconds: definition.rememberSeconds ?? 24 * 60 * 60,
    ...(definition.keyReusedReason ? { payloadValidationJmesPath: "parsed" } : {}),
  });
  const handleOnce = makeIdempotent(
    async (input: { key: string; parsed: T; event: BusEvent }) => ({
      outcome: await handle(input.parsed, input.event),
    }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.idempotencyTable(),
        awsSdkV3Client: dynamoClient(),
      }),
      config: idempotency,
    },
  );
  const processor = new BatchProcessor(EventType.SQS);

  async function processRecord(record: SQSRecord): Promise<void> {
    try {
      const event = parseBody(record.body);
      const parsed = definition.parse(event);
      if (parsed === null) {
        logger.info("Ignored event", { detailType: event["detail-type"], eventId: event.id });
        return;
      }
      const business = definition.key?.(parsed);
      const key = business === undefined ? undefined : `${definition.name}#${business}`;
      const { outcome } = key
        ? await handleOnce({ key, parsed, event })
        : { outcome: await handle(parsed, event) };
      logger.info("Processed event", { detailType: event["detail-type"], key, outcome });
    } catch (error) {
      if (error instanceof RejectedEventError) return reject(record, error);
      if (error instanceof IdempotencyValidationError && definition.keyReusedReason)
        return reject(record, new RejectedEventError(definition.keyReusedReason));
      logFailure(record.messageId, error);
      throw error;
    }
  }

  async function reject(record: SQSRecord, error: RejectedEventError): Promise<void> {
    const dlqUrl = process.env[envNames.deadLetterQueueUrl(definition.name)];
    logger.warn("Rejected event", { messageId: record.messageId, reason: error.message });
    metrics.addMetric("EventsRejected", "Count", 1);
    if (!dlqUrl) throw error;
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: record.body,
        MessageAttributes: {
          rejectionReason: { DataType: "String", StringValue: error.message.slice(0, 4000) },
          rejectedBy: { DataType: "String", StringValue: definition.name },
        },
      }),
    );
  }

  /** The batch at once (`handleBatch`): each message parsed, then all handled together. */
  async function processBatch(
    records: readonly SQSRecord[],
    handleBatch: BatchHandler<T>,
  ): Promise<SQSBatchResponse> {
    const failed: string[] = [];
    const work: BatchWork<T>[] = [];
    for (const record of records) {
      try {
        const event = parseBody(record.body);
        const parsed = definition.parse(event);
        if (parsed === null)
          logger.info("Ignored event", { detailType: event["detail-type"], eventId: event.id });
        else work.push({ messageId: record.messageId, parsed, event });
      } catch (error) {
        try {
          if (!(error instanceof RejectedEventError)) throw error;
          await reject(record, error);
        } catch (failure) {
          logFailure(record.messageId, failure);
          failed.push(record.messageId);
        }
      }
    }
    const outcomes = work.length
      ? await handleBatch(work).catch((error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          return new Map(work.map((w) => [w.messageId, failure]));
        })
      : new Map<string, string | Error>();
    for (const { messageId, event } of work) {
      const outcome = outcomes.get(messageId) ?? new Error("No outcome for the message");
      if (typeof outcome === "string")
        logger.info("Processed event", { detailType: event["detail-type"], outcome });
      else {
        logFailure(messageId, outcome);
        failed.push(messageId);
      }
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  function logFailure(messageId: string, error: unknown): void {
    logger.warn("Event failed; it will be retried", { messageId, error: errorSummary(error) });
  }

  const batchHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    idempotency.registerLambdaContext(context);
    metrics.addMetric("EventsReceived", "Count", event.Records.length);
    // One record after the other: records of one batch often concern the same case.
    const response = definition.handleBatch
      ? await processBatch(event.Records, definition.handleBatch)
      : await processPartialResponse(event, processRecord, processor, {
          context,
          processInParallel: false,
        });
    if (definition.afterBatch)
      await definition
        .afterBatch()
        .catch((error: unknown) =>
          logger.warn("Tidying up after the batch failed", { error: errorSummary(error) }),
        );
    return response;
  };

  return middy(batchHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

function parseBody(body: string): BusEvent {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new RejectedEventError("The message body is not JSON");
  }
  if (
    typeof event !== "object" ||
    event === null ||
    typeof (event as BusEvent)["detail-type"] !== "string"
  ) {
    throw new RejectedEventError("The message body is not an EventBridge event");
  }
  return event as BusEvent;
}

/** Error name and message only: an error may quote the event, and events hold personal data. */
function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message.slice(0, 300) }
    : { name: "Unknown", message: String(error).slice(0, 300) };
}
