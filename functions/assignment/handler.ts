// assignment: Case Classified → the team owning the category, then an agent, else the team queue;
// Case Reclassified → a case still waiting in its team queue is tried again; so is a reopened
// case its agent could not take back (Case Reopened);
// Agent Available → the team's queue is handed out to the freed capacity.
import { agentAvailable, caseClassified, caseReclassified, caseReopened } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import { assignCase } from "./assign-case.ts";
import { backfillTeam } from "./backfill-team.ts";

const schemas = {
  [caseClassified.detailType]: caseClassified.schema,
  [caseReclassified.detailType]: caseReclassified.schema,
  [caseReopened.detailType]: caseReopened.schema,
  [agentAvailable.detailType]: agentAvailable.schema,
} as const;

type Work =
  | {
      readonly caseId: string;
      /** Set when the case is tried again (reclassified, reopened): a queued case is routed. */
      readonly retry: { readonly why: "reclassified" | "reopened"; readonly at: string } | null;
    }
  | {
      readonly team: string;
      readonly agentId: string;
      readonly freeSlots: number;
      readonly at: string;
    };

export const handler = busEventConsumer<Work>({
  name: "assignment",
  parse(event): Work | null {
    const schema = schemas[event["detail-type"]];
    if (!schema) return null;
    const result = schema.safeParse(event.detail);
    if (!result.success) {
      throw new RejectedEventError(
        `${event["detail-type"]} failed its schema: ${describeErrors(result.error)}`,
      );
    }
    const data = result.data;
    if ("freeSlots" in data)
      return {
        team: data.team,
        agentId: data.agentId,
        freeSlots: data.freeSlots,
        at: data.availableAt,
      };
    if ("reclassifiedAt" in data)
      return { caseId: data.caseId, retry: { why: "reclassified", at: data.reclassifiedAt } };
    if ("reopenedAt" in data)
      return { caseId: data.caseId, retry: { why: "reopened", at: data.reopenedAt } };
    return { caseId: data.caseId, retry: null };
  },
  // No idempotency record per message (2 a case, 4 WRU): a repeated Case Classified finds the
  // case routed and announces again what was decided; a repeated Agent Available hands out the
  // queue to whatever capacity is free then (each slot reserved on the agent's load condition).
  handle: async (work) =>
    "team" in work
      ? backfillTeam(work.team, work.freeSlots)
      : (await assignCase(work.caseId, { retryQueued: work.retry !== null })).summary,
});
