// What the organisation routes answer (Team, Agent), and the request pieces they share.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { AgentRecord, TeamRecord } from "#shared/adapters/org-store.ts";
import type { Caller } from "./caller.ts";
import { HttpError } from "./http.ts";
import { requiredIfMatch } from "./request.ts";

export function teamView(team: TeamRecord) {
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

export function agentView(agent: AgentRecord) {
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

/** A path parameter in its format, checked before anything is read (400 otherwise). */
export function pathId(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  name: string,
  format: RegExp,
  rule: string,
): string {
  const value = event.pathParameters?.[name] ?? "";
  if (!format.test(value))
    throw new HttpError(400, "Bad Request", `The ${name} in the path is not valid`, [
      { path: name, message: rule },
    ]);
  return value;
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
