// What every follow-up step shares: the subject fields of its events, starting a follow-up
// (created once by its deterministic id, then announced), and its entries on the case timeline.
import { followUpCancelled, followUpCompleted, followUpScheduled } from "#events/index.ts";
import {
  type FollowUp,
  hoursToOutcome,
  type OutcomeResult,
  withinWindow,
} from "#shared/domain/follow-up.ts";
import { addTimelineEntry } from "./case-store.ts";
import { clock } from "./clock.ts";
import { publish } from "./event-publisher.ts";
import {
  createFollowUp,
  FollowUpConflictError,
  getFollowUp,
  saveFollowUp,
} from "./follow-up-store.ts";
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

/**
 * Cancels a pending follow-up on its version, announces it and notes it on the case's
 * timeline; null when it changed since it was read (nothing written: the caller decides again).
 */
export async function cancelFollowUp(fu: FollowUp, reason: string): Promise<string | null> {
  const at = clock.nowIso();
  try {
    await saveFollowUp(
      { ...fu, status: "cancelled", cancelReason: reason, updatedAt: at },
      fu.version,
    );
  } catch (error) {
    if (error instanceof FollowUpConflictError) return null;
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

/**
 * Announces a recorded outcome: the next call's FollowUp Scheduled, or FollowUp Completed with
 * what the KPIs need, and its timeline entry (each safe to repeat: consumers dedupe by id).
 */
export async function announceStep(fu: FollowUp, result: OutcomeResult, at: string): Promise<void> {
  if (result === "retry") {
    await announceScheduled(fu, at);
    return;
  }
  const outcome = fu.outcome ?? { reached: false };
  await publish(followUpCompleted, {
    ...subjectOf(fu),
    status: fu.status === "unreachable" ? "unreachable" : "done",
    result,
    reached: outcome.reached,
    satisfaction: outcome.satisfaction ?? null,
    nps: outcome.nps ?? null,
    resolved: outcome.resolved ?? null,
    suggestionAdopted: outcome.suggestionAdopted ?? null,
    attempts: fu.attempts,
    firstFollowUp: fu.round <= 1,
    withinWindow: withinWindow(fu, at),
    hoursFromTrigger: hoursToOutcome(fu, at),
    triggeredAt: fu.triggeredAt,
    completedBy: fu.completedBy ?? "system",
    completedAt: at,
  });
  await followUpEntry(fu, {
    at,
    key: `follow-up#${fu.followUpId}#completed`,
    kind: "follow-up-completed",
    actor: fu.completedBy ?? "system",
    summary: SUMMARY[result](fu),
    data: {
      followUpId: fu.followUpId,
      result,
      attempts: fu.attempts,
      satisfaction: outcome.satisfaction ?? null,
      nps: outcome.nps ?? null,
      resolved: outcome.resolved ?? null,
      ...(outcome.comment ? { comment: outcome.comment } : {}),
    },
  });
}

const SUMMARY: Record<Exclude<OutcomeResult, "retry">, (fu: FollowUp) => string> = {
  unreachable: (fu) => `Follow-up: customer unreachable after ${fu.attempts} calls`,
  satisfied: (fu) =>
    `Follow-up: the customer confirms the problem is solved${fu.outcome?.satisfaction ? ` (satisfaction ${fu.outcome.satisfaction}/5)` : ""}`,
  dissatisfied: (fu) =>
    fu.outcome?.resolved === false
      ? "Follow-up: the customer says the problem is not solved"
      : `Follow-up: the customer is not satisfied (satisfaction ${fu.outcome?.satisfaction}/5)`,
};
