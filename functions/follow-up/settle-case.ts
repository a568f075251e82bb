// Use case: a completed follow-up settles its case. Satisfied (solved, score 4–5) → the case
// closes; dissatisfied (not solved, or a score of 1–3) → it reopens, back to its agent when
// they can take it, else to the team queue, and its next resolution gets a new follow-up.
// Unreachable → the case stays resolved. A case that moved on meanwhile (closed by a
// supervisor, already reopened, resolved again since) is left as it is, so a repeated event
// changes nothing.
import type { followUpCompleted } from "#events/index.ts";
import { makeMove } from "#shared/adapters/case-moves.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { recentTeams } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { SYSTEM_ACTOR } from "#shared/domain/case-lifecycle.ts";
import { caseFollowUpId } from "#shared/domain/follow-up.ts";

type Completed = typeof followUpCompleted.schema._output;

export async function settleCase(completed: Completed): Promise<string> {
  if (!completed.caseId || completed.result === "unreachable") return "nothing to settle";
  const current = await getCase(completed.caseId);
  if (!current) throw new Error(`Case ${completed.caseId} not found (yet); retrying`);
  if (current.status !== "resolved") return `case is ${current.status}: left as it is`;
  // The outcome of an earlier resolution's call (delivered again after the case was reopened
  // and resolved since) settles nothing: only the latest resolution's follow-up does.
  if (completed.followUpId !== caseFollowUpId(current.caseId, current.resolutions ?? 1))
    return `${completed.followUpId} is an earlier resolution's follow-up: left as it is`;
  const at = clock.nowIso();
  const action =
    completed.result === "satisfied"
      ? ({
          type: "follow-up-close",
          actor: SYSTEM_ACTOR,
          at,
          followUpId: completed.followUpId,
        } as const)
      : ({
          type: "reopen",
          actor: SYSTEM_ACTOR,
          at,
          followUpId: completed.followUpId,
          reason:
            completed.resolved === false
              ? "the customer says the problem is not solved"
              : `the customer is not satisfied (score ${completed.satisfaction})`,
        } as const);
  const outcome = await makeMove(current, action, await recentTeams());
  if (outcome.ok) {
    metrics.addMetric(
      action.type === "reopen" ? "CasesReopened" : "CasesClosedByFollowUp",
      "Count",
      1,
    );
    return `${current.caseId} ${outcome.case.status}`;
  }
  // Changed meanwhile: the message is retried on the case as it is then.
  if ("stale" in outcome) throw new Error(`${current.caseId} changed meanwhile; retrying`);
  return `not settled: ${outcome.reason}`;
}
