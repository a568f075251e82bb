// Seeds the organisation (teams, agents) on first start: only when no team exists yet, so
// changes made later through the API are never overwritten.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { createAgentIfAbsent, createTeamIfAbsent, listTeams } from "#shared/adapters/org-store.ts";
import { calendarSpecSchema } from "#shared/domain/calendar-spec.ts";
import { CATEGORIES } from "#shared/domain/case.ts";
import { slaOverridesSchema } from "#shared/domain/sla.ts";

const orgFile = z.object({
  teams: z.array(
    z.object({
      teamId: z.string().min(1),
      name: z.string().min(1),
      categories: z.array(z.enum(CATEGORIES)),
      supervisors: z.array(z.string()),
      calendar: calendarSpecSchema.optional(),
      sla: slaOverridesSchema.optional(),
    }),
  ),
  agents: z.array(
    z.object({
      agentId: z.string().min(1),
      name: z.string().min(1),
      team: z.string().min(1),
      skills: z.array(z.string()),
      capacity: z.number().int().min(0),
      onShift: z.boolean(),
      vipCustomers: z.array(z.string()).default([]),
    }),
  ),
});

export const DEFAULT_ORG_FILE = new URL("./default-org.json", import.meta.url);

/** Returns how many teams and agents were created (0 and 0 when an organisation exists). */
export async function seedOrganisation(
  file: string | URL,
  at: string,
): Promise<{ teams: number; agents: number }> {
  if ((await listTeams()).length > 0) return { teams: 0, agents: 0 };
  const parsed = orgFile.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success)
    throw new Error(`${String(file)} is not a valid organisation file: ${parsed.error.message}`);
  const teamIds = new Set(parsed.data.teams.map((team) => team.teamId));
  const orphan = parsed.data.agents.find((agent) => !teamIds.has(agent.team));
  if (orphan)
    throw new Error(
      `${String(file)}: agent ${orphan.agentId} belongs to unknown team ${orphan.team}`,
    );
  let teams = 0;
  let agents = 0;
  for (const team of parsed.data.teams) if (await createTeamIfAbsent(team, at)) teams++;
  for (const agent of parsed.data.agents) if (await createAgentIfAbsent(agent, at)) agents++;
  return { teams, agents };
}
