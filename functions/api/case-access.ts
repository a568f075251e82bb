// Which teams' cases a caller may read (contract §2): agents their own team, supervisors the
// teams they supervise, ops and admins every team.
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import type { Case } from "#shared/domain/case.ts";
import type { Caller } from "./caller.ts";

/** Team ids the caller may read, or null for all teams. */
export async function readableTeams(caller: Caller): Promise<string[] | null> {
  if (caller.roles.includes("admins") || caller.roles.includes("ops")) return null;
  const teams = new Set<string>();
  if (caller.roles.includes("supervisors")) {
    for (const team of await listTeams())
      if (team.supervisors.includes(caller.userId)) teams.add(team.teamId);
  }
  if (caller.roles.includes("agents")) {
    const agent = await getAgent(caller.userId);
    if (agent) teams.add(agent.team);
  }
  return [...teams];
}

export function canRead(c: Case, caller: Caller, teams: readonly string[] | null): boolean {
  return (
    teams === null || c.assignee === caller.userId || (c.team !== null && teams.includes(c.team))
  );
}
