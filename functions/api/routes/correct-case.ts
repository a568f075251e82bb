// PATCH /v1/cases/{caseId} — an agent's correction of category and/or severity, with If-Match.
import * as z from "zod";
import { CATEGORIES, SEVERITIES } from "#shared/domain/case.ts";
import { caseView, etagOf } from "../case-view.ts";
import { json } from "../http.ts";
import { type ApiRequest, parseBody, requiredIfMatch, caseIdParam } from "../request.ts";
import { correctCase } from "../use-cases/correct-case.ts";
import type { RouteDocs } from "../route-docs.ts";
import { caseIdPath, caseSchema } from "../schemas.ts";

export const correctionBody = z
  .strictObject({
    category: z.enum(CATEGORIES).optional(),
    severity: z.enum(SEVERITIES).optional(),
  })
  .refine((b) => b.category !== undefined || b.severity !== undefined, {
    message: "name the category, the severity, or both",
  });

export async function correctCaseRoute({ event, caller }: ApiRequest) {
  const caseId = caseIdParam(event);
  const expectedVersion = requiredIfMatch(event);
  const body = parseBody(event, correctionBody);
  const saved = await correctCase(caseId, body, caller, expectedVersion);
  return json(200, caseView(saved, caller), { etag: etagOf(saved) });
}

export const correctCaseDocs: RouteDocs = {
  "PATCH /v1/cases/{caseId}": {
    operationId: "correctCase",
    summary: "An agent's correction of the category and/or the severity (at least one)",
    description:
      "The case's agent, a supervisor of its team, admins. The priority and deadlines follow; a category owned by another team sends the case to that team's queue. The correction wins over the rules from then on.",
    path: caseIdPath,
    ifMatch: "required",
    body: correctionBody,
    responses: {
      200: { description: "The corrected case", body: caseSchema, headers: ["ETag"] },
    },
    problems: {
      400: "A bad case id, body (`errors`; neither field given) or If-Match",
      403: "Not the case's agent, a supervisor of its team or an admin",
      404: "No such case",
      409: "The case is resolved or closed, not classified yet, or the waybill already has an open case of the new category",
      412: "The case changed since the version of If-Match",
      413: "A body over 16 KB",
      415: "Not application/json",
      428: "No If-Match",
    },
  },
};
