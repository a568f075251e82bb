// Use case: a case closed before its follow-up was made (a supervisor closed or merged it) has
// nothing left to confirm: the pending follow-up is cancelled. A close that a satisfied
// follow-up made (followUpId on the event) finds its follow-up done already.
import type { caseClosed } from "#events/index.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { getFollowUp } from "#shared/adapters/follow-up-store.ts";
import { cancelFollowUp } from "#shared/adapters/follow-ups.ts";
import { caseFollowUpId, isPending } from "#shared/domain/follow-up.ts";

type Closed = typeof caseClosed.schema._output;

export async function cancelPendingFollowUp(closed: Closed): Promise<string> {
  if (closed.followUpId) return "closed by its follow-up";
  const c = await getCase(closed.caseId);
  if (!c?.resolutions) return "never resolved: no follow-up";
  const fu = await getFollowUp(caseFollowUpId(c.caseId, c.resolutions));
  if (!fu || !isPending(fu)) return "no pending follow-up";
  const cancelled = await cancelFollowUp(fu, `the case was closed by ${closed.actor}`);
  if (!cancelled) throw new Error(`${fu.followUpId} changed meanwhile; retrying`);
  return cancelled;
}
