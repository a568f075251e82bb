// GET /v1/follow-ups, GET /v1/follow-ups/{followUpId}, POST /v1/follow-ups/{followUpId}/outcome.
// Agents see their own follow-ups (and, with `assignee=pool`, their team's pool); supervisors
// their teams'; ops and admins all. Most overdue first within a status.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { z } from "zod";
import { OVERDUE_AFTER_MS } from "#functions/sweeper/dispatch-follow-ups.ts";
import { clock } from "#shared/adapters/clock.ts";
import { cursorBinding } from "#shared/adapters/cursor.ts";
import { getFollowUp, listFollowUps } from "#shared/adapters/follow-up-store.ts";
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import { FOLLOW_UP_ID, FOLLOW_UP_STATUSES, type FollowUp } from "#shared/domain/follow-up.ts";
import type { Caller } from "../caller.ts";
import { HttpError, json } from "../http.ts";
import { etagOf, optionalIfMatch } from "../org-view.ts";
import { type ApiRequest, parseBody, parseQuery } from "../request.ts";
import { mayCall, recordFollowUpOutcome } from "../use-cases/record-outcome.ts";
import { TEAM_ID, USER_ID } from "./org-bodies.ts";

const listQuery = z.strictObject({
  status: z.enum(FOLLOW_UP_STATUSES).optional(),
  assignee: z.string().regex(USER_ID, "an agent id, or `pool` for the team's pool").optional(),
  team: z.string().regex(TEAM_ID, "a team id").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

export const outcomeBody = z
  .strictObject({
    reached: z.boolean(),
    satisfaction: z.number().int("a whole score").min(1).max(5).optional(),
    nps: z.number().int("a whole score").min(0).max(10).optional(),
    resolved: z.boolean().optional(),
    comment: z.string().trim().min(1).max(2000).optional(),
    suggestionAdopted: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.reached) return;
    for (const field of ["satisfaction", "nps", "resolved", "suggestionAdopted"] as const)
      if (body[field] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "only for a customer who was reached (reached: true)",
        });
  });

export async function listFollowUpsRoute({ event, caller }: ApiRequest) {
  const query = parseQuery(event, listQuery);
  const scope = await scopeOf(caller, query);
  const page = await listFollowUps(
    { ...scope, ...(query.status ? { status: query.status } : {}) },
    query.limit,
    query.cursor,
    cursorBinding(caller.userId, "GET /v1/follow-ups", query),
  );
  const now = clock.now();
  return json(200, {
    items: page.items.filter((fu) => scope.visible(fu)).map((fu) => followUpView(fu, now, caller)),
    nextCursor: page.nextCursor,
  });
}

export async function getFollowUpRoute({ event, caller }: ApiRequest) {
  const fu = await followUpOf(event);
  if (!(await mayRead(fu, caller)))
    throw new HttpError(403, "Forbidden", `${caller.userId} may not read this follow-up`);
  return json(200, followUpView(fu, clock.now(), caller), { etag: etagOf(fu) });
}

export async function recordOutcomeRoute({ event, caller }: ApiRequest) {
  const id = followUpIdParam(event);
  const ifMatch = optionalIfMatch(event);
  const outcome = parseBody(event, outcomeBody);
  const fu = await getFollowUp(id);
  if (!fu) throw new HttpError(404, "Not Found", `No follow-up ${id}`);
  const saved = await recordFollowUpOutcome(fu, outcome, caller, ifMatch);
  return json(200, followUpView(saved, clock.now(), caller), { etag: etagOf(saved) });
}

