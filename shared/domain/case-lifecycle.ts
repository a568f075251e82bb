// The case lifecycle (../domain.md, contract §2–§3): the one place that says which move may be
// made on a case in which status, by whom, and what it changes and records. A move is a pure
// step: the case before, the action (with its actor and instant) and the context (calendar,
// teams) in; the case after, the effects an adapter must carry out, a timeline record and a
// domain event out — all plain data. Nothing here reads a clock or a store.
//
// Statuses: new → (route) assigned | (queue) queued → assigned → (respond) in_progress ⇄ (wait)
// waiting → (resolve) resolved → (reopen, a dissatisfied follow-up) reopened → … ; `close` and
// `merge` end a case for good (closed). See TRANSITIONS for every status × action.
import {
  escalationContacts,
  maxEscalationLevel,
  type Team,
  teamForCategory,
} from "./assignment.ts";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
} from "./business-time.ts";
import {
  type Case,
  CASE_STATUSES,
  type CaseSla,
  type CaseStatus,
  type Category,
  isOpenStatus,
} from "./case.ts";
import { nextSlaCheckAt } from "./sla-watch.ts";

// ---- actions ---------------------------------------------------------------------------------

/** Moves people make through the API (contract §3). */
export const HUMAN_ACTIONS = [
  "respond",
  "note",
  "wait",
  "assign",
  "escalate",
  "merge",
  "resolve",
  "close",
  "correct",
] as const;
export type HumanAction = (typeof HUMAN_ACTIONS)[number];

/** Moves the system makes: assignment, intake, follow-up and the SLA watch. */
export const AUTOMATIC_ACTIONS = [
  "route",
  "queue",
  "customer-message",
  "auto-resolve",
  "reopen",
  "follow-up-close",
  "sla-escalate",
  "merged-into",
] as const;
export type AutomaticAction = (typeof AUTOMATIC_ACTIONS)[number];

export const ACTIONS = [...HUMAN_ACTIONS, ...AUTOMATIC_ACTIONS] as const;
export type Action = (typeof ACTIONS)[number];

export const isHumanAction = (action: Action): action is HumanAction =>
  (HUMAN_ACTIONS as readonly string[]).includes(action);

/** Who makes a move: a caller of the API (token `sub` and groups), or the system. */
export interface Actor {
  readonly userId: string;
  readonly roles: readonly string[];
}

/**
 * The actor of automatic moves. Its role "system" is not a group a token can carry (the API
 * keeps only agents, supervisors, ops and admins), so no caller can make an automatic move.
 */
export const SYSTEM_ACTOR: Actor = { userId: "system", roles: ["system"] };

interface Base<T extends Action> {
  readonly type: T;
  readonly actor: Actor;
  /** When the move is made, ISO-8601 (the adapter's clock). */
  readonly at: string;
}

/** A move with its inputs. Inputs are validated by the API's schemas before they come here. */
export type LifecycleAction =
  | (Base<"respond"> & { readonly text: string })
  | (Base<"note"> & { readonly text: string })
  | (Base<"wait"> & { readonly reason: string })
  | (Base<"assign"> & {
      readonly assignee: string;
      /** The assignee's team, when it is not the case's (the case moves to it). */
      readonly team?: string | null;
    })
  | (Base<"escalate"> & { readonly reason: string })
  | (Base<"merge"> & { readonly intoCaseId: string; readonly target: Case })
  | (Base<"resolve"> & { readonly resolution: string })
  | (Base<"close"> & { readonly reason: string })
  | Base<"correct">
  | (Base<"route"> & {
      readonly assignee: string;
      readonly team: string;
      readonly reason: "vip-dedicated-agent" | "least-loaded-agent";
    })
  | (Base<"queue"> & {
      readonly team: string | null;
      readonly reason: "no-agent-available" | "no-team-for-category";
    })
  | (Base<"customer-message"> & { readonly messageId?: string })
  | (Base<"auto-resolve"> & {
      /** The Parcel Delivered event's id and delivery time. */
      readonly eventId: string;
      readonly deliveredAt: string;
      /** True when a customer's message was attached to the case (then it is not event-only). */
      readonly customerMessageAttached?: boolean;
    })
  | (Base<"reopen"> & { readonly reason: string; readonly followUpId?: string })
  | (Base<"follow-up-close"> & { readonly followUpId: string })
  | (Base<"sla-escalate"> & {
      readonly level: number;
      readonly reason: "severe" | "sla-breach" | "twice-target";
    })
  | (Base<"merged-into"> & { readonly intoCaseId: string; readonly target: Case });

