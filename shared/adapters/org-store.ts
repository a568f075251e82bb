// Teams and agents in the `cases` table. Capacity is reserved with a conditional update, so
// two cases racing for an agent's last slot cannot both get it. An agent's item holds two kinds
// of fields written by different hands: the profile (name, team, skills, capacity, shift, VIP
// customers; the API) and the live load (openCases, openCaseIds, lastAssignedAt; assignment).
// A profile write never touches the load, and the load writes never touch the profile, so
// neither can undo the other. Every write is conditional.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { Agent, Team } from "#shared/domain/assignment.ts";
import { calendarSpecSchema } from "#shared/domain/calendar-spec.ts";
import { CATEGORIES } from "#shared/domain/case.ts";
import { followUpOverridesSchema } from "#shared/domain/follow-up.ts";
import { slaOverridesSchema } from "#shared/domain/sla.ts";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { isConditionFailure, putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";
import { queryIndex } from "./index-query.ts";
import { describeErrors } from "./validation.ts";

const teamKey = (teamId: string) => ({ pk: "ORG", sk: `TEAM#${teamId}` });
const agentKey = (agentId: string) => ({ pk: `AGENT#${agentId}`, sk: "AGENT" });
const teamAgentsKey = (agent: { agentId: string; team: string }) => ({
  gsi1pk: `TEAMAGENTS#${agent.team}`,
  gsi1sk: `AGENT#${agent.agentId}`,
});

/** A team as stored, with its version (the API's ETag) and when it was written. */
export interface TeamRecord extends Team {
  readonly version: number;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/** An agent as stored, with the version of their profile (the API's ETag). */
export interface AgentRecord extends Agent {
  /** The cases holding the agent's slots (`openCases` counts them); assignment's, never shown. */
  readonly openCaseIds: readonly string[];
  readonly version: number;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/** What an admin sets about an agent; the live load is not part of it. */
export type AgentProfile = Pick<
  Agent,
  "agentId" | "name" | "team" | "skills" | "capacity" | "onShift" | "vipCustomers"
>;

const versionOf = (item: Record<string, unknown>) =>
  typeof item.version === "number" ? item.version : 0;
const stringOrNull = (value: unknown) => (typeof value === "string" ? value : null);

function toTeam(item: Record<string, unknown>): TeamRecord {
  const levels = item.escalationLevels as Team["escalationLevels"] | undefined;
  return {
    teamId: item.teamId as string,
    name: item.name as string,
    categories: (item.categories as Team["categories"]) ?? [],
    supervisors: (item.supervisors as string[]) ?? [],
    ...(item.calendar ? { calendar: item.calendar as Team["calendar"] } : {}),
    ...(item.sla ? { sla: item.sla as Team["sla"] } : {}),
    ...(item.followUp ? { followUp: item.followUp as Team["followUp"] } : {}),
    ...(levels?.length ? { escalationLevels: levels } : {}),
    version: versionOf(item),
    createdAt: stringOrNull(item.createdAt),
    updatedAt: stringOrNull(item.updatedAt),
  };
}

function toAgent(item: Record<string, unknown>): AgentRecord {
  return {
    agentId: item.agentId as string,
    name: item.name as string,
    team: item.team as string,
    skills: (item.skills as string[]) ?? [],
    capacity: item.capacity as number,
    onShift: item.onShift === true,
    openCases: (item.openCases as number | undefined) ?? 0,
    openCaseIds: [...((item.openCaseIds as Set<string> | undefined) ?? [])],
    vipCustomers: (item.vipCustomers as string[] | undefined) ?? [],
    lastAssignedAt: stringOrNull(item.lastAssignedAt),
    version: versionOf(item),
    createdAt: stringOrNull(item.createdAt),
    updatedAt: stringOrNull(item.updatedAt),
  };
}

/**
 * Refuses a team the rest of the system could not work with: a calendar or SLA its schema
 * refuses (calendarOf would throw on every case of the team), an unknown category. The API
 * checks the same before; this keeps a bad team out whoever writes.
 */
function assertValidTeam(team: Team): void {
  const problems: string[] = [];
  if (team.calendar !== undefined) {
    const result = calendarSpecSchema.safeParse(team.calendar);
    if (!result.success) problems.push(`calendar: ${describeErrors(result.error)}`);
  }
  if (team.sla !== undefined) {
    const result = slaOverridesSchema.safeParse(team.sla);
    if (!result.success) problems.push(`sla: ${describeErrors(result.error)}`);
  }
  if (team.followUp !== undefined) {
    const result = followUpOverridesSchema.safeParse(team.followUp);
    if (!result.success) problems.push(`followUp: ${describeErrors(result.error)}`);
  }
  const unknown = team.categories.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (unknown.length) problems.push(`categories: unknown ${unknown.join(", ")}`);
  if (problems.length) throw new RangeError(`Invalid team ${team.teamId}: ${problems.join("; ")}`);
}

/** The write's condition: the item is still at the version read (or absent, if it was). */
function unchangedSince(previous: { version: number } | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (!previous) return { ConditionExpression: "attribute_not_exists(pk)" };
  const ExpressionAttributeNames = { "#version": "version" };
  if (previous.version === 0)
    return {
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#version)",
      ExpressionAttributeNames,
    };
  return {
    ConditionExpression: "#version = :expected",
    ExpressionAttributeNames,
    ExpressionAttributeValues: { ":expected": previous.version },
  };
}

// ---- teams -------------------------------------------------------------------------------------

/** Every team (one Query of the ORG partition: a few items). `consistentRead` before a write. */
export async function listTeams(options: { consistentRead?: boolean } = {}): Promise<TeamRecord[]> {
  const teams: TeamRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: config.casesTable(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :team)",
        ExpressionAttributeValues: { ":pk": "ORG", ":team": "TEAM#" },
        ConsistentRead: options.consistentRead === true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) teams.push(toTeam(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return teams;
}

/** How old the teams an event consumer uses may be: a change to a team reaches them within it. */
export const TEAMS_MAX_AGE_MS = 30_000;
let recent: { readAt: number; teams: Promise<TeamRecord[]> } | undefined;

/**
 * The teams as read at most 30 s ago (real time), for the event consumers: one Query per
 * container and half-minute instead of one per message (issue 12; a delivered parcel needs them,
 * and there are tens of millions a day). Never for an access decision or before a write of a
 * team: those call listTeams(). A team written through this module is seen at once here.
 */
export function recentTeams(): Promise<TeamRecord[]> {
  const now = performance.now();
  if (!recent || now - recent.readAt > TEAMS_MAX_AGE_MS) {
    const teams = listTeams();
    recent = { readAt: now, teams };
    // A failed read is not kept: the next call reads again.
    teams.catch(() => {
      if (recent?.teams === teams) recent = undefined;
    });
  }
  return recent.teams.then((teams) => [...teams]);
}

export async function getTeam(teamId: string): Promise<TeamRecord | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: config.casesTable(), Key: teamKey(teamId), ConsistentRead: true }),
  );
  return Item ? toTeam(Item) : undefined;
}

