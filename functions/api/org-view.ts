// What the organisation routes answer (Team, Agent), and the request pieces they share.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import * as z from "zod";
import type { AgentRecord, TeamRecord } from "#shared/adapters/org-store.ts";
import { calendarSpecSchema } from "#shared/domain/calendar-spec.ts";
import { CATEGORIES } from "#shared/domain/case.ts";
import { followUpOverridesSchema } from "#shared/domain/follow-up.ts";
import { slaOverridesSchema } from "#shared/domain/sla.ts";
import type { Caller } from "./caller.ts";
import { HttpError } from "./http.ts";
import { requiredIfMatch } from "./request.ts";
import { TEAM_ID, USER_ID } from "./routes/org-bodies.ts";
import { listOf, responseBody, type ResponseOf, timestamp, version } from "./schemas.ts";

export const teamSchema = responseBody(
  "Team",
  "A team: the categories it owns (each category one team), its supervisors (escalation level 1) and further escalation levels, and its calendar, SLA and follow-up rules (null: the defaults)",
  z.object({
    teamId: z.string().regex(TEAM_ID),
    name: z.string().min(1),
    categories: z.array(z.enum(CATEGORIES)),
    supervisors: z.array(z.string().regex(USER_ID)),
    calendar: calendarSpecSchema.nullable(),
    sla: slaOverridesSchema.nullable(),
    followUp: followUpOverridesSchema.nullable(),
    /** `[0]`: whom to tell at escalation level 2, `[1]` at level 3, … */
    escalationLevels: z.array(z.array(z.string().regex(USER_ID))),
    version,
    updatedAt: timestamp.nullable(),
  }),
);

export const teamListSchema = responseBody("TeamList", "Every team", listOf(teamSchema));

export const agentSchema = responseBody(
  "Agent",
  "An agent: their profile (written by admins) and their live load (`openCases`, `lastAssignedAt`; assignment's)",
  z.object({
    agentId: z.string().regex(USER_ID),
    name: z.string().min(1),
    team: z.string().regex(TEAM_ID),
    /** Matched against a case's category by assignment. */
    skills: z.array(z.string().min(1)),
    capacity: z.number().int().min(0),
    onShift: z.boolean(),
    openCases: z.number().int().min(0),
    vipCustomers: z.array(z.string().min(1)),
    lastAssignedAt: timestamp.nullable(),
    version,
    updatedAt: timestamp.nullable(),
  }),
);

export const agentListSchema = responseBody(
  "AgentList",
  "Agents, by team then agent id",
  listOf(agentSchema),
);

export function teamView(team: TeamRecord): ResponseOf<typeof teamSchema> {
  return {
    teamId: team.teamId,
    name: team.name,
    categories: team.categories,
    supervisors: team.supervisors,
    calendar: team.calendar ?? null,
    sla: team.sla ?? null,
    followUp: team.followUp ?? null,
    escalationLevels: team.escalationLevels ?? [],
    version: team.version,
    updatedAt: team.updatedAt,
  };
}

export function agentView(agent: AgentRecord): ResponseOf<typeof agentSchema> {
  return {
    agentId: agent.agentId,
    name: agent.name,
    team: agent.team,
    skills: agent.skills,
    capacity: agent.capacity,
    onShift: agent.onShift,
    openCases: agent.openCases,
    vipCustomers: agent.vipCustomers,
    lastAssignedAt: agent.lastAssignedAt ?? null,
    version: agent.version,
    updatedAt: agent.updatedAt,
  };
}

export const etagOf = (record: { version: number }) => `"${record.version}"`;

/** The If-Match version when the header is sent (400 if malformed), null without one. */
export function optionalIfMatch(event: APIGatewayProxyEventV2WithJWTAuthorizer): number | null {
  return event.headers?.["if-match"] ? requiredIfMatch(event) : null;
}

export function requireAdmin(caller: Caller): void {
  if (!caller.roles.includes("admins"))
    throw new HttpError(403, "Forbidden", "Only admins manage the organisation");
}

/** Tries a read-check-write up to this many times when another write came in between. */
export const MAX_WRITE_ATTEMPTS = 5;

export function keptChanging(what: string): HttpError {
  return new HttpError(409, "Conflict", `${what} kept changing while it was written; try again`);
}
