// Use case: capacity freed in a team (an agent came on shift, or resolved, closed, handed on or
// merged a case): its queued cases go out most urgent first, then oldest, until nobody eligible
// is left. Each case is routed by assignCase, with its conditional capacity reservation, so two
// backfills at once never give one slot twice.
import { queuedCasesOfTeam } from "#shared/adapters/case-store.ts";
import { assignCase } from "./assign-case.ts";

/** How far down the queue one backfill looks (a case nobody's skills cover must not block it). */
const LOOKAHEAD = 25;

export async function backfillTeam(team: string, freeSlots: number): Promise<string> {
  if (freeSlots <= 0) return `no free slot in ${team}`;
  const queued = await queuedCasesOfTeam(team, LOOKAHEAD);
  let assigned = 0;
  for (const c of queued) {
    if (assigned >= freeSlots) break;
    if ((await assignCase(c.caseId, { retryQueued: true })).assigned) assigned++;
  }
  return `handed out ${assigned} of ${queued.length} queued in ${team}`;
}
