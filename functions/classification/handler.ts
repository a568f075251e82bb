// classification: Case Opened → category, severity, priority, feedback type, SLA deadlines.
import { caseOpened } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import { classifyCase } from "./classify-case.ts";

export const handler = busEventConsumer({
  name: "classification",
  parse(event) {
    const result = caseOpened.schema.safeParse(event.detail);
    if (!result.success)
      throw new RejectedEventError(
        `Case Opened failed its schema: ${describeErrors(result.error)}`,
      );
    return result.data;
  },
  key: (opened) => opened.caseId,
  handle: (opened) => classifyCase(opened.caseId),
});