// ---- the transition table --------------------------------------------------------------------

/**
 * Where a move takes a case: a status; "same" (the status does not change); "resumed" (out of
 * `waiting` to where work stood: `in_progress` when somebody already responded, else
 * `assigned`). A status absent from an action's row refuses it (409).
 */
export type Transition = CaseStatus | "same" | "resumed";

const OPEN: readonly CaseStatus[] = CASE_STATUSES.filter(isOpenStatus);
const ALL_BUT_CLOSED: readonly CaseStatus[] = CASE_STATUSES.filter((s) => s !== "closed");
const row = (from: readonly CaseStatus[], to: Transition) =>
  Object.fromEntries(from.map((s) => [s, to])) as Partial<Record<CaseStatus, Transition>>;

/** Every status × action: the data the lifecycle runs on (and the docs are rendered from). */
export const TRANSITIONS: Readonly<
  Record<Action, Readonly<Partial<Record<CaseStatus, Transition>>>>
> = {
  // Only a case somebody owns is answered: a new or queued case is assigned first. A response
  // to a waiting case ends the wait (and resumes the resolution clock).
  respond: row(["assigned", "in_progress", "waiting", "reopened"], "in_progress"),
  // Internal notes, on every case still kept: a resolved case too (awaiting its follow-up).
  note: row(ALL_BUT_CLOSED, "same"),
  // Only a case being worked waits; waiting twice is refused (409): nothing changes.
  wait: row(["assigned", "in_progress", "reopened"], "waiting"),
  // Supervisors (re)assign any open case; a waiting case resumes its clock (new owner, new
  // start). Assigning to the current assignee is refused (409): nothing to do.
  assign: row(OPEN, "assigned"),
  // Raising the alarm: any open case, the status stays.
  escalate: row(OPEN, "same"),
  // The source of a merge is closed with a link to its target.
  merge: row(OPEN, "closed"),
  // A new case is still being classified and routed: it is not resolved by hand yet.
  resolve: row(["queued", "assigned", "in_progress", "waiting", "reopened"], "resolved"),
  // Supervisors close a case for good (spam, one that keeps failing its follow-ups).
  close: row(ALL_BUT_CLOSED, "closed"),
  // Category/severity correction (functions/api/use-cases/correct-case.ts): open cases.
  correct: row(OPEN, "same"),
  // Assignment found an agent; a reopened case whose agent could not take it back was queued.
  route: row(["new", "queued"], "assigned"),
  // Nobody available: a new case waits in its team's queue; so does a reopened case whose
  // agent could not take it back (its capacity reservation was refused).
  queue: row(["new", "reopened"], "queued"),
  // A customer's message ends a wait; on a case not waiting it changes nothing (409: the
  // message's own timeline entry is written when it is attached).
  "customer-message": row(["waiting"], "resumed"),
  // A delivery resolves an event-only delay case, whatever stage it is at; not a reopened one
  // (the customer said the problem was not solved: a person decides).
  "auto-resolve": row(["new", "queued", "assigned", "in_progress", "waiting"], "resolved"),
  // A dissatisfied (or unresolved) follow-up reopens a resolved case; a closed one stays closed.
  reopen: row(["resolved"], "reopened"),
  // A satisfied follow-up (problem solved, score 4–5) closes the resolved case for good.
  "follow-up-close": row(["resolved"], "closed"),
  // Severe at routing, breached, twice the target: any open case, the status stays.
  "sla-escalate": row(OPEN, "same"),
  // The system merges a duplicate: like `merge`.
  "merged-into": row(OPEN, "closed"),
};

/** Where `action` takes a case in `status`, or null when it may not be made there. */
export function transitionOf(action: Action, status: CaseStatus): Transition | null {
  return TRANSITIONS[action][status] ?? null;
}

// ---- who may act ------------------------------------------------------------------------------

export type Party = "case-agent" | "team-supervisor" | "admin" | "system";

/** The actions the case's own agent may take. */
const AGENT_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  "respond",
  "note",
  "wait",
  "escalate",
  "resolve",
  "correct",
]);