/** A follow-up as the API shows it; the customer's words (`outcome.comment`) are not for ops. */
export function followUpView(fu: FollowUp, now: Date, caller: Caller) {
  const wordsHidden = !caller.roles.some((role) => role !== "ops");
  const outcome =
    fu.outcome && wordsHidden && fu.outcome.comment !== undefined
      ? { ...fu.outcome, comment: null }
      : fu.outcome;
  return {
    followUpId: fu.followUpId,
    kind: fu.kind,
    caseId: fu.caseId,
    waybillNo: fu.waybillNo,
    round: fu.round,
    status: fu.status,
    team: fu.team,
    assignee: fu.assignee,
    customerId: fu.customerId,
    customerTier: fu.customerTier,
    customerTimeZone: fu.customerTimeZone,
    category: fu.category,
    channel: fu.channel,
    anyHour: fu.anyHour,
    triggeredAt: fu.triggeredAt,
    dueAt: fu.dueAt,
    windowEndsAt: fu.windowEndsAt,
    overdue: fu.status === "due" && Date.parse(fu.dueAt) + OVERDUE_AFTER_MS < now.getTime(),
    attempts: fu.attempts,
    maxAttempts: fu.maxAttempts,
    missedCalls: fu.missedCalls,
    outcome,
    completedAt: fu.completedAt,
    completedBy: fu.completedBy,
    cancelReason: fu.cancelReason ?? null,
    version: fu.version,
    updatedAt: fu.updatedAt,
  };
}

function followUpIdParam(event: APIGatewayProxyEventV2WithJWTAuthorizer): string {
  const id = event.pathParameters?.followUpId ?? "";
  if (!FOLLOW_UP_ID.test(id))
    throw new HttpError(404, "Not Found", "No such follow-up: ids look like FU-7K2M9Q4R1T8B-1");
  return id;
}

async function followUpOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<FollowUp> {
  const id = followUpIdParam(event);
  const fu = await getFollowUp(id);
  if (!fu) throw new HttpError(404, "Not Found", `No follow-up ${id}`);
  return fu;
}

async function mayRead(fu: FollowUp, caller: Caller): Promise<boolean> {
  if (caller.roles.includes("ops")) return true;
  return mayCall(fu, caller, await listTeams());
}

interface Scope {
  readonly assignee?: string;
  readonly team?: string;
  readonly pool?: boolean;
  readonly status?: FollowUp["status"];
  readonly visible: (fu: FollowUp) => boolean;
}

/** What the caller's list reads (403 for what their role may not see). */
async function scopeOf(caller: Caller, query: z.output<typeof listQuery>): Promise<Scope> {
  const all = () => true;
  const { assignee, team } = query;
  if (caller.roles.includes("admins") || caller.roles.includes("ops")) {
    if (assignee === "pool") {
      if (!team) throw badQuery("assignee", "`pool` needs the team (team=…)");
      return { team, pool: true, visible: all };
    }
    if (assignee) return { assignee, visible: all };
    if (team) return { team, visible: all };
    return { status: query.status ?? "due", visible: all };
  }
  if (caller.roles.includes("supervisors")) {
    const supervised = (await listTeams())
      .filter((t) => t.supervisors.includes(caller.userId))
      .map((t) => t.teamId);
    const inTeams = (fu: FollowUp) => fu.team !== null && supervised.includes(fu.team);
    const own = team ?? (supervised.length === 1 ? supervised[0] : undefined);
    if (team && !supervised.includes(team))
      throw new HttpError(403, "Forbidden", `${caller.userId} does not supervise ${team}`);
    if (assignee && assignee !== "pool") return { assignee, visible: inTeams };
    if (!own) throw badQuery("team", "name one of the teams you supervise");
    return assignee === "pool"
      ? { team: own, pool: true, visible: all }
      : { team: own, visible: all };
  }
  if (caller.roles.includes("agents")) {
    if (assignee === "pool") {
      const agent = await getAgent(caller.userId);
      if (!agent)
        throw new HttpError(403, "Forbidden", `${caller.userId} is not an agent of a team`);
      if (team && team !== agent.team)
        throw new HttpError(403, "Forbidden", `${caller.userId} is not in ${team}`);
      return { team: agent.team, pool: true, visible: all };
    }
    if (assignee && assignee !== caller.userId)
      throw new HttpError(403, "Forbidden", "Agents see their own follow-ups (or assignee=pool)");
    return { assignee: caller.userId, visible: all };
  }
  throw new HttpError(403, "Forbidden", "Your token names none of the groups of this API");
}

const badQuery = (path: string, message: string) =>
  new HttpError(400, "Bad Request", "The query string is not valid", [{ path, message }]);
