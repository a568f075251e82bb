// Carries out one lifecycle move (shared/domain/case-lifecycle.ts decides it): reservations
// first (an agent's slot), then the case saved on its version, then what the move records (its
// domain event and timeline entry), then its other effects — each safe to repeat. Used by the
// API's actions, by customer messages (a waiting case resumes) and by deliveries (auto-resolve).
import type { EventDefinition } from "#events/define.ts";
import {
  agentAvailable,
  caseAssigned,
  caseClosed,
  caseEscalated,
  caseQueued,
  caseReopened,
  caseResolved,
  caseResponded,
  caseWaiting,
} from "#events/index.ts";
import type { Team } from "#shared/domain/assignment.ts";
import type { Case } from "#shared/domain/case.ts";
import {
  applyAction,
  type Effect,
  type LifecycleAction,
  type LifecycleEventType,
  type LifecycleRefusal,
} from "#shared/domain/case-lifecycle.ts";
import { teamPolicy } from "#shared/domain/team-policy.ts";
import {
  addTimelineEntry,
  claimGuard,
  saveCase,
  timelineOf,
  VersionConflictError,
} from "./case-store.ts";
import { publish } from "./event-publisher.ts";
import { getAgent, releaseCapacity, reserveCapacity } from "./org-store.ts";

export type MoveOutcome =
  | { readonly ok: true; readonly case: Case }
  | LifecycleRefusal
  | { readonly ok: false; readonly status: 409; readonly reason: string; readonly stale: true };

const EVENTS: Record<LifecycleEventType, EventDefinition> = {
  "Case Responded": caseResponded,
  "Case Waiting": caseWaiting,
  "Case Assigned": caseAssigned,
  "Case Queued": caseQueued,
  "Case Escalated": caseEscalated,
  "Case Resolved": caseResolved,
  "Case Closed": caseClosed,
  "Case Reopened": caseReopened,
};

/**
 * Makes the move on `current` (as read, with its version). A refusal changes nothing; a case
 * that changed meanwhile gives `stale` (nothing changed either: read again, or retry).
 */
export async function makeMove(
  current: Case,
  action: LifecycleAction,
  teams: readonly Team[],
): Promise<MoveOutcome> {
  const { calendar } = teamPolicy(current.category, teams);
  const move = applyAction(current, action, { calendar, teams });
  if (!move.ok) return move;

  const reserved: string[] = [];
  for (const effect of move.effects) {
    if (effect.kind !== "reserve-capacity") continue;
    if (!(await reserveCapacity(effect.agentId, current.caseId, action.at))) {
      await releaseAll(reserved, current.caseId, action.at);
      return {
        ok: false,
        status: 409,
        reason: `${effect.agentId} can't take the case: off shift, at capacity, or unknown`,
      };
    }
    reserved.push(effect.agentId);
  }

  let saved: Case;
  try {
    saved = await saveCase(move.next, current.version, current);
  } catch (error) {
    await releaseAll(reserved, current.caseId, action.at);
    if (error instanceof VersionConflictError)
      return { ok: false, status: 409, reason: "The case changed meanwhile", stale: true };
    throw error;
  }
  if (move.event) await publish(EVENTS[move.event.detailType], move.event.detail as never);
  await addTimelineEntry(saved.caseId, move.timeline);
  for (const effect of move.effects) await carryOut(effect, saved, action.at);
  return { ok: true, case: saved };
}

async function releaseAll(agents: readonly string[], caseId: string, at: string) {
  for (const agentId of agents) await releaseCapacity(agentId, caseId, at);
}

async function carryOut(effect: Effect, c: Case, at: string): Promise<void> {
  switch (effect.kind) {
    case "reserve-capacity":
      return; // done before the save
    case "release-capacity":
      await releaseCapacity(effect.agentId, c.caseId, at);
      return;
    case "release-guard":
      // Nothing to write: a guard whose case is no longer open frees the slot by itself, and
      // keeps pointing at the case, so that an event about the time before the end that arrives
      // late still joins it (case-store.ts `openOrAttach`).
      return;
    case "claim-guard":
      await claimGuard(effect.waybillNo, effect.category, c.caseId);
      return;
    case "backfill":
      await announceFreeSlots(effect.agentId, at);
      return;
    case "notify-supervisors":
      return; // the Case Escalated event names them (`notify`): that is the notification
    case "link-merged":
      await moveTimeline(c.caseId, effect.caseId);
      await addTimelineEntry(effect.caseId, effect.timeline);
      return;
  }
}

/**
 * An agent who freed a slot and is on shift with room: Agent Available, so assignment hands
 * out their team's queue (a hint, safe to repeat).
 */
async function announceFreeSlots(agentId: string, at: string): Promise<void> {
  const agent = await getAgent(agentId);
  if (!agent?.onShift) return;
  const freeSlots = agent.capacity - agent.openCases;
  if (freeSlots < 1) return;
  await publish(agentAvailable, { agentId, team: agent.team, freeSlots, availableAt: at });
}

/** A merged case's history goes with it: its entries are copied onto the target's timeline. */
async function moveTimeline(fromCaseId: string, toCaseId: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await timelineOf(fromCaseId, 100, cursor);
    for (const entry of page.items) {
      const { caseId: _caseId, ...input } = entry;
      await addTimelineEntry(toCaseId, {
        ...input,
        key: `from#${fromCaseId}#${entry.key}`,
        summary: `[${fromCaseId}] ${entry.summary}`,
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
