// PATCH /v1/cases/{caseId} — an agent's correction of category and/or severity, with If-Match.
import { z } from "zod";
import { CATEGORIES, SEVERITIES } from "#shared/domain/case.ts";
import { caseView, etagOf } from "../case-view.ts";
import { json } from "../http.ts";
import { type ApiRequest, parseBody, requiredIfMatch, caseIdParam } from "../request.ts";
import { correctCase } from "../use-cases/correct-case.ts";

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
