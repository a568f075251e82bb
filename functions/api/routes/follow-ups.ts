// GET /v1/follow-ups, GET /v1/follow-ups/{followUpId}, POST /v1/follow-ups/{followUpId}/outcome.
// Agents see their own follow-ups (and, with `assignee=pool`, their team's pool); supervisors
// their teams'; ops and admins all. Most overdue first within a status.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import * as z from "zod";
import { OVERDUE_AFTER_MS } from "#functions/sweeper/dispatch-follow-ups.ts";
import { clock } from "#shared/adapters/clock.ts";
import { getCases } from "#shared/adapters/case-store.ts";
import { cursorBinding } from "#shared/adapters/cursor.ts";
import { getFollowUp, listFollowUps } from "#shared/adapters/follow-up-store.ts";
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import { type Case, type CaseCustomer, CATEGORIES, CHANNELS } from "#shared/domain/case.ts";
import { FOLLOW_UP_ID, FOLLOW_UP_STATUSES, type FollowUp } from "#shared/domain/follow-up.ts";
import type { Caller } from "../caller.ts";
import { HttpError, json } from "../http.ts";
import { etagOf } from "../org-view.ts";
import { maskerFor } from "../privacy.ts";
import { type ApiRequest, parseBody, parseQuery, pathId, requiredIfMatch } from "../request.ts";
import { mayCall, recordFollowUpOutcome } from "../use-cases/record-outcome.ts";
import { TEAM_ID, USER_ID } from "./org-bodies.ts";
import type { RouteDocs } from "../route-docs.ts";
import { caseId, pageOf, responseBody, type ResponseOf, timestamp, version } from "../schemas.ts";

