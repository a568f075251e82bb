// What every follow-up step shares: the subject fields of its events, starting a follow-up
// (created once by its deterministic id, then announced), and its entries on the case timeline.
import { followUpScheduled } from "#events/index.ts";
import type { FollowUp } from "#shared/domain/follow-up.ts";
import { addTimelineEntry } from "./case-store.ts";
import { publish } from "./event-publisher.ts";
import { createFollowUp, getFollowUp } from "./follow-up-store.ts";
import { metrics } from "./powertools.ts";

/** The fields every follow-up event starts with (no contact: the caller looks it up). */
export function subjectOf(fu: FollowUp) {
  return {
    followUpId: fu.followUpId,
    kind: fu.kind,
    caseId: fu.caseId,
    waybillNo: fu.waybillNo,
    round: fu.round,
    team: fu.team,
    assignee: fu.assignee,
    category: fu.category,
    channel: fu.channel,
    customerTier: fu.customerTier,
  };
}

/**
 * Creates the follow-up and announces it; a repeat (the item exists, its first call not made
 * yet) announces it again, so a crash between the two loses nothing.
 */
export async function startFollowUp(fu: FollowUp): Promise<string> {
  const created = await createFollowUp(fu);
  const stored = created ? fu : await getFollowUp(fu.followUpId);
  if (!stored || stored.attempts > 0 || stored.status !== "scheduled")
    return `${fu.followUpId} already under way`;
  await announceScheduled(stored, stored.createdAt);
  if (created) metrics.addMetric("FollowUpsScheduled", "Count", 1);
  return `${fu.followUpId} scheduled for ${stored.dueAt}${created ? "" : " (again)"}`;
}

/** FollowUp Scheduled for the follow-up's next call, and its case timeline entry. */
export async function announceScheduled(fu: FollowUp, at: string): Promise<void> {
  await publish(followUpScheduled, {
    ...subjectOf(fu),
    attempt: fu.attempts + 1,
    maxAttempts: fu.maxAttempts,
    triggeredAt: fu.triggeredAt,
    dueAt: fu.dueAt,
    windowEndsAt: fu.windowEndsAt,
    scheduledAt: at,
  });
  await followUpEntry(fu, {
    at,
    key: `follow-up#${fu.followUpId}#scheduled#${fu.attempts + 1}`,
    kind: "follow-up-scheduled",
    summary:
      fu.attempts === 0
        ? `Follow-up call scheduled for ${fu.dueAt} (window ends ${fu.windowEndsAt})`
        : `Customer not reached (call ${fu.attempts} of ${fu.maxAttempts}); next call at ${fu.dueAt}`,
    data: { followUpId: fu.followUpId, attempt: fu.attempts + 1, dueAt: fu.dueAt },
  });
}

/** An entry on the case's timeline, when the follow-up has a case. */
export function followUpEntry(
  fu: FollowUp,
  entry: {
    at: string;
    key: string;
    kind: string;
    summary: string;
    actor?: string;
    data: Record<string, unknown>;
  },
): Promise<boolean> {
  if (!fu.caseId) return Promise.resolve(false);
  return addTimelineEntry(fu.caseId, entry);
}
