// GET /v1/cases/{caseId} — one case, with its version as ETag.
import { getCase } from "#shared/adapters/case-store.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { caseView, etagOf } from "../case-view.ts";
import { HttpError, json } from "../http.ts";
import { caseIdParam } from "../request.ts";
import type { ApiRequest } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { caseIdPath, caseSchema } from "../schemas.ts";

export async function getCaseRoute({ event, caller }: ApiRequest) {
  const caseId = caseIdParam(event);
  const found = await getCase(caseId);
  if (!found) throw new HttpError(404, "Not Found", `No case ${caseId}`);
  if (!canRead(found, caller, await readableTeams(caller))) {
    throw new HttpError(403, "Forbidden", `Case ${caseId} belongs to a team you do not work for`);
  }
  return json(200, caseView(found, caller), { etag: etagOf(found) });
}

export const getCaseDocs: RouteDocs = {
  "GET /v1/cases/{caseId}": {
    operationId: "getCase",
    summary: "One case, with its version as ETag",
    path: caseIdPath,
    responses: { 200: { description: "The case", body: caseSchema, headers: ["ETag"] } },
    problems: {
      400: "The case id is not in the format of case ids",
      403: "A case of a team the caller does not work for",
      404: "No such case",
    },
  },
};
