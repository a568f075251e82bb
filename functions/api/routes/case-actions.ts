// POST /v1/cases/{caseId}/<action> — the agents' and supervisors' actions (contract §3), each a
// body schema and the lifecycle move it asks for. `If-Match` is optional here: with it, a stale
// version is a 412. Every answer is the case as it is after the move, with its ETag.
import { z } from "zod";
import { getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { getAgent } from "#shared/adapters/org-store.ts";
import type { HumanAction, LifecycleAction } from "#shared/domain/case-lifecycle.ts";
import type { Caller } from "../caller.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { caseView, etagOf } from "../case-view.ts";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, parseBody, caseIdParam } from "../request.ts";
import { actOnCase, type MoveBuilder } from "../use-cases/act-on-case.ts";

const words = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`);
const caseIdField = z.string().regex(/^CS-[0-9A-Z]{12,26}$/, "a case id like CS-7K2M9Q4R1T8B");
const agentIdField = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "an agent id");

type Body<S extends z.ZodType> = z.output<S>;
type Base = Pick<LifecycleAction, "actor" | "at">;

function action<S extends z.ZodType>(
  type: HumanAction,
  schema: S,
  move: (body: Body<S>, base: Base, caller: Caller) => MoveBuilder,
) {
  return async ({ event, caller }: ApiRequest) => {
    const caseId = caseIdParam(event);
    const ifMatch = optionalIfMatch(event.headers?.["if-match"]);
    const body = parseBody(event, schema);
    const base: Base = {
      actor: { userId: caller.userId, roles: caller.roles },
      at: clock.nowIso(),
    };
    const saved = await actOnCase(caseId, type, move(body, base, caller), caller, ifMatch);
    return json(200, caseView(saved, caller), { etag: etagOf(saved) });
  };
}

function optionalIfMatch(header: string | undefined): number | null {
  if (!header) return null;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match)
    throw new HttpError(400, "Bad Request", 'If-Match must be an ETag of this API, like "3"');
  return Number(match[1]);
}

export const respondRoute = action(
  "respond",
  z.strictObject({ text: words(4000) }),
  (b, base) => async () => ({
    ...base,
    type: "respond",
    text: b.text,
  }),
);

export const noteRoute = action(
  "note",
  z.strictObject({ text: words(4000) }),
  (b, base) => async () => ({
    ...base,
    type: "note",
    text: b.text,
  }),
);

export const waitRoute = action(
  "wait",
  z.strictObject({ reason: words(1000) }),
  (b, base) => async () => ({
    ...base,
    type: "wait",
    reason: b.reason,
  }),
);

export const escalateRoute = action(
  "escalate",
  z.strictObject({ reason: words(1000) }),
  (b, base) => async () => ({ ...base, type: "escalate", reason: b.reason }),
);

export const resolveRoute = action(
  "resolve",
  z.strictObject({ resolution: words(2000) }),
  (b, base) => async () => ({ ...base, type: "resolve", resolution: b.resolution }),
);

export const closeRoute = action(
  "close",
  z.strictObject({ reason: words(1000) }),
  (b, base) => async () => ({
    ...base,
    type: "close",
    reason: b.reason,
  }),
);

export const assignRoute = action(
  "assign",
  z.strictObject({ assignee: agentIdField }),
  (b, base) => async () => {
    const agent = await getAgent(b.assignee);
    if (!agent)
      throw new HttpError(422, "Unprocessable Content", `No agent ${b.assignee}`, [
        { path: "assignee", message: "no such agent" },
      ]);
    return { ...base, type: "assign", assignee: agent.agentId, team: agent.team };
  },
);

export const mergeRoute = action(
  "merge",
  z.strictObject({ intoCaseId: caseIdField }),
  (b, base, caller) => async () => {
    const target = await getCase(b.intoCaseId);
    if (!target || !canRead(target, caller, await readableTeams(caller)))
      throw new HttpError(422, "Unprocessable Content", `No case ${b.intoCaseId} to merge into`, [
        { path: "intoCaseId", message: "no such case" },
      ]);
    return { ...base, type: "merge", intoCaseId: b.intoCaseId, target };
  },
);
