// assignment: Case Classified → the team owning the category, then an agent, else the team queue.
import { caseClassified } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import { assignCase } from "./assign-case.ts";

export const handler = busEventConsumer({
  name: "assignment",
  parse(event) {
    const result = caseClassified.schema.safeParse(event.detail);
    if (!result.success) {
      throw new RejectedEventError(
        `Case Classified failed its schema: ${describeErrors(result.error)}`,
      );
    }
    return result.data;
  },
  key: (classified) => classified.caseId,
  handle: (classified) => assignCase(classified.caseId),
});
