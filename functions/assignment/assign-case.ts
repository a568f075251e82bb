// Use case: route a classified case to its team and an agent. Capacity is reserved per agent
// with a conditional write before the case records the assignee, so a retry finds its own
// reservation and two cases never share an agent's last slot. A case waiting in a team queue
// whose classification changed (Case Reclassified, e.g. now urgent) is tried again.
import { caseAssigned, caseQueued } from "#events/index.ts";
import { addTimelineEntry, getCase, saveCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { listAgentsOfTeam, listTeams, reserveCapacity } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { rankAgents, teamForCategory } from "#shared/domain/assignment.ts";
import type { Case } from "#shared/domain/case.ts";

export async function assignCase(
  caseId: string,
  { retryQueued = false }: { retryQueued?: boolean } = {},
): Promise<string> {
  const current = await getCase(caseId);
  if (!current) throw new Error(`Case ${caseId} not found; retrying`);
  const waiting = retryQueued && current.status === "queued" && current.team !== null;
  if (current.status !== "new" && !waiting) {
    if (!retryQueued) await announce(current);
    return `already routed ${caseId} (${current.status})`;
  }

  const team = teamForCategory(current.category, await listTeams());
  const at = clock.nowIso();
  if (!team) return queue(current, null, at, "no-team-for-category");

  const candidates = rankAgents(
    {
      category: current.category,
      customerId: current.customer.id,
      customerTier: current.customer.tier,
    },
    await listAgentsOfTeam(team.teamId),
  );
  for (const candidate of candidates) {
    if (!(await reserveCapacity(candidate.agentId, caseId, at))) continue;
    const assigned = await saveCase(
      {
        ...current,
        team: team.teamId,
        assignee: candidate.agentId,
        status: "assigned",
        routedAt: at,
        routeReason: candidate.reason,
        updatedAt: at,
      },
      current.version,
    );
    await announce(assigned);
    metrics.addMetric("CasesAssigned", "Count", 1);
    return `assigned ${caseId} to ${candidate.agentId}`;
  }
  if (waiting) return `still queued ${caseId} (no-agent-available)`;
  return queue(current, team.teamId, at, "no-agent-available");
}

async function queue(
  current: Case,
  team: string | null,
  at: string,
  reason: "no-agent-available" | "no-team-for-category",
): Promise<string> {
  const queued = await saveCase(
    { ...current, team, status: "queued", routedAt: at, routeReason: reason, updatedAt: at },
    current.version,
  );
  await announce(queued);
  metrics.addMetric("CasesQueued", "Count", 1);
  return `queued ${current.caseId} (${reason})`;
}

/** Timeline entry and event keyed by the routing time stored on the case: a retry repeats nothing. */
async function announce(c: Case): Promise<void> {
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
    return;
  }
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