/**
 * Creates the team (`previous` undefined) or replaces it, if it is still at `previous.version`.
 * The saved team, or null when someone else wrote it first (read it again). RangeError for a
 * team with an invalid calendar or SLA.
 */
export async function putTeam(
  team: Team,
  previous: TeamRecord | undefined,
  at: string,
): Promise<TeamRecord | null> {
  assertValidTeam(team);
  const item = {
    ...teamKey(team.teamId),
    type: "team",
    teamId: team.teamId,
    name: team.name,
    categories: team.categories,
    supervisors: team.supervisors,
    ...(team.calendar ? { calendar: team.calendar } : {}),
    ...(team.sla ? { sla: team.sla } : {}),
    ...(team.followUp ? { followUp: team.followUp } : {}),
    ...(team.escalationLevels?.length ? { escalationLevels: team.escalationLevels } : {}),
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    version: (previous?.version ?? 0) + 1,
  };
  try {
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: config.casesTable(), Item: item, ...unchangedSince(previous) }),
    );
    recent = undefined;
    return toTeam(item);
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}

/** Creates the team unless it exists (used to seed the default organisation). */
export async function createTeamIfAbsent(team: Team, at: string): Promise<boolean> {
  assertValidTeam(team);
  recent = undefined;
  return putIfAbsent(config.casesTable(), {
    ...teamKey(team.teamId),
    type: "team",
    ...team,
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
}

// ---- agents ------------------------------------------------------------------------------------

export async function getAgent(agentId: string): Promise<AgentRecord | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: agentKey(agentId),
      ConsistentRead: true,
    }),
  );
  return Item ? toAgent(Item) : undefined;
}

export async function listAgentsOfTeam(teamId: string): Promise<AgentRecord[]> {
  const agents: AgentRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryIndex({
      TableName: config.casesTable(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :team",
      ExpressionAttributeValues: { ":team": `TEAMAGENTS#${teamId}` },
      ExclusiveStartKey: startKey,
    });
    for (const item of page.items) agents.push(toAgent(item));
    startKey = page.lastKey;
  } while (startKey);
  return agents;
}

/**
 * Creates the agent (`previous` undefined) or replaces their profile, if it is still at
 * `previous.version`: one UpdateItem that SETs the profile fields and the team index keys, and
 * leaves the live load alone (openCases only starts at 0 for a new agent). The saved agent, or
 * null when their profile changed meanwhile (read it again). Capacity may go below the load:
 * the agent then gets no new case until they are under it.
 */
