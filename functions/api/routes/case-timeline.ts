// GET /v1/cases/{caseId}/timeline — what happened to the case, oldest first, a page at a time.
// Ops read it without the customer's and agents' words (free text may hold personal data).
import { z } from "zod";
import { getCase, type TimelineEntry, timelineOf } from "#shared/adapters/case-store.ts";
import { cursorBinding } from "#shared/adapters/cursor.ts";
import type { Caller } from "../caller.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, parseQuery, caseIdParam } from "../request.ts";

const timelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

export async function caseTimelineRoute({ event, caller }: ApiRequest) {
  const caseId = caseIdParam(event);
  const query = parseQuery(event, timelineQuery);
  const found = await getCase(caseId);
  if (!found) throw new HttpError(404, "Not Found", `No case ${caseId}`);
  if (!canRead(found, caller, await readableTeams(caller)))
    throw new HttpError(403, "Forbidden", `Case ${caseId} belongs to a team you do not work for`);
  const page = await timelineOf(
    caseId,
    query.limit,
    query.cursor,
    cursorBinding(caller.userId, `GET /v1/cases/${caseId}/timeline`, query),
  );
  return json(200, {
    items: page.items.map((e) => entryView(e, caller)),
    nextCursor: page.nextCursor,
  });
}

/** Free-text fields a timeline entry's data may carry (people's words, any personal data). */
const WORDS = ["text", "facts", "resolution", "comment"] as const;
/** Entries whose `reason` is a person's words (elsewhere it is a code such as "sla-breach"). */
const WORDED_REASONS = new Set(["waiting", "closed"]);

function entryView(entry: TimelineEntry, caller: Caller) {
  const { caseId: _caseId, ...rest } = entry;
  if (caller.roles.some((role) => role !== "ops")) return rest;
  const data: Record<string, unknown> = { ...(entry.data ?? {}) };
  for (const field of WORDS) if (field in data) data[field] = null;
  if (WORDED_REASONS.has(entry.kind) && "reason" in data) data.reason = null;
  return { ...rest, data };
}
