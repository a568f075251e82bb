// follow-up: Case Resolved → the case's follow-up call (回访) scheduled in callable hours;
// FollowUp Completed → its case closed (satisfied) or reopened (not solved, or a score ≤ 3);
// Case Closed → a follow-up still pending for the case cancelled.
import { caseClosed, caseResolved, followUpCompleted } from "#events/index.ts";
import { busEventConsumer, parseByDefinition } from "#shared/adapters/bus-event-consumer.ts";
import { cancelPendingFollowUp } from "./cancel-follow-up.ts";
import { scheduleCaseFollowUp } from "./schedule-case-follow-up.ts";
import { settleCase } from "./settle-case.ts";

export const handler = busEventConsumer({
  name: "follow-up",
  parse: parseByDefinition<Work>([caseResolved, caseClosed, followUpCompleted]),
  // No idempotency record per message (3 a case, 6 WRU): each step is idempotent by itself —
  // the follow-up's id (case and round) makes it once, a cancel is on its version, and an outcome
  // settles only the latest resolution of a still resolved case. A repeat announces again what
  // was decided (FollowUp Scheduled; its consumers count by id).
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
