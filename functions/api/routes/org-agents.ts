// GET /v1/agents?team= (by role), PUT /v1/agents/{agentId} (admins: the profile) and PATCH
// /v1/agents/{agentId} (the agent, their supervisor, admins: on or off shift). A write never
// touches the agent's live load (open cases); one that makes them able to take cases they could
// not before publishes Agent Available, and assignment hands them queued cases.
import * as z from "zod";
import { agentAvailable } from "#events/index.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  type AgentProfile,
  type AgentRecord,
  getAgent,
  getTeam,
  listAgentsOfTeam,
  listTeams,
  putAgentProfile,
  setOnShift,
} from "#shared/adapters/org-store.ts";
import { readableTeams } from "../case-access.ts";
import type { Caller } from "../caller.ts";
import { HttpError, json } from "../http.ts";
import {
  agentListSchema,
  agentSchema,
  agentView,
  etagOf,
  keptChanging,
  MAX_WRITE_ATTEMPTS,
  optionalIfMatch,
  requireAdmin,
} from "../org-view.ts";
import { type ApiRequest, parseBody, parseQuery, pathId } from "../request.ts";
import { agentBody, agentProfileOf, shiftBody, teamId, userId, USER_ID } from "./org-bodies.ts";
import type { RouteDocs } from "../route-docs.ts";

export const listQuery = z.strictObject({ team: teamId.optional() });

/**
 * Agents see their own team's agents, supervisors their teams', ops and admins every team's.
 * A team outside the caller's reach gives an empty list (as GET /v1/cases does).
 */
export async function listAgentsRoute({ event, caller }: ApiRequest) {
  const query = parseQuery(event, listQuery);
  const reach = await readableTeams(caller);
  let teams: readonly string[];
  if (query.team !== undefined)
    teams = reach === null || reach.includes(query.team) ? [query.team] : [];
  else teams = reach ?? (await listTeams()).map((t) => t.teamId);
  const perTeam = await Promise.all(teams.map((team) => listAgentsOfTeam(team)));
  const items = perTeam
    .flat()
    .sort((a, b) => a.team.localeCompare(b.team) || a.agentId.localeCompare(b.agentId));
  return json(200, { items: items.map(agentView) });
}

const agentIdOf = (event: ApiRequest["event"]) =>
  pathId(event, "agentId", USER_ID, "must be 1–128 characters of A-Z, a-z, 0-9, '.', '_' and '-'");

/** Creates (201) or replaces (200) the agent's profile; their open cases stay theirs. */
export async function putAgentRoute({ event, caller }: ApiRequest) {
  requireAdmin(caller);
  const agentId = agentIdOf(event);
  const ifMatch = optionalIfMatch(event);
  const profile = agentProfileOf(agentId, parseBody(event, agentBody));
  if (!(await getTeam(profile.team)))
    throw new HttpError(400, "Bad Request", `There is no team ${profile.team}`, [
      {
        path: "team",
        message: `unknown team ${profile.team} (create it with PUT /v1/teams/{teamId})`,
      },
    ]);

  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const previous = await getAgent(agentId);
    if (ifMatch !== null && previous?.version !== ifMatch)
      throw new HttpError(
        412,
        "Precondition Failed",
        previous
          ? `Agent ${agentId} is at version ${previous.version} (ETag "${previous.version}"); read them again`
          : `There is no agent ${agentId} yet; create them without If-Match`,
      );
    const at = clock.nowIso();
    const saved = await putAgentProfile(profile, previous, at);
    if (saved) {
      if (becameAvailable(previous, saved) || sameProfile(previous, profile))
        await announceAvailable(saved, at);
      return json(previous ? 200 : 201, agentView(saved), { etag: etagOf(saved) });
    }
    if (ifMatch !== null)
      throw new HttpError(412, "Precondition Failed", `Agent ${agentId} changed meanwhile`);
  }
  throw keptChanging(`Agent ${agentId}`);
}

