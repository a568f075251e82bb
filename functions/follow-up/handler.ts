// follow-up: Case Resolved → the case's follow-up call (回访) scheduled in callable hours;
// FollowUp Completed → its case closed (satisfied) or reopened (not solved, or a score ≤ 3);
// Case Closed → a follow-up still pending for the case cancelled.
import { caseClosed, caseResolved, followUpCompleted } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import { cancelPendingFollowUp } from "./cancel-follow-up.ts";
import { scheduleCaseFollowUp } from "./schedule-case-follow-up.ts";
import { settleCase } from "./settle-case.ts";

const definitions = [caseResolved, caseClosed, followUpCompleted] as const;

export const handler = busEventConsumer({
  name: "follow-up",
  parse(event) {
    const definition = definitions.find((d) => d.detailType === event["detail-type"]);
    if (!definition) return null;
    const result = definition.schema.safeParse(event.detail);
    if (!result.success)
      throw new RejectedEventError(
        `${event["detail-type"]} failed its schema: ${describeErrors(result.error)}`,
      );
    return { detailType: definition.detailType, detail: result.data } as Work;
  },
  key: (work) =>
    work.detailType === "Case Resolved"
      ? `resolved#${work.detail.caseId}#${work.detail.resolvedAt}`
      : work.detailType === "Case Closed"
        ? `closed#${work.detail.caseId}`
        : `completed#${work.detail.followUpId}`,
  handle: (work) =>
    work.detailType === "Case Resolved"
      ? scheduleCaseFollowUp(work.detail)
      : work.detailType === "Case Closed"
        ? cancelPendingFollowUp(work.detail)
        : settleCase(work.detail),
});

type Work =
  | { detailType: "Case Resolved"; detail: typeof caseResolved.schema._output }
  | { detailType: "Case Closed"; detail: typeof caseClosed.schema._output }
  | { detailType: "FollowUp Completed"; detail: typeof followUpCompleted.schema._output };