/** Who may make each move (contract §2), as data for the docs. Ops never act. */
export const PERMISSIONS: Readonly<Record<Action, readonly Party[]>> = Object.fromEntries(
  ACTIONS.map((action): [Action, readonly Party[]] => [
    action,
    isHumanAction(action)
      ? AGENT_ACTIONS.has(action)
        ? ["case-agent", "team-supervisor", "admin"]
        : ["team-supervisor", "admin"]
      : ["system"],
  ]),
) as Record<Action, readonly Party[]>;

/**
 * May `actor` make `action` on the case? Roles add up (ops adds nothing):
 * - automatic actions: the system only (SYSTEM_ACTOR);
 * - admins: every human action, on every case;
 * - supervisors: every human action on cases of a team they supervise (`supervisedTeams`): the
 *   case's team, or for a case without one the team owning its category (`categoryTeam`);
 * - agents: respond, note, wait, escalate, resolve, correct on a case assigned to them;
 * - `assign`, `merge` and `close` are for supervisors and admins only.
 */
export function mayAct(
  action: Action,
  c: Pick<Case, "team" | "assignee">,
  actor: Actor,
  supervisedTeams: readonly string[],
  categoryTeam: string | null = null,
): boolean {
  if (!isHumanAction(action)) return actor.roles.includes("system");
  if (actor.roles.includes("admins")) return true;
  const team = c.team ?? categoryTeam;
  if (actor.roles.includes("supervisors") && team !== null && supervisedTeams.includes(team))
    return true;
  return actor.roles.includes("agents") && c.assignee === actor.userId && AGENT_ACTIONS.has(action);
}

/** The ids of the teams whose records list the user as a supervisor. */
export function supervisedTeamIds(userId: string, teams: readonly Team[]): string[] {
  return teams.filter((t) => t.supervisors.includes(userId)).map((t) => t.teamId);
}

/** The team responsible for the case: its own, or the one owning its category. */
export function responsibleTeam(
  c: Pick<Case, "team" | "category">,
  teams: readonly Team[],
): Team | undefined {
  return c.team === null
    ? teamForCategory(c.category, teams)
    : teams.find((t) => t.teamId === c.team);
}

// ---- what a move produces --------------------------------------------------------------------

/**
 * What the adapter must do besides saving the case. Reservations (`reserve-capacity`,
 * `claim-guard`) come first and are conditional writes; every other effect runs after the case
 * is saved, in order, and is safe to repeat.
 */
export type Effect =
  /**
   * Take one of the agent's slots (conditional: on shift, under capacity). `ifRefused`:
   * "refuse" — do not save the case, answer 409 (a supervisor's assignment); "queue" — save it
   * anyway, then apply `queue` to it (a reopened case whose agent cannot take it back).
   */
  | {
      readonly kind: "reserve-capacity";
      readonly agentId: string;
      readonly ifRefused: "refuse" | "queue";
    }
  /** Give the agent's slot back (the case is no longer theirs to work). */
  | { readonly kind: "release-capacity"; readonly agentId: string }
  /**
   * Take the open-case slot of the waybill and category again (a reopened case). When another
   * open case holds it, keep the reopened case and link the two (a repeat complaint).
   */
  | { readonly kind: "claim-guard"; readonly waybillNo: string; readonly category: Category }
  /** Free the open-case slot: a later event or message opens a new case. */
  | { readonly kind: "release-guard"; readonly waybillNo: string; readonly category: Category }
  /** A slot freed in the team: hand its queued cases out (queueOrder), the agent's slot first. */
  | { readonly kind: "backfill"; readonly team: string; readonly agentId: string }
  /** Tell the escalation level's contacts (escalationContacts; empty when no team is known). */
  | {
      readonly kind: "notify-supervisors";
      readonly level: number;
      readonly team: string | null;
      readonly recipients: readonly string[];
    }
  /** Add `timeline` to the merge target's timeline (the link back to the merged case). */
  | { readonly kind: "link-merged"; readonly caseId: string; readonly timeline: TimelineRecord };