export const listQuery = z.strictObject({
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
  const visible = page.items.filter((fu) => scope.visible(fu));
  const customers = await customersOf(visible);
  return json(200, {
    items: visible.map((fu) => followUpView(fu, now, caller, customers.get(fu.caseId ?? ""))),
    nextCursor: page.nextCursor,
  } satisfies ResponseOf<typeof followUpPageSchema>);
}

export async function getFollowUpRoute({ event, caller }: ApiRequest) {
  const fu = await followUpOf(event);
  if (!(await mayRead(fu, caller)))
    throw new HttpError(403, "Forbidden", `${caller.userId} may not read this follow-up`);
  const customers = await customersOf([fu]);
  return json(200, followUpView(fu, clock.now(), caller, customers.get(fu.caseId ?? "")), {
    etag: etagOf(fu),
  });
}

export async function recordOutcomeRoute({ event, caller }: ApiRequest) {
  const id = followUpIdParam(event);
  const ifMatch = requiredIfMatch(
    event,
    "the follow-up's ETag (from GET /v1/follow-ups/{followUpId})",
  );
  const outcome = parseBody(event, outcomeBody);
  const fu = await getFollowUp(id);
  if (!fu) throw new HttpError(404, "Not Found", `No follow-up ${id}`);
  const saved = await recordFollowUpOutcome(fu, outcome, caller, ifMatch);
  const customers = await customersOf([saved]);
  return json(200, followUpView(saved, clock.now(), caller, customers.get(saved.caseId ?? "")), {
    etag: etagOf(saved),
  });
}

/**
 * The customers of the follow-ups that carry a comment (to mask their names in it): their cases,
 * in one BatchGetItem. A sampled delivery's follow-up has no case: its comment is masked by the
 * patterns only.
 */
async function customersOf(fus: readonly FollowUp[]): Promise<Map<string, CaseCustomer>> {
  const ids = fus.flatMap((fu) =>
    fu.caseId && typeof fu.outcome?.comment === "string" ? [fu.caseId] : [],
  );
  const cases = ids.length ? await getCases(ids) : new Map<string, Case>();
  return new Map([...cases].map(([id, c]) => [id, c.customer]));
}

/** A follow-up as the API shows it; the customer's words (`outcome.comment`) masked (privacy.ts). */
export function followUpView(
  fu: FollowUp,
  now: Date,
  caller: Caller,
  customer?: Pick<CaseCustomer, "name" | "phone">,
): ResponseOf<typeof followUpSchema> {
  const mask = maskerFor(caller, customer ? [customer] : []);
  const outcome =
    fu.outcome && typeof fu.outcome.comment === "string"
      ? { ...fu.outcome, comment: mask(fu.outcome.comment) }
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
  return pathId(
    event,
    "followUpId",
    FOLLOW_UP_ID,
    "a follow-up id like FU-CS-7K2M9Q4R1T8B-1 or FU-D-<waybillNo>",
  );
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

// ---- documentation (GET /openapi.json) --------------------------------------------------------

const score = (min: number, max: number) => z.number().int().min(min).max(max);

export const followUpSchema = responseBody(
  "FollowUp",
  "A follow-up call (回访): of a resolved case (`kind: case`) or of a sampled delivered parcel (`kind: delivery`, `caseId` null, `round` 0)",
  z.object({
    followUpId: z.string().regex(FOLLOW_UP_ID),
    kind: z.enum(["case", "delivery"]),
    caseId: caseId.nullable(),
    waybillNo: z.string().nullable(),
    /** Which resolution of the case it follows (1 the first); 0 for a delivery. */
    round: z.number().int().min(0),
    status: z.enum(FOLLOW_UP_STATUSES),
    team: z.string().nullable(),
    /** The agent who calls; null for the team's follow-up pool. */
    assignee: z.string().nullable(),
    customerId: z.string().min(1),
    customerTier: z.enum(["regular", "vip"]),
    customerTimeZone: z.string().min(1),
    category: z.enum(CATEGORIES).nullable(),
    channel: z.enum(CHANNELS).nullable(),
    /** An urgent case whose customer agreed to calls outside working hours. */
    anyHour: z.boolean(),
    triggeredAt: timestamp,
    dueAt: timestamp,
    windowEndsAt: timestamp,
    /** Due for more than an hour. */
    overdue: z.boolean(),
    attempts: z.number().int().min(0),
    maxAttempts: z.number().int().min(1),
    missedCalls: z.array(z.object({ at: timestamp, by: z.string().min(1) })),
    outcome: z
      .object({
        reached: z.boolean(),
        satisfaction: score(1, 5).optional(),
        nps: score(0, 10).optional(),
        resolved: z.boolean().optional(),
        /** The customer's words, masked for the caller. */
        comment: z.string().nullable().optional(),
        suggestionAdopted: z.boolean().optional(),
      })
      .nullable(),
    completedAt: timestamp.nullable(),
    completedBy: z.string().nullable(),
    cancelReason: z.string().nullable(),
    version,
    updatedAt: timestamp,
  }),
);

export const followUpPageSchema = responseBody(
  "FollowUpPage",
  "A page of follow-ups, most overdue first within a status",
  pageOf(followUpSchema),
);

const followUpIdPath = {
  followUpId: z.string().regex(FOLLOW_UP_ID, "a follow-up id like FU-7K2M9Q4R1T8B-1"),
};

export const followUpDocs: RouteDocs = {
  "GET /v1/follow-ups": {
    operationId: "listFollowUps",
    summary: "Follow-up calls, most overdue first within a status, a page at a time",
    description:
      "Agents: their own (`assignee` absent or their id), or `assignee=pool` their team's pool. Supervisors: the team they supervise (`team=` when several), an agent of it, or the pool. Ops and admins: any team, assignee, or pool with `team`; with neither, one status across all teams (`due` unless `status` says otherwise).",
    query: listQuery,
    responses: { 200: { description: "A page of follow-ups", body: followUpPageSchema } },
    problems: {
      400: "An unknown status or parameter, `pool` without the team, or a cursor this API did not issue for this query",
      403: "Another agent's follow-ups, or a team the caller does not supervise or work in",
    },
  },
  "GET /v1/follow-ups/{followUpId}": {
    operationId: "getFollowUp",
    summary: "One follow-up, with its version as ETag",
    description:
      "Who may record its outcome may read it (its agent, an agent of its team for the pool, a supervisor of its team, admins), and ops.",
    path: followUpIdPath,
    responses: {
      200: { description: "The follow-up", body: followUpSchema, headers: ["ETag"] },
    },
    problems: {
      400: "The follow-up id is not in the format of follow-up ids",
      403: "The caller may not read it",
      404: "No such follow-up",
    },
  },
  "POST /v1/follow-ups/{followUpId}/outcome": {
    operationId: "recordFollowUpOutcome",
    summary: "What the call gave: not reached (the next call is scheduled), or reached (done)",
    description:
      "Reached and solved with a score of 4–5 (or none): the case closes; not solved, or a score of 1–3: the case reopens. Not reached: the next call later in the window, or `unreachable` after the last.",
    path: followUpIdPath,
    ifMatch: "required",
    body: outcomeBody,
    responses: {
      200: { description: "The follow-up after the call", body: followUpSchema, headers: ["ETag"] },
    },
    problems: {
      400: "A bad id, body (`errors`: a score out of range or for a customer not reached, an unknown field) or If-Match",
      403: "Another agent's follow-up, or ops",
      404: "No such follow-up",
      409: "Not due yet, or its outcome already recorded",
      412: "The follow-up changed since the version of If-Match",
      413: "A body over 16 KB",
      415: "Not application/json",
      422: "A reached customer's case follow-up without `resolved`",
      428: "No If-Match",
    },
  },
};
