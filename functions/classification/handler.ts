// classification: Case Opened → category, severity, priority, feedback type, SLA deadlines;
// Case Event Attached → the case re-evaluated from its merged evidence (any order, same result).
import { caseEventAttached, caseOpened } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import { classifyCase } from "./classify-case.ts";

const schemas = {
  [caseOpened.detailType]: caseOpened.schema,
  [caseEventAttached.detailType]: caseEventAttached.schema,
} as const;

export const handler = busEventConsumer({
  name: "classification",
  parse(event) {
    const schema = schemas[event["detail-type"]];
    if (!schema) return null;
    const result = schema.safeParse(event.detail);
    if (!result.success)
      throw new RejectedEventError(
        `${event["detail-type"]} failed its schema: ${describeErrors(result.error)}`,
      );
    return { detailType: event["detail-type"], caseId: result.data.caseId, detail: result.data };
  },
  // No idempotency record per message (2 WRU each): classifyCase is safe to repeat (its save is
  // on the case's version and changes nothing the second time; an announcement goes out unless
  // its timeline entry shows it went out).
  handle: ({ caseId }) => classifyCase(caseId),
});
