// POST /v1/cases/{caseId}/<action> — the agents' and supervisors' actions (contract §3), each a
// body schema and the lifecycle move it asks for. `If-Match` is required (428 without it; 412 when
// stale). Every answer is the case as it is after the move, with its ETag.
import * as z from "zod";
import { getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { getAgent } from "#shared/adapters/org-store.ts";
import type { HumanAction, LifecycleAction } from "#shared/domain/case-lifecycle.ts";
import type { Caller } from "../caller.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { caseView, etagOf } from "../case-view.ts";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, CASE_ID, caseIdParam, parseBody, requiredIfMatch } from "../request.ts";
import { actOnCase, type MoveBuilder } from "../use-cases/act-on-case.ts";
import type { RouteDoc, RouteDocs } from "../route-docs.ts";
import { caseIdPath, caseSchema } from "../schemas.ts";

const words = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`);
const caseIdField = z.string().regex(CASE_ID, "a case id like CS-7K2M9Q4R1T8B");
const agentIdField = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "an agent id");

/** The actions' bodies (also what the OpenAPI document shows). */
export const textBody = z.strictObject({ text: words(4000) });
export const reasonBody = z.strictObject({ reason: words(1000) });
export const resolutionBody = z.strictObject({ resolution: words(2000) });
export const assignBody = z.strictObject({ assignee: agentIdField });
export const mergeBody = z.strictObject({ intoCaseId: caseIdField });

type Body<S extends z.ZodType> = z.output<S>;
type Base = Pick<LifecycleAction, "actor" | "at">;

function action<S extends z.ZodType>(
  type: HumanAction,
  schema: S,
  move: (body: Body<S>, base: Base, caller: Caller) => MoveBuilder,
) {
  return async ({ event, caller }: ApiRequest) => {
    const caseId = caseIdParam(event);
    const ifMatch = requiredIfMatch(event);
    const body = parseBody(event, schema);
    const base: Base = {
      actor: { userId: caller.userId, roles: caller.roles },
      at: clock.nowIso(),
    };
    const saved = await actOnCase(caseId, type, move(body, base, caller), caller, ifMatch);
    return json(200, caseView(saved, caller), { etag: etagOf(saved) });
  };
}

export const respondRoute = action("respond", textBody, (b, base) => async () => ({
  ...base,
  type: "respond",
  text: b.text,
}));

export const noteRoute = action("note", textBody, (b, base) => async () => ({
  ...base,
  type: "note",
  text: b.text,
}));

export const waitRoute = action("wait", reasonBody, (b, base) => async () => ({
  ...base,
  type: "wait",
  reason: b.reason,
}));

export const escalateRoute = action("escalate", reasonBody, (b, base) => async () => ({
  ...base,
  type: "escalate",
  reason: b.reason,
}));

export const resolveRoute = action("resolve", resolutionBody, (b, base) => async () => ({
  ...base,
  type: "resolve",
  resolution: b.resolution,
}));

export const closeRoute = action("close", reasonBody, (b, base) => async () => ({
  ...base,
  type: "close",
  reason: b.reason,
}));

export const assignRoute = action("assign", assignBody, (b, base) => async () => {
  const agent = await getAgent(b.assignee);
  if (!agent)
    throw new HttpError(422, "Unprocessable Content", `No agent ${b.assignee}`, [
      { path: "assignee", message: "no such agent" },
    ]);
  return { ...base, type: "assign", assignee: agent.agentId, team: agent.team };
});

export const mergeRoute = action("merge", mergeBody, (b, base, caller) => async () => {
  const target = await getCase(b.intoCaseId);
  if (!target || !canRead(target, caller, await readableTeams(caller)))
    throw new HttpError(422, "Unprocessable Content", `No case ${b.intoCaseId} to merge into`, [
      { path: "intoCaseId", message: "no such case" },
    ]);
  return { ...base, type: "merge", intoCaseId: b.intoCaseId, target };
});

/** An action's documentation: the same answers for all, and who may and what it does. */
function actionDoc(
  operationId: string,
  summary: string,
  description: string,
  body: z.ZodType,
  problems: RouteDoc["problems"] = {},
): RouteDoc {
  return {
    operationId,
    summary,
    description: `${description} Who may do what, and from which status, is the lifecycle table of the README.`,
    path: caseIdPath,
    ifMatch: "required",
    body,
    responses: {
      200: { description: "The case after the move", body: caseSchema, headers: ["ETag"] },
    },
    problems: {
      400: "A bad case id, body (`errors`) or If-Match",
      403: "The caller may not do this to the case",
      404: "No such case",
      409: "The case's status does not allow it (or there is nothing to do); nothing changed",
      412: "The case changed since the version of If-Match",
      413: "A body over 16 KB",
      415: "Not application/json",
      428: "No If-Match",
      ...problems,
    },
  };
}

const WORKERS = "The case's agent, a supervisor of its team, admins.";
const SUPERVISORS = "Supervisors of the case's team, admins.";

export const caseActionDocs: RouteDocs = {
  "POST /v1/cases/{caseId}/responses": actionDoc(
    "respondToCase",
    "A response to the customer",
    `${WORKERS} The first stops the first-response clock; the case is in_progress (a waiting case resumes).`,
    textBody,
  ),
  "POST /v1/cases/{caseId}/notes": actionDoc(
    "addCaseNote",
    "An internal note on the timeline",
    WORKERS,
    textBody,
  ),
  "POST /v1/cases/{caseId}/wait": actionDoc(
    "waitOnCase",
    "Waiting on the customer or a third party",
    `${WORKERS} The resolution clock pauses until the next response or customer message.`,
    reasonBody,
  ),
  "POST /v1/cases/{caseId}/assign": actionDoc(
    "assignCase",
    "To an agent on shift with a free slot",
    `${SUPERVISORS} The old agent's slot frees; an agent off shift or full is a 409.`,
    assignBody,
    { 422: "No such agent (`errors[].path` assignee), or the case has no team" },
  ),
  "POST /v1/cases/{caseId}/escalate": actionDoc(
    "escalateCase",
    "One escalation level up",
    `${WORKERS} Case Escalated names whom to tell.`,
    reasonBody,
  ),
  "POST /v1/cases/{caseId}/merge": actionDoc(
    "mergeCase",
    "Into another open case: this one closes with mergedInto",
    `${SUPERVISORS} Its timeline is copied onto the target's.`,
    mergeBody,
    { 422: "No such case to merge into (`errors[].path` intoCaseId), or the case itself" },
  ),
  "POST /v1/cases/{caseId}/resolve": actionDoc(
    "resolveCase",
    "Resolved: the agent's and the waybill's slots free, a follow-up call is scheduled",
    WORKERS,
    resolutionBody,
  ),
  "POST /v1/cases/{caseId}/close": actionDoc(
    "closeCase",
    "Closed for good",
    SUPERVISORS,
    reasonBody,
  ),
};
