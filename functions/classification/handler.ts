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
  // One run per case for Case Opened; one per attached event for Case Event Attached.
  key: ({ detailType, caseId, detail }) =>
    detailType === caseOpened.detailType
      ? `opened#${caseId}`
      : `attached#${caseId}#${(detail as { trigger: { eventId: string } }).trigger.eventId}`,
  handle: ({ caseId }) => classifyCase(caseId),
});
