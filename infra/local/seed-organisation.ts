// Seeds the organisation (teams, agents) on first start: only when no team exists yet, so
// changes made later through the API are never overwritten. The file is checked with the very
// schemas of PUT /v1/teams/{teamId} and PUT /v1/agents/{agentId} (and `npm run -s org -- import`
// reads the same format into a deployed stack).
import { readFile } from "node:fs/promises";
import {
  agentProfileOf,
  organisationFile,
  teamBodyOf,
  teamOf,
} from "#functions/api/routes/org-bodies.ts";
import { createAgentIfAbsent, createTeamIfAbsent, listTeams } from "#shared/adapters/org-store.ts";
import { describeErrors } from "#shared/adapters/validation.ts";

export const DEFAULT_ORG_FILE = new URL("./default-org.json", import.meta.url);

/** Returns how many teams and agents were created (0 and 0 when an organisation exists). */
export async function seedOrganisation(
  file: string | URL,
  at: string,
): Promise<{ teams: number; agents: number }> {
  if ((await listTeams()).length > 0) return { teams: 0, agents: 0 };
  const parsed = organisationFile.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success)
    throw new Error(
      `${String(file)} is not a valid organisation file: ${describeErrors(parsed.error)}`,
    );
  const teamIds = new Set(parsed.data.teams.map((team) => team.teamId));
  const orphan = parsed.data.agents.find((agent) => !teamIds.has(agent.team));
  if (orphan)
    throw new Error(
      `${String(file)}: agent ${orphan.agentId} belongs to unknown team ${orphan.team}`,
    );
  let teams = 0;
  let agents = 0;
  for (const team of parsed.data.teams)
    if (await createTeamIfAbsent(teamOf(team.teamId, teamBodyOf(team)), at)) teams++;
  for (const agent of parsed.data.agents) {
    const { agentId: _id, ...body } = agent;
    if (await createAgentIfAbsent(agentProfileOf(agent.agentId, body), at)) agents++;
  }
  return { teams, agents };
}
