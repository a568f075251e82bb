// Use case: a case closed before its follow-up was made (a supervisor closed or merged it) has
// nothing left to confirm: the pending follow-up is cancelled. A close that a satisfied
// follow-up made (followUpId on the event) finds its follow-up done already.
import { type caseClosed, followUpCancelled } from "#events/index.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  FollowUpConflictError,
  getFollowUp,
  saveFollowUp,
} from "#shared/adapters/follow-up-store.ts";
import { followUpEntry, subjectOf } from "#shared/adapters/follow-ups.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { caseFollowUpId, type FollowUp } from "#shared/domain/follow-up.ts";

type Closed = typeof caseClosed.schema._output;

export async function cancelPendingFollowUp(closed: Closed): Promise<string> {
  if (closed.followUpId) return "closed by its follow-up";
  const c = await getCase(closed.caseId);
  if (!c?.resolutions) return "never resolved: no follow-up";
  const fu = await getFollowUp(caseFollowUpId(c.caseId, c.resolutions));
  if (!fu || (fu.status !== "scheduled" && fu.status !== "due")) return "no pending follow-up";
  return cancel(fu, `the case was closed by ${closed.actor}`);
}

/** Cancels a pending follow-up (on its version; a conflict is retried by the message). */
export async function cancel(fu: FollowUp, reason: string): Promise<string> {
  const at = clock.nowIso();
  try {
    await saveFollowUp(
      { ...fu, status: "cancelled", cancelReason: reason, updatedAt: at },
      fu.version,
    );
  } catch (error) {
    if (error instanceof FollowUpConflictError) throw new Error(`${error.message}; retrying`);
    throw error;
  }
  await publish(followUpCancelled, { ...subjectOf(fu), reason, cancelledAt: at });
  await followUpEntry(fu, {
    at,
    key: `follow-up#${fu.followUpId}#cancelled`,
    kind: "follow-up-cancelled",
    summary: `Follow-up cancelled: ${reason}`,
    data: { followUpId: fu.followUpId, reason },
  });
  metrics.addMetric("FollowUpsCancelled", "Count", 1);
  return `${fu.followUpId} cancelled`;
}
