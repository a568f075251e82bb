// assignment: Case Classified → the team owning the category, then an agent, else the team queue;
// Case Reclassified → a case still waiting in its team queue is tried again.
import { caseClassified, caseReclassified } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import { assignCase } from "./assign-case.ts";

const schemas = {
  [caseClassified.detailType]: caseClassified.schema,
  [caseReclassified.detailType]: caseReclassified.schema,
} as const;

export const handler = busEventConsumer({
  name: "assignment",
  parse(event) {
    const schema = schemas[event["detail-type"]];
    if (!schema) return null;
    const result = schema.safeParse(event.detail);
    if (!result.success) {
      throw new RejectedEventError(
        `${event["detail-type"]} failed its schema: ${describeErrors(result.error)}`,
      );
    }
    const reclassifiedAt = "reclassifiedAt" in result.data ? result.data.reclassifiedAt : null;
    return { caseId: result.data.caseId, reclassifiedAt };
  },
  key: ({ caseId, reclassifiedAt }) =>
    reclassifiedAt ? `reclassified#${caseId}#${reclassifiedAt}` : caseId,
  handle: ({ caseId, reclassifiedAt }) => assignCase(caseId, { retryQueued: !!reclassifiedAt }),
});
