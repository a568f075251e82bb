// What the organisation routes accept (PUT /v1/teams/{teamId}, PUT and PATCH
// /v1/agents/{agentId}), and the organisation file made of the same pieces (the local runtime's
// seed, `npm run -s org -- import`). One set of schemas, so nothing the API would refuse can get
// in another way. Pure: no AWS imports (the CLI and the seed use it too).
import * as z from "zod";
import type { AgentProfile } from "#shared/adapters/org-store.ts";
import type { Team } from "#shared/domain/assignment.ts";
import { calendarSpecSchema } from "#shared/domain/calendar-spec.ts";
import { CATEGORIES } from "#shared/domain/case.ts";
import { followUpOverridesSchema } from "#shared/domain/follow-up.ts";
import { slaOverridesSchema } from "#shared/domain/sla.ts";

/** A team id: lower-case letters, digits and '-', 2–63 characters, e.g. `delivery-ops`. */
export const TEAM_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** An agent's or any user's id (the token `sub`; a Cognito sub is a UUID). */
export const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const teamId = z
  .string()
  .regex(TEAM_ID, "must be 2–63 characters of a-z, 0-9 and '-', starting with a letter or digit");
export const userId = z
  .string()
  .regex(USER_ID, "must be 1–128 characters of A-Z, a-z, 0-9, '.', '_' and '-'");

/** The elements of a list are distinct; a repeat is reported at its own index. */
function distinct<T>(list: readonly T[], ctx: z.RefinementCtx): void {
  const seen = new Set<T>();
  list.forEach((item, i) => {
    if (seen.has(item)) ctx.addIssue({ code: "custom", message: "is listed twice", path: [i] });
    seen.add(item);
  });
}

const displayName = z
  .string()
  .trim()
  .min(1, "a name is required")
  .max(100, "at most 100 characters");

export const MAX_SUPERVISORS = 50;
export const MAX_ESCALATION_LEVELS = 5;
export const MAX_PEOPLE_PER_LEVEL = 20;
export const MAX_CAPACITY = 200;

/** `PUT /v1/teams/{teamId}`. `calendar` and `sla` null or absent: the defaults. */
export const teamBody = z.strictObject({
  name: displayName,
  categories: z.array(z.enum(CATEGORIES)).superRefine(distinct),
  supervisors: z
    .array(userId)
    .max(MAX_SUPERVISORS, `at most ${MAX_SUPERVISORS} supervisors`)
    .superRefine(distinct),
  calendar: calendarSpecSchema.nullable().optional(),
  sla: slaOverridesSchema.nullable().optional(),
  /** Follow-up (回访) rules: window, attempts, calling hours, delivery sampling. */
  followUp: followUpOverridesSchema.nullable().optional(),
  /** Who is told at escalation level 2, 3, … (level 1 is the team's supervisors). */
  escalationLevels: z
    .array(
      z
        .array(userId)
        .min(1, "a level names at least one person")
        .max(MAX_PEOPLE_PER_LEVEL, `at most ${MAX_PEOPLE_PER_LEVEL} people per level`)
        .superRefine(distinct),
    )
    .max(MAX_ESCALATION_LEVELS, `at most ${MAX_ESCALATION_LEVELS} levels`)
    .optional(),
});
export type TeamBody = z.output<typeof teamBody>;

/** `PUT /v1/agents/{agentId}`: the profile. The live load (open cases) is never part of it. */
export const agentBody = z.strictObject({
  name: displayName,
  team: teamId,
  /** Matched against a case's category by assignment (e.g. `damage`). */
  skills: z
    .array(z.string().trim().min(1, "a skill is not empty").max(64, "at most 64 characters"))
    .max(50, "at most 50 skills")
    .superRefine(distinct),
  capacity: z
    .number()
    .int("must be a whole number of cases")
    .min(0, "must be ≥ 0")
    .max(MAX_CAPACITY, `must be at most ${MAX_CAPACITY}`),
  onShift: z.boolean(),
  /** Customer ids whose VIP cases go to this agent first. */
  vipCustomers: z
    .array(z.string().min(1, "a customer id is not empty").max(128, "at most 128 characters"))
    .max(500, "at most 500 customers")
    .superRefine(distinct)
    .optional(),
});
export type AgentBody = z.output<typeof agentBody>;

/** `PATCH /v1/agents/{agentId}`. */
export const shiftBody = z.strictObject({ onShift: z.boolean() });

/** The stored team of a validated body: the defaults are left out, not stored as null. */
export function teamOf(id: string, body: TeamBody): Team {
  const levels = body.escalationLevels ?? [];
  return {
    teamId: id,
    name: body.name,
    categories: body.categories,
    supervisors: body.supervisors,
    ...(body.calendar ? { calendar: body.calendar } : {}),
    ...(body.sla ? { sla: body.sla } : {}),
    ...(body.followUp ? { followUp: body.followUp } : {}),
    ...(levels.length ? { escalationLevels: levels } : {}),
  };
}

export function agentProfileOf(id: string, body: AgentBody): AgentProfile {
  return {
    agentId: id,
    name: body.name,
    team: body.team,
    skills: body.skills,
    capacity: body.capacity,
    onShift: body.onShift,
    vipCustomers: body.vipCustomers ?? [],
  };
}

// ---- the organisation file (infra/local/default-org.json) -------------------------------------

export const organisationFile = z
  .strictObject({
    $comment: z.string().optional(),
    teams: z.array(z.strictObject({ teamId, ...teamBody.shape })).default([]),
    agents: z.array(z.strictObject({ agentId: userId, ...agentBody.shape })).default([]),
  })
  .superRefine((org, ctx) => {
    const teamIds = new Map<string, number>();
    const owners = new Map<string, string>();
    org.teams.forEach((team, i) => {
      if (teamIds.has(team.teamId))
        ctx.addIssue({
          code: "custom",
          message: `team ${team.teamId} is listed twice`,
          path: ["teams", i, "teamId"],
        });
      teamIds.set(team.teamId, i);
      team.categories.forEach((category, j) => {
        const owner = owners.get(category);
        if (owner !== undefined && owner !== team.teamId)
          ctx.addIssue({
            code: "custom",
            message: `category ${category} is already owned by team ${owner} (a category has one team)`,
            path: ["teams", i, "categories", j],
          });
        else owners.set(category, team.teamId);
      });
    });
    const agentIds = new Set<string>();
    org.agents.forEach((agent, i) => {
      if (agentIds.has(agent.agentId))
        ctx.addIssue({
          code: "custom",
          message: `agent ${agent.agentId} is listed twice`,
          path: ["agents", i, "agentId"],
        });
      agentIds.add(agent.agentId);
    });
  });
export type OrganisationFile = z.output<typeof organisationFile>;

/** The body of a team's PUT from its entry in an organisation file (without its id). */
export function teamBodyOf(team: OrganisationFile["teams"][number]): TeamBody {
  const { teamId: _id, ...body } = team;
  return body;
}

export function agentBodyOf(agent: OrganisationFile["agents"][number]): AgentBody {
  const { agentId: _id, ...body } = agent;
  return body;
}
