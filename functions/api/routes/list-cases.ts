// GET /v1/cases — filters, newest first, cursor pagination.
import { z } from "zod";
import { waybillNo } from "#events/upstream/common.ts";
import { listCases } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { cursorBinding } from "#shared/adapters/cursor.ts";
import { CASE_STATUSES, CATEGORIES, PRIORITIES } from "#shared/domain/case.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { caseView } from "../case-view.ts";
import { json } from "../http.ts";
import { type ApiRequest, parseQuery } from "../request.ts";

const listQuery = z.strictObject({
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
  });
}
