// Use case: route a classified case to its team and an agent. Capacity is reserved per agent
// with a conditional write before the case records the assignee, so a retry finds its own
// reservation and two cases never share an agent's last slot. A case waiting in a team queue
// is tried again when its classification changed (Case Reclassified, e.g. now urgent) or when
// capacity freed (backfill-team.ts). A severe case notifies the team's supervisors at once
// (escalation level 1, Case Escalated), whoever gets it.
import { caseAssigned, caseEscalated, caseQueued } from "#events/index.ts";
import {
  addTimelineEntry,
  deliveryOf,
  getCase,
  saveCase,
  VersionConflictError,
} from "#shared/adapters/case-store.ts";
import { applyDelivery } from "#shared/adapters/deliveries.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  type AgentRecord,
  listAgentsOfTeam,
  recentTeams,
  releaseCapacity,
  reserveCapacity,
} from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import {
  type AgentChoice,
  rankAgents,
  type Team,
  teamForCategory,
} from "#shared/domain/assignment.ts";
import type { Case } from "#shared/domain/case.ts";

export interface AssignResult {
  readonly assigned: boolean;
  /** One line for the log. */
  readonly summary: string;
}

/** Routings tried in a row when the case is saved by someone else meanwhile. */
const ROUTING_ATTEMPTS = 3;

/**
 * Routes the case. When it was saved by someone else meanwhile (an event attached to it, a
 * reclassification), the slot taken for it is given back and the routing runs again at once on
 * the case as it is then, instead of after the message's visibility timeout (2 minutes).
 */
export async function assignCase(
  caseId: string,
  options: { retryQueued?: boolean } = {},
): Promise<AssignResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await routeOnce(caseId, options);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= ROUTING_ATTEMPTS) throw error;
    }
  }
}

async function routeOnce(
  caseId: string,
  { retryQueued = false }: { retryQueued?: boolean },
): Promise<AssignResult> {
  const current = await getCase(caseId);
  if (!current) throw new Error(`Case ${caseId} not found; retrying`);
  const waiting = retryQueued && current.status === "queued" && current.team !== null;
  if (current.status !== "new" && !waiting) {
    if (retryQueued && needsSevereEscalation(current)) return escalateRouted(current);
    // A repeat (a crash after the save) announces again what the save decided.
    if (!retryQueued && current.routedAt) await announce(current);
    else if (retryQueued) await announceSevere(current, undefined, undefined, recentTeams);
    return { assigned: false, summary: `already routed ${caseId} (${current.status})` };
  }

  const teams = await recentTeams();
  const team = teamForCategory(current.category, teams);
  const at = clock.nowIso();
  if (!team) return queue(current, null, at, "no-team-for-category");

  const agents = await listAgentsOfTeam(team.teamId);
  const owners =
    current.customer.tier === "vip" ? await vipOwners(current.customer.id, teams, team) : [];
  const candidates = ownReservationFirst(
    caseId,
    rankAgents(
      {
        category: current.category,
        customerId: current.customer.id,
        customerTier: current.customer.tier,
      },
      agents,
      owners,
    ),
    [...agents, ...owners],
  );
  for (const candidate of candidates) {
    if (!(await reserveCapacity(candidate.agentId, caseId, at))) continue;
    let assigned: Case;
    try {
      assigned = await saveCase(
        withSevereEscalation(
          {
            ...current,
            team: team.teamId,
            assignee: candidate.agentId,
            status: "assigned",
            routedAt: at,
            routeReason: candidate.reason,
            updatedAt: at,
          },
          at,
        ),
        current.version,
        current,
      );
    } catch (error) {
      // Another run (Case Classified and Case Reclassified at once) or an attached event saved
      // first: give back the slot unless that run chose the same agent, then route again.
      if (
        error instanceof VersionConflictError &&
        (await getCase(caseId))?.assignee !== candidate.agentId
      )
        await releaseCapacity(candidate.agentId, caseId, at);
      throw error;
    }
    await announce(assigned, current, team);
    metrics.addMetric("CasesAssigned", "Count", 1);
    await deliveredMeanwhile(assigned);
    return { assigned: true, summary: `assigned ${caseId} to ${candidate.agentId}` };
  }
  if (waiting) {
    // Still no agent; a case that became severe in the queue reaches the supervisors all the same.
    if (needsSevereEscalation(current)) return escalateRouted(current);
    return { assigned: false, summary: `still queued ${caseId} (no-agent-available)` };
  }
  return queue(current, team.teamId, at, "no-agent-available", team);
}

/**
 * An agent already holding a slot for the case (an earlier run reserved it, then failed before
 * the case was saved: DynamoDB past the retry budget, a crash) is tried first, even when the
 * ranking now puts them later or at capacity (that slot is the case's): reserveCapacity finds
 * the reservation, and no second agent's slot is taken for the same case.
 */
function ownReservationFirst(
  caseId: string,
  ranked: readonly AgentChoice[],
  agents: readonly AgentRecord[],
): AgentChoice[] {
  const holder = agents.find((agent) => agent.openCaseIds.includes(caseId));
  if (!holder) return [...ranked];
  const choice = ranked.find((c) => c.agentId === holder.agentId) ?? {
    agentId: holder.agentId,
    reason: "least-loaded-agent" as const,
  };
  return [choice, ...ranked.filter((c) => c.agentId !== holder.agentId)];
}

