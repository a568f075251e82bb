// Use case: follow-up calls whose time has come become `due` (within a minute: the sweep runs
// every minute), found through their index by due time (never a Scan). FollowUp Due is
// published before the follow-up is saved (a crash in between repeats the event, never loses
// it; consumers dedupe by followUpId and attempt); the save is conditional on the version, so
// two sweeps make it due once. A sampled delivery's call about a waybill that has a case gives way
// to the case's own follow-up here, when it falls due, not when the delivery arrives: the case
// and the delivery may come in either order and end the same.
//
// Why an indexed sweep and not one EventBridge Scheduler schedule per call: at 600,000 cases a
// day about 18 million one-off schedules a month (plus the retries) would cost some 18 USD a
// month in schedule invocations and need a create and a delete call each, against a default
// quota of 1 million schedules per account; a retry or a cancellation would have to update or
// delete a schedule; and the local runtime would have to emulate Scheduler. The sweep costs one
// Query per minute (plus one write per call, which the schedule would cost too), reuses the
// sweeper that already runs every minute, and behaves the same in both runtimes.
import { followUpDue } from "#events/index.ts";
import { casesOfWaybill } from "#shared/adapters/case-store.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  countDueSince,
  dueFollowUps,
  FollowUpConflictError,
  saveFollowUp,
} from "#shared/adapters/follow-up-store.ts";
import { cancelFollowUp, followUpEntry, subjectOf } from "#shared/adapters/follow-ups.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { type FollowUp, markDue } from "#shared/domain/follow-up.ts";
import { SWEEP_BUDGET_MS, sweepPages } from "./sweep-pages.ts";

const PER_PAGE = 100;
/** Why a sampled delivery's call is not made (FollowUp Cancelled's reason). */
export const SAMPLE_GIVES_WAY = "the waybill has a case, whose own follow-up calls the customer";
/** A due call not made within this long is overdue (the API's `overdue`, the alarm). */
export const OVERDUE_AFTER_MS = 60 * 60_000;

export async function dispatchFollowUps(now: Date): Promise<string> {
  let made = 0;
  await sweepPages(
    () => dueFollowUps(now, PER_PAGE),
    (fu) => fu.followUpId,
    async (fu) => {
      if (await makeDue(fu, now)) made++;
    },
    SWEEP_BUDGET_MS.followUps,
  );
  if (made) metrics.addMetric("FollowUpsDue", "Count", made);
  // Calls due for more than an hour that nobody made: the overdue follow-ups alarm watches it.
  const overdue = await countDueSince(new Date(now.getTime() - OVERDUE_AFTER_MS));
  metrics.addMetric("FollowUpsOverdue", "Count", overdue);
  return `${made} follow-ups due, ${overdue} overdue`;
}

async function makeDue(fu: FollowUp, now: Date): Promise<boolean> {
  const due = markDue(fu, now);
  if (!due) return false;
  if (fu.kind === "delivery" && fu.waybillNo && (await casesOfWaybill(fu.waybillNo, 1)).length) {
    await cancelFollowUp(fu, SAMPLE_GIVES_WAY); // changed meanwhile (null): the next tick decides
    return false;
  }
  const at = now.toISOString();
  await publish(followUpDue, {
    ...subjectOf(fu),
    attempt: fu.attempts + 1,
    dueAt: fu.dueAt,
    windowEndsAt: fu.windowEndsAt,
    becameDueAt: at,
  });
  try {
    await saveFollowUp(due, fu.version);
  } catch (error) {
    if (error instanceof FollowUpConflictError) return false; // changed meanwhile: next tick
    throw error;
  }
  await followUpEntry(fu, {
    at,
    key: `follow-up#${fu.followUpId}#due#${fu.attempts + 1}`,
    kind: "follow-up-due",
    summary: `Follow-up call due now (call ${fu.attempts + 1} of ${fu.maxAttempts})`,
    data: { followUpId: fu.followUpId, attempt: fu.attempts + 1, dueAt: fu.dueAt },
  });
  return true;
}
