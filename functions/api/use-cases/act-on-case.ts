// Use case: an agent's or supervisor's action on a case (responses, notes, wait, assign,
// escalate, merge, resolve, close). The lifecycle module decides whether the caller may, from
// this status, and what it records; validate, then act — a refused action changes nothing.
import { makeMove } from "#shared/adapters/case-moves.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { listTeams } from "#shared/adapters/org-store.ts";
import type { Team } from "#shared/domain/assignment.ts";
import type { Case } from "#shared/domain/case.ts";
import {
  checkAction,
  type HumanAction,
  type LifecycleAction,
} from "#shared/domain/case-lifecycle.ts";
import type { Caller } from "../caller.ts";
import { HttpError } from "../http.ts";

/** Builds the move from the case as read (a merge needs its target, an assignment its agent). */
export type MoveBuilder = (current: Case, teams: readonly Team[]) => Promise<LifecycleAction>;

export async function actOnCase(
  caseId: string,
  type: HumanAction,
  build: MoveBuilder,
  caller: Caller,
  ifMatch: number,
): Promise<Case> {
  const current = await getCase(caseId);
  if (!current) throw new HttpError(404, "Not Found", `No case ${caseId}`);
  const teams = await listTeams();
  // Who may, and from which status, before anything else is looked at (a merge target, an agent).
  const refused = checkAction(current, type, caller, teams);
  if (refused) throw new HttpError(refused.status, TITLES[refused.status], refused.reason);
  if (ifMatch !== current.version)
    throw new HttpError(
      412,
      "Precondition Failed",
      `The case is at version ${current.version} (ETag "${current.version}"); read it again`,
    );
  const outcome = await makeMove(current, await build(current, teams), teams);
  if (outcome.ok) return outcome.case;
  if ("stale" in outcome)
    throw new HttpError(412, "Precondition Failed", "The case changed meanwhile; read it again");
  throw new HttpError(outcome.status, TITLES[outcome.status], outcome.reason);
}

const TITLES = { 403: "Forbidden", 409: "Conflict", 422: "Unprocessable Content" } as const;
