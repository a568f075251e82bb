// Use case: an agent records what a follow-up call gave (POST /v1/follow-ups/{id}/outcome).
// Checked first, in this order, nothing written before: who may (403), whether the follow-up is
// due (409), the version named (412), what the outcome needs (422). Then the follow-up is saved
// on its version: the next call scheduled (not reached, calls left), or ended — `unreachable`,
// or `done` — and FollowUp Completed announced; the follow-up consumer then closes or reopens
// the case (functions/follow-up/settle-case.ts), with the message queue's retries behind it.
// The step is saved with its announcement pending (an outbox on the item), so a crash before
// the event is out leaves it to the sweep (functions/sweeper/announce-follow-ups.ts).
import { clock } from "#shared/adapters/clock.ts";
import {
  clearOutbox,
  FollowUpConflictError,
  saveFollowUp,
} from "#shared/adapters/follow-up-store.ts";
import { announceStep } from "#shared/adapters/follow-ups.ts";
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import {
  callingTimeOf,
  type FollowUp,
  type FollowUpOutcome,
  recordOutcome,
} from "#shared/domain/follow-up.ts";
import { policyOf } from "#shared/domain/team-policy.ts";
import type { Caller } from "../caller.ts";
import { HttpError } from "../http.ts";

export async function recordFollowUpOutcome(
  fu: FollowUp,
  outcome: FollowUpOutcome,
  caller: Caller,
  ifMatch: number,
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
  if (ifMatch !== fu.version)
    throw new HttpError(412, "Precondition Failed", `The follow-up is at version ${fu.version}`);

  const at = now.toISOString();
  let saved: FollowUp;
  try {
    // Kept as still to announce until announced: a crash in between leaves it to the sweep.
    saved = await saveFollowUp(decision.next, fu.version, { result: decision.result, at });
  } catch (error) {
    if (error instanceof FollowUpConflictError)
      throw new HttpError(
        412,
        "Precondition Failed",
        "The follow-up changed meanwhile: read it again",
      );
    throw error;
  }
  await announceStep(saved, decision.result, at);
  await clearOutbox(saved.followUpId, saved.version);
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
