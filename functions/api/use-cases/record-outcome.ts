// Use case: an agent records what a follow-up call gave (POST /v1/follow-ups/{id}/outcome).
// Checked first, in this order, nothing written before: who may (403), whether the follow-up is
// due (409), the version named (412), what the outcome needs (422). Then the follow-up is saved
// on its version: the next call scheduled (not reached, calls left), or ended — `unreachable`,
// or `done` — and FollowUp Completed announced; the follow-up consumer then closes or reopens
// the case (functions/follow-up/settle-case.ts), with the message queue's retries behind it.
import { followUpCompleted } from "#events/index.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { FollowUpConflictError, saveFollowUp } from "#shared/adapters/follow-up-store.ts";
import { announceScheduled, followUpEntry, subjectOf } from "#shared/adapters/follow-ups.ts";
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import {
  callingTimeOf,
  type FollowUp,
  type FollowUpOutcome,
  hoursToOutcome,
  type OutcomeResult,
  recordOutcome,
  withinWindow,
} from "#shared/domain/follow-up.ts";
import { policyOf } from "#shared/domain/team-policy.ts";
import type { Caller } from "../caller.ts";
import { HttpError } from "../http.ts";

export async function recordFollowUpOutcome(
  fu: FollowUp,
  outcome: FollowUpOutcome,
  caller: Caller,
  ifMatch: number | null,
): Promise<FollowUp> {
  const teams = await listTeams();
  if (!(await mayCall(fu, caller, teams)))
    throw new HttpError(
      403,
      "Forbidden",
      `${caller.userId} may not record this follow-up's outcome`,
    );
  const policy = policyOf(teams.find((t) => t.teamId === fu.team));
  const now = clock.now();
  const decision = recordOutcome(
    fu,
    outcome,
    caller.userId,
    now,
    callingTimeOf(fu, policy.calendar, policy.followUp),
    policy.followUp,
  );
  if (!decision.ok)
    throw new HttpError(
      decision.status,
      decision.status === 409 ? "Conflict" : "Unprocessable Content",
      decision.reason,
    );
  if (ifMatch !== null && ifMatch !== fu.version)
    throw new HttpError(412, "Precondition Failed", `The follow-up is at version ${fu.version}`);

  let saved: FollowUp;
  try {
    saved = await saveFollowUp(decision.next, fu.version);
  } catch (error) {
    if (error instanceof FollowUpConflictError)
      throw new HttpError(409, "Conflict", "The follow-up changed meanwhile: read it again");
    throw error;
  }
  await announce(saved, decision.result, now.toISOString());
  return saved;
}

/** The follow-up's agent, an agent of its team's pool, a supervisor of its team, an admin. */
export async function mayCall(
  fu: FollowUp,
  caller: Caller,
  teams: readonly { teamId: string; supervisors: readonly string[] }[],
): Promise<boolean> {
  if (caller.roles.includes("admins")) return true;
  if (
    caller.roles.includes("supervisors") &&
    teams.some((t) => t.teamId === fu.team && t.supervisors.includes(caller.userId))
  )
    return true;
  if (!caller.roles.includes("agents")) return false;
  if (fu.assignee !== null) return fu.assignee === caller.userId;
  return (await getAgent(caller.userId))?.team === fu.team;
}

async function announce(fu: FollowUp, result: OutcomeResult, at: string): Promise<void> {
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
