// Use case: a resolved case gets its follow-up call, due in callable hours (the team's working
// hours ∩ the customer's calling hours) within the window, called by the case's agent (or the
// team's pool when nobody was assigned). Every time comes from the resolution, so a replayed
// event schedules the same call; the follow-up's id (case and round) makes it once. A case
// closed before its Case Resolved came gets none (its close cancels one scheduled earlier).
// A sampled delivery's call about the same waybill gives way when it falls due (the sweeper's
// dispatch-follow-ups.ts), whichever came first.
import type { caseResolved } from "#events/index.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { startFollowUp } from "#shared/adapters/follow-ups.ts";
import { recentTeams } from "#shared/adapters/org-store.ts";
import { caseFollowUpId, scheduleFollowUp } from "#shared/domain/follow-up.ts";
import { policyOf } from "#shared/domain/team-policy.ts";

type Resolved = typeof caseResolved.schema._output;

export async function scheduleCaseFollowUp(resolved: Resolved): Promise<string> {
  const c = await getCase(resolved.caseId);
  if (!c) throw new Error(`Case ${resolved.caseId} not found (yet); retrying`);
  const round = resolved.round ?? c.resolutions ?? 1;
  // Closed meanwhile (a supervisor closed it before this event came), or resolved again since:
  // nothing is left to confirm for this resolution (any order of the events, same result).
  if (c.status === "closed") return `${c.caseId} closed: no follow-up`;
  if ((c.resolutions ?? 0) > round) return `${c.caseId} resolved again since: no follow-up`;
  const teams = await recentTeams();
  const team =
    teams.find((t) => t.teamId === resolved.team) ?? teams.find((t) => t.teamId === c.team);
  const policy = policyOf(team);
  const fu = scheduleFollowUp(
    {
      followUpId: caseFollowUpId(c.caseId, round),
      kind: "case",
      caseId: c.caseId,
      waybillNo: c.waybillNo,
      round,
      team: resolved.team,
      assignee: resolved.assignee,
      customer: c.customer,
      category: resolved.category,
      channel: resolved.channel,
      priority: c.priority,
      triggeredAt: resolved.resolvedAt,
    },
    policy.calendar,
    policy.followUp,
    clock.now(),
  );
  return startFollowUp(fu);
}
