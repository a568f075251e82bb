// GET /v1/cases/{caseId} — one case, with its version as ETag.
import { getCase } from "#shared/adapters/case-store.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { caseView, etagOf } from "../case-view.ts";
import { HttpError, json } from "../http.ts";
import { caseIdParam } from "../request.ts";
import type { ApiRequest } from "../request.ts";

export async function getCaseRoute({ event, caller }: ApiRequest) {
  const caseId = caseIdParam(event);
  const found = await getCase(caseId);
  if (!found) throw new HttpError(404, "Not Found", `No case ${caseId}`);
  if (!canRead(found, caller, await readableTeams(caller))) {
    throw new HttpError(403, "Forbidden", `Case ${caseId} belongs to a team you do not work for`);
  }
  return json(200, caseView(found, caller), { etag: etagOf(found) });
}
