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
  SYSTEM_ACTOR,
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
  let refusedToQueue = false;
  for (const effect of move.effects) {
    if (effect.kind !== "reserve-capacity") continue;
    if (!(await reserveCapacity(effect.agentId, current.caseId, action.at))) {
      if (effect.ifRefused === "queue") {
        refusedToQueue = true;
        continue;
      }
      await releaseAll(reserved, current.caseId, action.at);
      return {
        ok: false,
        status: 409,
        reason: `${effect.agentId} can't take the case: off shift, at capacity, or unknown`,
      };
    }
    reserved.push(effect.agentId);
  }
  // The agent could not take the reopened case back: it waits in the team queue instead, in
  // the same save (the queue move's own entry and event follow the reopening's).
  const moves = [
    move,
    ...(refusedToQueue ? [queueInstead(current, move.next, action, teams)] : []),
  ];
  const last = moves[moves.length - 1] as (typeof moves)[number];

  let saved: Case;
  try {
    saved = await saveCase(last.next, current.version, current);
  } catch (error) {
    await releaseAll(reserved, current.caseId, action.at);
    if (error instanceof VersionConflictError)
      return { ok: false, status: 409, reason: "The case changed meanwhile", stale: true };
    throw error;
  }
  for (const made of moves) {
    if (made.event) await publish(EVENTS[made.event.detailType], made.event.detail as never);
    await addTimelineEntry(saved.caseId, made.timeline);
  }
  for (const effect of moves.flatMap((m) => m.effects)) await carryOut(effect, saved, action.at);
  return { ok: true, case: saved };
}

/** The `queue` move on the case a move produced (its version still the one read). */
function queueInstead(
  current: Case,
  moved: Case,
  action: LifecycleAction,
  teams: readonly Team[],
): Extract<ReturnType<typeof applyAction>, { ok: true }> {
  const { calendar } = teamPolicy(current.category, teams);
  const queued = applyAction(
    { ...moved, version: current.version },
    {
      type: "queue",
      actor: SYSTEM_ACTOR,
      at: action.at,
      team: moved.team,
      reason: "no-agent-available",
    },
    { calendar, teams },
  );
  if (!queued.ok) throw new Error(`Could not queue ${current.caseId}: ${queued.reason}`);
  return { ...queued, effects: queued.effects.filter((e) => e.kind !== "reserve-capacity") };
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