/** On or off shift: the agent themself, a supervisor of their team, or admins. */
export async function patchAgentRoute({ event, caller }: ApiRequest) {
  if (
    !caller.roles.some((role) => role === "agents" || role === "supervisors" || role === "admins")
  )
    throw new HttpError(403, "Forbidden", "Only the agent, their supervisor or admins set a shift");
  const agentId = agentIdOf(event);
  const { onShift } = parseBody(event, shiftBody);

  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const agent = await getAgent(agentId);
    if (!agent) throw new HttpError(404, "Not Found", `No agent ${agentId}`);
    if (!(await maySetShift(caller, agent)))
      throw new HttpError(
        403,
        "Forbidden",
        `Only ${agentId}, a supervisor of team ${agent.team} or admins set this agent's shift`,
      );
    const at = clock.nowIso();
    // Conditional on the team the right was checked against (a move meanwhile: check again).
    const saved = await setOnShift(agentId, onShift, agent.team, at);
    if (!saved) continue;
    // Also when they were on shift already: a client retrying after a failed publish gets it out.
    if (onShift) await announceAvailable(saved, at);
    return json(200, agentView(saved), { etag: etagOf(saved) });
  }
  throw keptChanging(`Agent ${agentId}`);
}

async function maySetShift(caller: Caller, agent: AgentRecord): Promise<boolean> {
  if (caller.roles.includes("admins")) return true;
  if (caller.roles.includes("agents") && caller.userId === agent.agentId) return true;
  if (!caller.roles.includes("supervisors")) return false;
  return (await getTeam(agent.team))?.supervisors.includes(caller.userId) ?? false;
}

/** The write let them take cases they could not before: on shift, more capacity, a new team. */
function becameAvailable(previous: AgentRecord | undefined, saved: AgentRecord): boolean {
  return (
    !previous ||
    !previous.onShift ||
    saved.capacity > previous.capacity ||
    saved.team !== previous.team
  );
}

/** A repeated PUT (a client's retry): it announces again, in case the first announcement failed. */
function sameProfile(previous: AgentRecord | undefined, profile: AgentProfile): boolean {
  if (!previous) return false;
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    previous.name === profile.name &&
    previous.team === profile.team &&
    previous.capacity === profile.capacity &&
    previous.onShift === profile.onShift &&
    same(previous.skills, profile.skills) &&
    same(previous.vipCustomers, profile.vipCustomers)
  );
}

/** Agent Available, when the agent is on shift with free slots now. */
async function announceAvailable(agent: AgentRecord, at: string): Promise<void> {
  const freeSlots = agent.capacity - agent.openCases;
  if (!agent.onShift || freeSlots <= 0) return;
  await publish(agentAvailable, {
    agentId: agent.agentId,
    team: agent.team,
    freeSlots,
    availableAt: at,
  });
}

export const agentDocs: RouteDocs = {
  "GET /v1/agents": {
    operationId: "listAgents",
    summary: "Agents, by team then agent id",
    description:
      "Agents see their own team's agents, supervisors those of the teams they supervise, ops and admins every team's. A team outside the caller's reach gives an empty list.",
    query: listQuery,
    responses: { 200: { description: "The agents", body: agentListSchema } },
    problems: { 400: "An unknown parameter or a bad team id" },
  },
  "PUT /v1/agents/{agentId}": {
    operationId: "putAgent",
    summary: "Creates (201) or replaces (200) an agent's profile",
    description:
      "Admins. `agentId` is the user's token `sub`. The agent's open cases stay theirs whatever the new profile says. Going on shift, a higher capacity, a move to another team or a new agent on shift publishes Agent Available when they have free slots.",
    path: { agentId: userId },
    ifMatch: "optional",
    body: agentBody,
    responses: {
      201: { description: "The agent, created", body: agentSchema, headers: ["ETag"] },
      200: { description: "The agent's profile, replaced", body: agentSchema, headers: ["ETag"] },
    },
    problems: {
      400: "An unknown `team` (path `team`), a bad agent id, body (`errors`) or If-Match",
      403: "Not an admin",
      409: "The agent kept changing while they were written; try again",
      412: "If-Match names another version, or the agent does not exist",
      413: "A body over 16 KB",
      415: "Not application/json",
    },
  },
  "PATCH /v1/agents/{agentId}": {
    operationId: "setAgentShift",
    summary: "On or off shift",
    description:
      "The agent themself, a supervisor of their team, or admins. On shift with free slots publishes Agent Available (again on a repeat).",
    path: { agentId: userId },
    body: shiftBody,
    responses: { 200: { description: "The agent", body: agentSchema, headers: ["ETag"] } },
    problems: {
      400: "A bad agent id or body (`errors`)",
      403: "Anyone else",
      404: "No such agent",
      409: "The agent kept changing while they were written; try again",
      413: "A body over 16 KB",
      415: "Not application/json",
    },
  },
};
