// Teams and agents in the `cases` table. Capacity is reserved with a conditional update, so
// two cases racing for an agent's last slot cannot both get it.
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Agent, Team } from "#shared/domain/assignment.ts";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { isConditionFailure, putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";

const teamKey = (teamId: string) => ({ pk: "ORG", sk: `TEAM#${teamId}` });
const agentKey = (agentId: string) => ({ pk: `AGENT#${agentId}`, sk: "AGENT" });

function toTeam(item: Record<string, unknown>): Team {
  return {
    teamId: item.teamId as string,
    name: item.name as string,
    categories: (item.categories as Team["categories"]) ?? [],
    supervisors: (item.supervisors as string[]) ?? [],
    ...(item.calendar ? { calendar: item.calendar as Team["calendar"] } : {}),
    ...(item.sla ? { sla: item.sla as Team["sla"] } : {}),
  };
}

function toAgent(item: Record<string, unknown>): Agent {
  return {
    agentId: item.agentId as string,
    name: item.name as string,
    team: item.team as string,
    skills: (item.skills as string[]) ?? [],
    capacity: item.capacity as number,
    onShift: item.onShift === true,
    openCases: (item.openCases as number | undefined) ?? 0,
    vipCustomers: (item.vipCustomers as string[] | undefined) ?? [],
  };
}

export async function listTeams(): Promise<Team[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: config.casesTable(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :team)",
      ExpressionAttributeValues: { ":pk": "ORG", ":team": "TEAM#" },
    }),
  );
  return (Items ?? []).map(toTeam);
}

export async function getAgent(agentId: string): Promise<Agent | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: agentKey(agentId),
      ConsistentRead: true,
    }),
  );
  return Item ? toAgent(Item) : undefined;
}

export async function listAgentsOfTeam(teamId: string): Promise<Agent[]> {
  const agents: Agent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: config.casesTable(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :team",
        ExpressionAttributeValues: { ":team": `TEAMAGENTS#${teamId}` },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) agents.push(toAgent(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return agents;
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
        UpdateExpression: "ADD openCaseIds :case, openCases :one SET updatedAt = :at",
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

/** Creates the team unless it exists (used to seed the default organisation). */
export async function createTeamIfAbsent(team: Team, at: string): Promise<boolean> {
  return putIfAbsent(config.casesTable(), {
    ...teamKey(team.teamId),
    type: "team",
    ...team,
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
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
    gsi1pk: `TEAMAGENTS#${agent.team}`,
    gsi1sk: `AGENT#${agent.agentId}`,
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
}