export async function putAgentProfile(
  profile: AgentProfile,
  previous: AgentRecord | undefined,
  at: string,
): Promise<AgentRecord | null> {
  const fields: Record<string, unknown> = {
    type: "agent",
    agentId: profile.agentId,
    name: profile.name,
    team: profile.team,
    skills: profile.skills,
    capacity: profile.capacity,
    onShift: profile.onShift,
    vipCustomers: profile.vipCustomers,
    ...teamAgentsKey(profile),
    updatedAt: at,
    version: (previous?.version ?? 0) + 1,
  };
  const names: Record<string, string> = { "#createdAt": "createdAt", "#openCases": "openCases" };
  const values: Record<string, unknown> = { ":at": at, ":zero": 0 };
  const sets = Object.entries(fields).map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    return `#f${i} = :f${i}`;
  });
  const condition = unchangedSince(previous);
  return updateAgentIf(profile.agentId, {
    UpdateExpression: `SET ${sets.join(", ")}, #createdAt = if_not_exists(#createdAt, :at), #openCases = if_not_exists(#openCases, :zero)`,
    ConditionExpression: condition.ConditionExpression,
    ExpressionAttributeNames: { ...names, ...condition.ExpressionAttributeNames },
    ExpressionAttributeValues: { ...values, ...condition.ExpressionAttributeValues },
  });
}

/** A conditional update of the agent's item: the agent as saved, or null when the condition fails. */
async function updateAgentIf(
  agentId: string,
  update: Pick<
    UpdateCommandInput,
    | "UpdateExpression"
    | "ConditionExpression"
    | "ExpressionAttributeNames"
    | "ExpressionAttributeValues"
  >,
): Promise<AgentRecord | null> {
  try {
    const { Attributes } = await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: agentKey(agentId),
        ...update,
        ReturnValues: "ALL_NEW",
      }),
    );
    return toAgent(Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}

/**
 * Puts the agent on or off shift, if they are still in `team` (the team the caller's right to do
 * so was checked against). The saved agent, or null when they are gone or moved meanwhile.
 */
export async function setOnShift(
  agentId: string,
  onShift: boolean,
  team: string,
  at: string,
): Promise<AgentRecord | null> {
  return updateAgentIf(agentId, {
    UpdateExpression: "SET onShift = :onShift, updatedAt = :at ADD #version :one",
    ConditionExpression: "attribute_exists(pk) AND #team = :team",
    ExpressionAttributeNames: { "#version": "version", "#team": "team" },
    ExpressionAttributeValues: { ":onShift": onShift, ":at": at, ":one": 1, ":team": team },
  });
}

/**
 * Takes one of the agent's free slots for the case. True when the agent now holds the case
 * (also when it already did: a retried reservation), false when the agent is off shift, at
 * capacity, or unknown.
 */
export async function reserveCapacity(
  agentId: string,
  caseId: string,
  at: string,
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: agentKey(agentId),
        UpdateExpression:
          "ADD openCaseIds :case, openCases :one SET updatedAt = :at, lastAssignedAt = :at",
        ConditionExpression:
          "attribute_exists(pk) AND onShift = :true AND openCases < #capacity AND NOT contains(openCaseIds, :caseId)",
        ExpressionAttributeNames: { "#capacity": "capacity" },
        ExpressionAttributeValues: {
          ":case": new Set([caseId]),
          ":caseId": caseId,
          ":one": 1,
          ":true": true,
          ":at": at,
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: config.casesTable(),
        Key: agentKey(agentId),
        ConsistentRead: true,
      }),
    );
    const held = Item?.openCaseIds as Set<string> | undefined;
    return held?.has(caseId) ?? false;
  }
}

/**
 * Gives back the agent's slot held by the case (a re-routed, resolved or closed case). True when
 * the slot was released now, false when the agent did not hold the case (already released).
 */
export async function releaseCapacity(
  agentId: string,
  caseId: string,
  at: string,
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: agentKey(agentId),
        UpdateExpression: "DELETE openCaseIds :case ADD openCases :minusOne SET updatedAt = :at",
        ConditionExpression: "contains(openCaseIds, :caseId)",
        ExpressionAttributeValues: {
          ":case": new Set([caseId]),
          ":caseId": caseId,
          ":minusOne": -1,
          ":at": at,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Creates the agent unless they exist (used to seed the default organisation). */
export async function createAgentIfAbsent(
  agent: Omit<Agent, "openCases">,
  at: string,
): Promise<boolean> {
  return putIfAbsent(config.casesTable(), {
    ...agentKey(agent.agentId),
    type: "agent",
    ...agent,
    openCases: 0,
    ...teamAgentsKey(agent),
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
}
