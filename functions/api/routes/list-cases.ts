// GET /v1/cases — filters, newest first, cursor pagination.
import * as z from "zod";
import { waybillNo } from "#events/upstream/common.ts";
import { listCases } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { cursorBinding } from "#shared/adapters/cursor.ts";
import { CASE_STATUSES, CATEGORIES, PRIORITIES } from "#shared/domain/case.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { caseView } from "../case-view.ts";
import { json } from "../http.ts";
import { type ApiRequest, parseQuery } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { casePageSchema, type ResponseOf } from "../schemas.ts";

export const listQuery = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  team: z.string().min(1).max(64).optional(),
  assignee: z.string().min(1).max(128).optional(),
  priority: z.enum(PRIORITIES).optional(),
  category: z.enum(CATEGORIES).optional(),
  waybillNo: waybillNo.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

export async function listCasesRoute({ event, caller }: ApiRequest) {
  const query = parseQuery(event, listQuery);
  const teams = await readableTeams(caller);
  const page = await listCases(
    {
      ...query,
      allowedTeams: teams,
      cursorBinding: cursorBinding(caller.userId, "GET /v1/cases", query),
    },
    clock.now(),
  );
  return json(200, {
    items: page.items.filter((c) => canRead(c, caller, teams)).map((c) => caseView(c, caller)),
    nextCursor: page.nextCursor,
  } satisfies ResponseOf<typeof casePageSchema>);
}

export const listCasesDocs: RouteDocs = {
  "GET /v1/cases": {
    operationId: "listCases",
    summary: "Cases the caller may read, newest first, a page at a time",
    description:
      "Agents read their team's cases and those assigned to them, supervisors their teams', ops and admins all (ops without names and words). A team outside the caller's reach gives an empty page. A filter without an index of its own reads at most 2,000 cases a request: a page may then hold fewer than `limit` cases, even none, with a `nextCursor`; only `nextCursor: null` is the end.",
    query: listQuery,
    responses: { 200: { description: "A page of cases", body: casePageSchema } },
    problems: {
      400: "An unknown parameter, a bad value, or a cursor this API did not issue for this query",
    },
  },
};
