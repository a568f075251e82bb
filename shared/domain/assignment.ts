// Who works a case (../domain.md "Assignment"): the team owning the category, then an
// on-shift agent of that team with the skill and the fewest open cases under capacity.
// VIP customers go to their dedicated agent when that agent can take the case.
import type { CalendarSpec } from "./calendar-spec.ts";
import type { Category } from "./case.ts";
import type { SlaOverrides } from "./sla.ts";

export interface Team {
  readonly teamId: string;
  readonly name: string;
  readonly categories: readonly Category[];
  readonly supervisors: readonly string[];
  /** The team's business hours and holidays; the domain default (calendar-spec.ts) when absent. */
  readonly calendar?: CalendarSpec;
  /** The team's SLA targets where they differ from the defaults (sla.ts). */
  readonly sla?: SlaOverrides;
}

export interface Agent {
  readonly agentId: string;
  readonly name: string;
  readonly team: string;
  readonly skills: readonly string[];
  readonly capacity: number;
  readonly onShift: boolean;
  readonly openCases: number;
  readonly vipCustomers: readonly string[];
}

export interface AssignmentRequest {
  readonly category: Category;
  readonly customerId: string;
  readonly customerTier: "regular" | "vip";
}

export type AgentChoice = {
  readonly agentId: string;
  readonly reason: "vip-dedicated-agent" | "least-loaded-agent";
};

export function teamForCategory(category: Category, teams: readonly Team[]): Team | undefined {
  return [...teams].sort(byId).find((team) => team.categories.includes(category));
}

/** Can this agent take one more case right now? */
export function canTakeCase(agent: Agent): boolean {
  return agent.onShift && agent.openCases < agent.capacity;
}

/**
 * Agents to try, best first. The caller reserves capacity with a conditional write and falls
 * through to the next candidate when another case took the slot first.
 */
export function rankAgents(request: AssignmentRequest, agents: readonly Agent[]): AgentChoice[] {
  const available = agents.filter(canTakeCase);
  const dedicated =
    request.customerTier === "vip"
      ? available.filter((agent) => agent.vipCustomers.includes(request.customerId)).sort(byLoad)
      : [];
  const skilled = available
    .filter((agent) => agent.skills.includes(request.category))
    .filter((agent) => !dedicated.includes(agent))
    .sort(byLoad);
  return [
    ...dedicated.map((agent) => ({
      agentId: agent.agentId,
      reason: "vip-dedicated-agent" as const,
    })),
    ...skilled.map((agent) => ({ agentId: agent.agentId, reason: "least-loaded-agent" as const })),
  ];
}

/** Fewest open cases first; then most spare capacity; then id, so the choice is deterministic. */
function byLoad(a: Agent, b: Agent): number {
  return (
    a.openCases - b.openCases ||
    b.capacity - b.openCases - (a.capacity - a.openCases) ||
    a.agentId.localeCompare(b.agentId)
  );
}

function byId(a: Team, b: Team): number {
  return a.teamId.localeCompare(b.teamId);
}