/** A timeline entry (the case store's TimelineEntryInput): `key` unique and stable per move. */
export interface TimelineRecord {
  readonly at: string;
  /** `<action>#v<version of the case before the move>`: a retried move writes it once. */
  readonly key: string;
  readonly kind: string;
  readonly summary: string;
  readonly actor: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export const LIFECYCLE_EVENT_TYPES = [
  "Case Responded",
  "Case Waiting",
  "Case Assigned",
  "Case Queued",
  "Case Escalated",
  "Case Resolved",
  "Case Closed",
  "Case Reopened",
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** A domain event to publish: its detail type and detail (without `metadata`). */
export interface LifecycleEvent {
  readonly detailType: LifecycleEventType;
  readonly detail: Readonly<Record<string, unknown>>;
}

export type LifecycleResult =
  | {
      readonly ok: true;
      /** The case after the move: `updatedAt` = the move's instant, `version` unchanged. */
      readonly next: Case;
      readonly effects: readonly Effect[];
      readonly timeline: TimelineRecord;
      readonly event: LifecycleEvent | null;
    }
  | LifecycleRefusal;

export interface LifecycleRefusal {
  readonly ok: false;
  /** 403 not allowed to; 409 not in this status (or nothing to do); 422 an impossible request. */
  readonly status: 403 | 409 | 422;
  readonly reason: string;
}

export interface LifecycleContext {
  /** The business calendar of the case's team (team-policy.ts). */
  readonly calendar: BusinessCalendar;
  /** The team records: who supervises what, escalation contacts and levels. */
  readonly teams?: readonly Team[];
}

// ---- the step --------------------------------------------------------------------------------

/**
 * May `actor` make the move on the case now? The refusal (403 first, then 409) or null. The
 * check `applyAction` makes first; a use case that makes the move itself (a correction) calls it.
 */
export function checkAction(
  current: Case,
  type: Action,
  actor: Actor,
  teams: readonly Team[] = [],
): LifecycleRefusal | null {
  const categoryTeam = teamForCategory(current.category, teams)?.teamId ?? null;
  if (!mayAct(type, current, actor, supervisedTeamIds(actor.userId, teams), categoryTeam))
    return refuse(403, `${who(actor)} may not ${VERB[type]} this case`);
  if (!transitionOf(type, current.status))
    return refuse(409, `The case is ${current.status}: it can't be ${PAST[type]}`);
  return null;
}

/**
 * One move on a case. Refused with 403 (the actor may not), 409 (not in this status, nothing to
 * do, or a merge target that is not open) or 422 (a merge into itself or into another case than
 * the one named; an assignment of a case without a team that names none). Otherwise the case after the move (with `sla.nextCheckAt` recomputed for the
 * SLA watch), the effects, the timeline record and the event (null for a note, a correction or
 * a resumed wait).
 */
export function applyAction(
  current: Case,
  action: LifecycleAction,
  context: LifecycleContext,
): LifecycleResult {
  const teams = context.teams ?? [];
  const refused = checkAction(current, action.type, action.actor, teams);
  if (refused) return refused;
  if (Number.isNaN(Date.parse(action.at)))
    throw new RangeError(`Invalid instant "${action.at}" for the ${action.type} move`);
  const team = responsibleTeam(current, teams);
  const move = step(current, action, { calendar: context.calendar, team });
  if (!move.ok) return move;
  const moved: Case = { ...move.next, updatedAt: action.at };
  const next: Case = {
    ...moved,
    sla: {
      ...moved.sla,
      nextCheckAt: nextSlaCheckAt(moved, context.calendar, maxEscalationLevel(team)),
    },
  };
  return {
    ok: true,
    next,
    effects: move.effects,
    timeline: {
      at: action.at,
      key: `${action.type}#v${current.version}`,
      kind: move.kind,
      summary: move.summary,
      actor: action.actor.userId,
      data: move.data,
    },
    event: move.event,
  };
}

interface Step {
  readonly ok: true;
  readonly next: Case;
  readonly effects: readonly Effect[];
  readonly kind: string;
  readonly summary: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly event: LifecycleEvent | null;
}

interface StepContext {
  readonly calendar: BusinessCalendar;
  /** The case's team record (or the category's), if known. */
  readonly team: Team | undefined;
}

function step(c: Case, action: LifecycleAction, ctx: StepContext): Step | LifecycleRefusal {
  const at = action.at;
  const actor = action.actor.userId;
  const base = { caseId: c.caseId, waybillNo: c.waybillNo };
  switch (action.type) {
    case "respond": {
      const first = !c.sla.firstRespondedAt;
      const resumed = c.status === "waiting" ? resume(c, at, ctx.calendar) : c;
      const late = first && isAfter(at, c.sla.firstResponseDue);
      const minutes = first
        ? businessMinutesBetween(new Date(c.createdAt), new Date(at), ctx.calendar)
        : undefined;
      return ok({
        next: {
          ...resumed,
          status: "in_progress",
          sla: {
            ...resumed.sla,
            firstRespondedAt: c.sla.firstRespondedAt ?? at,
            breached: resumed.sla.breached || late,
          },
        },
        kind: "responded",
        summary: first ? "First response to the customer" : "Responded to the customer",
        data: { text: action.text, first, ...resumedData(c, resumed) },
        event: {
          detailType: "Case Responded",
          detail: {
            ...base,
            team: c.team,
            actor,
            first,
            ...(minutes !== undefined ? { firstResponseMinutes: minutes } : {}),
            ...(first && c.sla.firstResponseDue ? { withinSla: !late } : {}),
            respondedAt: at,
          },
        },
      });
    }
    case "note":
      return ok({
        next: c,
        kind: "note",
        summary: "Note added",
        data: { text: action.text },
        // Notes are internal working notes: the timeline keeps them, nobody else needs them.
        event: null,
      });
    case "wait":
      return ok({
        next: {
          ...c,
          status: "waiting",
          waitingReason: action.reason,
          sla: { ...c.sla, pausedAt: at },
        },
        kind: "waiting",
        summary: "Waiting on the customer or a third party: the resolution clock is paused",
        data: { reason: action.reason },
        event: {
          detailType: "Case Waiting",
          detail: { ...base, team: c.team, actor, pausedAt: at },
        },
      });
    case "assign": {
      if (action.assignee === c.assignee)
        return refuse(409, `The case is already assigned to ${action.assignee}`);
      const team = action.team ?? c.team;
      if (team === null)
        return refuse(422, "The case has no team: name the assignee's team to assign it");
      const resumed = c.status === "waiting" ? resume(c, at, ctx.calendar) : c;
      return ok({
        next: { ...resumed, status: "assigned", assignee: action.assignee, team },
        effects: [
          { kind: "reserve-capacity", agentId: action.assignee, ifRefused: "refuse" },
          ...releaseOf(c),
        ],
        kind: "assigned",
        summary:
          `Assigned to ${action.assignee} (${team}) by ${actor}` +
          (c.assignee ? `, was ${c.assignee}` : ""),
        data: {
          from: c.assignee,
          to: action.assignee,
          team,
          reason: "assigned-by-supervisor",
          ...resumedData(c, resumed),
        },
        event: {
          detailType: "Case Assigned",
          detail: {
            ...base,
            team,
            assignee: action.assignee,
            reason: "assigned-by-supervisor",
            assignedAt: at,
          },
        },
      });
    }
    case "escalate":
    case "sla-escalate": {
      const from = c.escalationLevel ?? 0;
      const max = Math.max(maxEscalationLevel(ctx.team), from);
      const level = action.type === "escalate" ? Math.min(from + 1, max) : action.level;
      if (action.type === "sla-escalate" && !(level > from))
        return refuse(409, `The case is already escalated to level ${from}`);
      const recipients = ctx.team ? [...escalationContacts(ctx.team, level)] : [];
      const reason = action.type === "escalate" ? "manual" : action.reason;
      return ok({
        // A person may escalate a case already at the top level again: it stays there and its
        // contacts hear of it again.
        next: { ...c, escalated: true, escalationLevel: level },
        effects: [
          { kind: "notify-supervisors", level, team: ctx.team?.teamId ?? null, recipients },
        ],
        kind: "escalated",
        summary: `Escalated to level ${level}` + (from >= level ? " (again)" : ""),
        data: {
          from,
          to: level,
          reason,
          ...(action.type === "escalate" ? { text: action.reason } : {}),
          notify: recipients,
        },
        event: {
          detailType: "Case Escalated",
          detail: {
            ...base,
            team: c.team,
            level,
            reason,
            notify: recipients,
            escalatedAt: at,
          },
        },
      });
    }
    case "merge":
    case "merged-into": {
      const into = action.intoCaseId;
      if (into === c.caseId) return refuse(422, "A case can't be merged into itself");
      if (action.target.caseId !== into)
        return refuse(422, `The merge target given is ${action.target.caseId}, not ${into}`);
      if (!isOpenStatus(action.target.status))
        return refuse(409, `Case ${into} is ${action.target.status}: merge into an open case`);
      const ended = endWait(c, at, ctx.calendar);
      return ok({
        next: {
          ...ended,
          status: "closed",
          closedAt: at,
          closeReason: `merged into ${into}`,
          mergedInto: into,
        },
        effects: [
          ...releaseOf(c),
          ...guardReleaseOf(c),
          {
            kind: "link-merged",
            caseId: into,
            timeline: {
              at,
              key: `merged-from#${c.caseId}`,
              kind: "merged-from",
              summary: `Case ${c.caseId} was merged into this case`,
              actor,
              data: { fromCaseId: c.caseId, waybillNo: c.waybillNo, category: c.category },
            },
          },
        ],
        kind: "merged",
        summary: `Merged into ${into} and closed`,
        data: { intoCaseId: into, from: c.status },
        event: closedEvent(c, actor, at, { mergedInto: into }),
      });
    }
    case "resolve":
    case "auto-resolve": {
      const auto = action.type === "auto-resolve";
      if (auto && !autoResolvable(c, action.customerMessageAttached ?? false))
        return refuse(409, "Only an event-only delay case is resolved by its delivery");
      const resolution = auto ? "delivered" : action.resolution;
      const ended = endWait(c, at, ctx.calendar);
      const late = isAfter(at, ended.sla.resolutionDue);
      return ok({
        next: {
          ...ended,
          status: "resolved",
          resolvedAt: at,
          resolution,
          resolutions: (c.resolutions ?? 0) + 1,
          sla: { ...ended.sla, breached: ended.sla.breached || late },
        },
        effects: [...releaseOf(c), ...guardReleaseOf(c)],
        kind: "resolved",
        summary: auto ? "Resolved: the parcel was delivered" : "Resolved",
        data: {
          resolution,
          auto,
          ...(auto ? { eventId: action.eventId, deliveredAt: action.deliveredAt } : {}),
          ...resumedData(c, ended),
        },
        event: {
          detailType: "Case Resolved",
          detail: {
            ...base,
            category: c.category,
            team: c.team,
            assignee: c.assignee,
            source: c.source,
            channel: c.channel,
            actor,
            auto,
            withinSla: !late,
            round: (c.resolutions ?? 0) + 1,
            openedAt: c.createdAt,
            resolvedAt: at,
          },
        },
      });
    }
    case "close": {
      const wasOpen = isOpenStatus(c.status);
      const ended = endWait(c, at, ctx.calendar);
      return ok({
        next: { ...ended, status: "closed", closedAt: at, closeReason: action.reason },
        // A resolved case gave its slot and its open-case guard back when it was resolved.
        effects: wasOpen ? [...releaseOf(c), ...guardReleaseOf(c)] : [],
        kind: "closed",
        summary: `Closed by ${actor}`,
        data: { reason: action.reason, from: c.status, ...resumedData(c, ended) },
        event: closedEvent(c, actor, at),
      });
    }
    case "follow-up-close":
      return ok({
        next: { ...c, status: "closed", closedAt: at, closeReason: "the customer is satisfied" },
        // A resolved case gave its slot and its open-case guard back when it was resolved.
        kind: "closed",
        summary: "Closed: the customer confirmed the problem is solved and is satisfied",
        data: { followUpId: action.followUpId, from: c.status },
        event: closedEvent(c, actor, at, { followUpId: action.followUpId }),
      });
    case "correct":
      return ok({
        // The correction itself is correct-case.ts's (it records and announces it).
        next: c,
        kind: "corrected",
        summary: "Classification corrected",
        data: {},
        event: null,
      });
    case "route":
      return ok({
        next: {
          ...c,
          status: "assigned",
          assignee: action.assignee,
          team: action.team,
          routedAt: at,
          routeReason: action.reason,
        },
        // Assignment reserved the agent's slot (a conditional write) before it made this move.
        kind: "assigned",
        summary: `Assigned to ${action.assignee} (${action.team})`,
        data: { team: action.team, assignee: action.assignee, reason: action.reason },
        event: {
          detailType: "Case Assigned",
          detail: {
            ...base,
            team: action.team,
            assignee: action.assignee,
            reason: action.reason,
            assignedAt: at,
          },
        },
      });
    case "queue":
      return ok({
        // From `reopened`: the agent's slot was never taken back (the reservation was refused).
        next: {
          ...c,
          status: "queued",
          assignee: null,
          team: action.team,
          routedAt: at,
          routeReason: action.reason,
        },
        kind: "queued",
        summary: action.team
          ? `Waiting in the ${action.team} queue: nobody available`
          : "No team owns this category",
        data: { team: action.team, reason: action.reason, from: c.status },
        event: {
          detailType: "Case Queued",
          detail: { ...base, team: action.team, reason: action.reason, queuedAt: at },
        },
      });
    case "customer-message": {
      const resumed = resume(c, at, ctx.calendar);
      const status = c.sla.firstRespondedAt ? "in_progress" : "assigned";
      return ok({
        next: { ...resumed, status },
        kind: "resumed",
        summary: "The customer wrote back: the resolution clock runs again",
        data: {
          ...(action.messageId ? { messageId: action.messageId } : {}),
          ...resumedData(c, resumed),
        },
        // The message has its own entry and event when it is attached to the case.
        event: null,
      });
    }
    case "reopen": {
      const resumed = resumeAfterResolution(c, at, ctx.calendar);
      return ok({
        next: { ...resumed, status: "reopened" },
        effects: [
          ...(c.waybillNo
            ? [{ kind: "claim-guard" as const, waybillNo: c.waybillNo, category: c.category }]
            : []),
          ...(c.assignee
            ? [
                {
                  kind: "reserve-capacity" as const,
                  agentId: c.assignee,
                  ifRefused: "queue" as const,
                },
              ]
            : []),
        ],
        kind: "reopened",
        summary: "Reopened: the customer is not satisfied",
        data: {
          reason: action.reason,
          ...(action.followUpId ? { followUpId: action.followUpId } : {}),
          resolvedMinutes: (resumed.sla.pausedMinutes ?? 0) - (c.sla.pausedMinutes ?? 0),
        },
        event: {
          detailType: "Case Reopened",
          detail: {
            ...base,
            category: c.category,
            team: c.team,
            assignee: c.assignee,
            actor,
            ...(action.followUpId ? { followUpId: action.followUpId } : {}),
            reopenedAt: at,
          },
        },
      });
    }
  }
}

/** Case Closed, by whichever move closes the case (close, merge, a satisfied follow-up). */
function closedEvent(
  c: Case,
  actor: string,
  at: string,
  extra: { mergedInto?: string; followUpId?: string } = {},
): LifecycleEvent {
  const { mergedInto = null, followUpId } = extra;
  return {
    detailType: "Case Closed",
    detail: {
      caseId: c.caseId,
      waybillNo: c.waybillNo,
      category: c.category,
      team: c.team,
      actor,
      mergedInto,
      ...(followUpId ? { followUpId } : {}),
      closedAt: at,
    },
  };
}

// ---- rules -----------------------------------------------------------------------------------

/**
 * Resolved by its parcel's delivery: a delay case opened by an upstream event, with no
 * customer's words on it (none opened it, none attached: the adapter knows the latter) and not
 * a repeat complaint.
 */
export function autoResolvable(c: Case, customerMessageAttached = false): boolean {
  return (
    c.category === "delay" &&
    c.source === "event" &&
    !c.text &&
    !c.repeatOf &&
    !customerMessageAttached
  );
}

/** Does the case occupy one of its assignee's slots? (A resolved case gave it back.) */
export function holdsCapacity(c: Pick<Case, "status" | "assignee">): boolean {
  return (
    c.assignee !== null &&
    (c.status === "assigned" ||
      c.status === "in_progress" ||
      c.status === "waiting" ||
      c.status === "reopened")
  );
}

function releaseOf(c: Case): Effect[] {
  if (!holdsCapacity(c) || c.assignee === null) return [];
  const agentId = c.assignee;
  return [
    { kind: "release-capacity", agentId },
    ...(c.team ? [{ kind: "backfill" as const, team: c.team, agentId }] : []),
  ];
}

function guardReleaseOf(c: Case): Effect[] {
  return c.waybillNo
    ? [{ kind: "release-guard", waybillNo: c.waybillNo, category: c.category }]
    : [];
}

/**
 * The end of a wait at `at`: the business minutes since `sla.pausedAt` are added to
 * `sla.pausedMinutes`, and `sla.resolutionDue` moves later by as many business minutes.
 */
function resume(c: Case, at: string, cal: BusinessCalendar): Case {
  const pausedAt = c.sla.pausedAt;
  if (!pausedAt) return { ...c, waitingReason: null, sla: { ...c.sla, pausedAt: null } };
  const minutes = businessMinutesBetween(new Date(pausedAt), new Date(at), cal);
  return { ...c, waitingReason: null, sla: extended(c.sla, minutes, cal, { pausedAt: null }) };
}

/** A move that ends a case (resolve, close, merge) ends its wait too, so the pause is counted. */
function endWait(c: Case, at: string, cal: BusinessCalendar): Case {
  return c.status === "waiting" || c.sla.pausedAt ? resume(c, at, cal) : c;
}

/**
 * The resolution clock does not run while a case is resolved: a reopened case resumes it where
 * it stopped, as after a wait (the time resolved counts as paused).
 */
function resumeAfterResolution(c: Case, at: string, cal: BusinessCalendar): Case {
  if (!c.resolvedAt) return c;
  const minutes = businessMinutesBetween(new Date(c.resolvedAt), new Date(at), cal);
  return { ...c, sla: extended(c.sla, minutes, cal, {}) };
}

function extended(
  sla: CaseSla,
  minutes: number,
  cal: BusinessCalendar,
  extra: Partial<CaseSla>,
): CaseSla {
  return {
    ...sla,
    ...extra,
    pausedMinutes: (sla.pausedMinutes ?? 0) + minutes,
    resolutionDue:
      sla.resolutionDue && minutes > 0
        ? addBusinessMinutes(new Date(sla.resolutionDue), minutes, cal).toISOString()
        : sla.resolutionDue,
  };
}

function resumedData(before: Case, after: Case): Record<string, unknown> {
  const paused = (after.sla.pausedMinutes ?? 0) - (before.sla.pausedMinutes ?? 0);
  return before.sla.pausedAt
    ? { pausedMinutes: paused, resolutionDue: after.sla.resolutionDue }
    : {};
}

const isAfter = (at: string, due: string | null | undefined): boolean =>
  !!due && Date.parse(at) > Date.parse(due);

function ok(parts: Omit<Step, "ok" | "effects"> & { readonly effects?: readonly Effect[] }): Step {
  return { ok: true, effects: [], ...parts };
}

function refuse(status: 403 | 409 | 422, reason: string): LifecycleRefusal {
  return { ok: false, status, reason };
}

const who = (actor: Actor) =>
  actor.roles.length ? `${actor.userId} (${actor.roles.join(", ")})` : actor.userId;

const VERB: Record<Action, string> = {
  respond: "respond to",
  note: "add a note to",
  wait: "put on hold",
  assign: "assign",
  escalate: "escalate",
  merge: "merge",
  resolve: "resolve",
  close: "close",
  correct: "correct",
  route: "route",
  queue: "queue",
  "customer-message": "resume",
  "auto-resolve": "auto-resolve",
  reopen: "reopen",
  "follow-up-close": "close",
  "sla-escalate": "escalate",
  "merged-into": "merge",
};

const PAST: Record<Action, string> = {
  respond: "responded to",
  note: "annotated",
  wait: "put on hold",
  assign: "assigned",
  escalate: "escalated",
  merge: "merged",
  resolve: "resolved",
  close: "closed",
  correct: "corrected",
  route: "routed",
  queue: "queued",
  "customer-message": "resumed by a customer's message",
  "auto-resolve": "resolved by a delivery",
  reopen: "reopened",
  "follow-up-close": "closed after its follow-up",
  "sla-escalate": "escalated",
  "merged-into": "merged",
};

// ---- docs ------------------------------------------------------------------------------------

/**
 * The transition table as Markdown: a row per action, a column per status; a cell is the status
 * the move leads to, "=" for unchanged, "↩" for back to work (in_progress, or assigned before
 * any response), "—" for refused (409).
 */
export function LIFECYCLE_TABLE_MARKDOWN(): string {
  const cell = (t: Transition | null) =>
    t === null ? "—" : t === "same" ? "=" : t === "resumed" ? "↩" : t;
  const lines = [
    `| action | who | ${CASE_STATUSES.join(" | ")} |`,
    `|---|---|${CASE_STATUSES.map(() => "---").join("|")}|`,
    ...ACTIONS.map(
      (action) =>
        `| \`${action}\` | ${PERMISSIONS[action].join(", ")} | ` +
        `${CASE_STATUSES.map((s) => cell(transitionOf(action, s))).join(" | ")} |`,
    ),
  ];
  return lines.join("\n");
}
