// Who works a case (../domain.md "Assignment"): the team owning the category, then an
// on-shift agent of that team with the skill and the fewest open cases under capacity (ties to
// the one assigned longest ago). VIP customers go to their dedicated agent, in whichever team
// that agent is, when the agent can take the case. Queued cases are handed out most urgent
// first, then oldest. Escalation contacts per level come from the team record.
import type { CalendarSpec } from "./calendar-spec.ts";
import type { Case, Category } from "./case.ts";
import type { FollowUpOverrides } from "./follow-up.ts";
import type { SlaOverrides } from "./sla.ts";

export interface Team {
  readonly teamId: string;
  readonly name: string;
  readonly categories: readonly Category[];
  /** Level 1 of escalation: told of severe cases, SLA breaches and escalations by hand. */
  readonly supervisors: readonly string[];
  /** The team's business hours and holidays; the domain default (calendar-spec.ts) when absent. */
  readonly calendar?: CalendarSpec;
  /** The team's SLA targets where they differ from the defaults (sla.ts). */
  readonly sla?: SlaOverrides;
  /**
   * Further escalation levels: `escalationLevels[0]` is whom to tell at level 2 (e.g. the
   * service manager), `[1]` at level 3, and so on. Level 1 is always `supervisors`.
   */
  readonly escalationLevels?: readonly (readonly string[])[];
  /** The team's follow-up (回访) rules where they differ from the defaults (follow-up.ts). */
  readonly followUp?: FollowUpOverrides;
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
  /** When the agent was last given a case (null or absent: never, which counts as longest ago). */
  readonly lastAssignedAt?: string | null;
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
 * Agents to try, best first. A VIP customer's dedicated agent comes first, in whichever team
 * they are: among `agents` (the team's) and `vipOwners` (agents of any team whose
 * `vipCustomers` list the customer; the caller finds them, e.g. by an index on vipCustomers),
 * when they can take the case (on shift, under capacity), whatever their skills. Then the
 * team's agents that are on shift, under capacity and have the category's skill: fewest open
 * cases first, ties to the one assigned longest ago, then by id. No agent is listed twice.
 * The caller reserves capacity with a conditional write and falls through to the next
 * candidate when another case took the slot first.
 */
export function rankAgents(
  request: AssignmentRequest,
  agents: readonly Agent[],
  vipOwners: readonly Agent[] = [],
): AgentChoice[] {
  const dedicated =
    request.customerTier === "vip"
      ? unique([...agents, ...vipOwners])
          .filter((agent) => canTakeCase(agent) && agent.vipCustomers.includes(request.customerId))
          .sort(byLoad)
      : [];
  const chosen = new Set(dedicated.map((agent) => agent.agentId));
  const skilled = unique(agents)
    .filter((agent) => canTakeCase(agent) && agent.skills.includes(request.category))
    .filter((agent) => !chosen.has(agent.agentId))
    .sort(byLoad);
  return [
    ...dedicated.map((agent) => ({
      agentId: agent.agentId,
      reason: "vip-dedicated-agent" as const,
    })),
    ...skilled.map((agent) => ({ agentId: agent.agentId, reason: "least-loaded-agent" as const })),
  ];
}

/**
 * Fewest open cases first; then the one assigned longest ago (never assigned first); then id,
 * so that the choice is deterministic.
 */
export function byLoad(a: Agent, b: Agent): number {
  return (
    a.openCases - b.openCases ||
    compareLastAssigned(a.lastAssignedAt ?? null, b.lastAssignedAt ?? null) ||
    a.agentId.localeCompare(b.agentId)
  );
}

function compareLastAssigned(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return Date.parse(a) - Date.parse(b) || compareText(a, b);
}

/** The first of each agentId (the same agent may come from the team and the VIP owners). */
function unique(agents: readonly Agent[]): Agent[] {
  const seen = new Set<string>();
  return agents.filter((agent) => !seen.has(agent.agentId) && seen.add(agent.agentId));
}

// ---- the team queue --------------------------------------------------------------------------

const PRIORITY_RANK: Readonly<Record<string, number>> = { urgent: 0, high: 1, routine: 2 };

/**
 * Order of the cases waiting in a team queue, for `Array.prototype.sort`: most urgent first
 * (urgent, high, routine; no priority yet last), then the oldest (createdAt), then caseId.
 */
export function queueOrder(
  a: Pick<Case, "priority" | "createdAt" | "caseId">,
  b: Pick<Case, "priority" | "createdAt" | "caseId">,
): number {
  const rank = (p: Case["priority"]) => (p === null ? 3 : (PRIORITY_RANK[p] ?? 3));
  return (
    rank(a.priority) - rank(b.priority) ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    compareText(a.caseId, b.caseId)
  );
}

// ---- escalation ------------------------------------------------------------------------------

/**
 * Whom to tell at an escalation level: nobody below 1; the supervisors at 1; at level n ≥ 2
 * `escalationLevels[n - 2]`, or, past the levels the team lists (or when it lists none), its
 * highest level (the supervisors when it lists none): an escalation never goes unheard.
 */
export function escalationContacts(team: Team, level: number): readonly string[] {
  if (!(level >= 1)) return [];
  const levels = team.escalationLevels ?? [];
  if (level < 2 || levels.length === 0) return team.supervisors;
  return levels[Math.min(Math.floor(level), levels.length + 1) - 2] ?? team.supervisors;
}

/**
 * The highest escalation level a case of the team can reach: 1 (supervisors) plus its further
 * levels, and at least 2 (still open at twice its target is level 2 even for a team listing no
 * further level: its supervisors hear of it again).
 */
export function maxEscalationLevel(team?: Team | null): number {
  return 1 + Math.max(1, team?.escalationLevels?.length ?? 0);
}

function byId(a: Team, b: Team): number {
  return a.teamId.localeCompare(b.teamId);
}

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