/** A delay case whose parcel was delivered before it was routed (deliveries.ts). */
async function deliveredMeanwhile(c: Case): Promise<void> {
  if (c.category !== "delay" || !c.waybillNo) return;
  const delivery = await deliveryOf(c.waybillNo);
  if (delivery) await applyDelivery(c, delivery);
}

/**
 * Agents of other teams who own this VIP customer: a VIP goes to their own agent in whichever
 * team that agent is (read only for VIP customers; organisations are small).
 */
async function vipOwners(
  customerId: string,
  teams: readonly Team[],
  own: Team,
): Promise<AgentRecord[]> {
  const owners: AgentRecord[] = [];
  for (const team of teams) {
    if (team.teamId === own.teamId) continue;
    for (const agent of await listAgentsOfTeam(team.teamId))
      if (agent.vipCustomers.includes(customerId)) owners.push(agent);
  }
  return owners;
}

/**
 * Routed and now severe (reclassified after routing) without the escalation. Resolved or closed
 * too: an event joins an ended case only when it happened before the end, so the case was severe
 * while open, and had the event come in time its supervisors would have heard of it.
 */
function needsSevereEscalation(c: Case): boolean {
  return c.routedAt !== null && c.severity === "severe" && (c.escalationLevel ?? 0) < 1;
}

/**
 * A case that became severe after it was routed reaches the supervisors as one severe at routing
 * does, so the order of Case Classified and Case Reclassified does not matter.
 */
async function escalateRouted(current: Case): Promise<AssignResult> {
  const teams = await recentTeams();
  const escalated = await saveCase(
    withSevereEscalation(current, clock.nowIso()),
    current.version,
    current,
  );
  await announceSevere(
    escalated,
    current,
    teams.find((t) => t.teamId === current.team),
  );
  return { assigned: false, summary: `escalated ${current.caseId}: severe after routing` };
}

/** A severe case reaches the supervisors at once: level 1 unless it is there already. */
function withSevereEscalation(c: Case, at: string): Case {
  if (c.severity !== "severe" || (c.escalationLevel ?? 0) >= 1) return c;
  return { ...c, escalated: true, escalationLevel: 1, severeEscalatedAt: at, updatedAt: at };
}

async function queue(
  current: Case,
  team: string | null,
  at: string,
  reason: "no-agent-available" | "no-team-for-category",
  owner?: Team,
): Promise<AssignResult> {
  const queued = await saveCase(
    withSevereEscalation(
      { ...current, team, status: "queued", routedAt: at, routeReason: reason, updatedAt: at },
      at,
    ),
    current.version,
    current,
  );
  await announce(queued, current, owner);
  metrics.addMetric("CasesQueued", "Count", 1);
  await deliveredMeanwhile(queued);
  return { assigned: false, summary: `queued ${current.caseId} (${reason})` };
}

/** Timeline entry and event keyed by the routing time stored on the case: a retry repeats nothing. */
async function announce(c: Case, before?: Case, team?: Team): Promise<void> {
  const at = c.routedAt ?? c.updatedAt;
  const reason = c.routeReason;
  if (c.assignee) {
    const why = reason === "vip-dedicated-agent" ? reason : "least-loaded-agent";
    await addTimelineEntry(c.caseId, {
      at,
      key: "routed",
      kind: "assigned",
      summary: `Assigned to ${c.assignee} (${c.team})`,
      data: { team: c.team, assignee: c.assignee, reason: why },
    });
    await publish(caseAssigned, {
      caseId: c.caseId,
      waybillNo: c.waybillNo,
      team: c.team as string,
      assignee: c.assignee,
      reason: why,
      assignedAt: at,
    });
  } else {
    const why = reason === "no-team-for-category" ? reason : "no-agent-available";
    await addTimelineEntry(c.caseId, {
      at,
      key: "routed",
      kind: "queued",
      summary: c.team
        ? `Waiting in the ${c.team} queue: nobody available`
        : "No team owns this category",
      data: { team: c.team, reason: why },
    });
    await publish(caseQueued, {
      caseId: c.caseId,
      waybillNo: c.waybillNo,
      team: c.team,
      reason: why,
      queuedAt: at,
    });
  }
  await announceSevere(c, before, team);
}

/**
 * The supervisors hear of a severe case once: its escalation entry and event are keyed by the
 * instant it was escalated (`severeEscalatedAt`), so a repeat writes and says the same.
 */
async function announceSevere(
  c: Case,
  before: Case | undefined,
  known: Team | undefined,
  teams?: () => Promise<readonly Team[]>,
) {
  if (c.severity !== "severe" || (c.escalationLevel ?? 0) < 1 || !c.severeEscalatedAt) return;
  if (before && (before.escalationLevel ?? 0) >= 1) return;
  const team = known ?? (teams ? (await teams()).find((t) => t.teamId === c.team) : undefined);
  const notify = team ? [...team.supervisors] : [];
  await publish(caseEscalated, {
    caseId: c.caseId,
    waybillNo: c.waybillNo,
    team: c.team,
    level: 1,
    reason: "severe",
    notify,
    escalatedAt: c.severeEscalatedAt,
  });
  await addTimelineEntry(c.caseId, {
    at: c.severeEscalatedAt,
    key: "escalated#severe",
    kind: "escalated",
    summary: `Severe: the ${c.team ?? "unowned"} supervisors are told (${notify.join(", ") || "nobody listed"})`,
    data: { level: 1, reason: "severe", notify },
  });
}
