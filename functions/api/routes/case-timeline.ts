// GET /v1/cases/{caseId}/timeline — what happened to the case, oldest first, a page at a time.
// The words (messages, responses, notes, reasons, resolutions, the events' descriptions,
// follow-up comments) are masked for the caller (privacy.ts); entries copied from a merged case
// mask that case's customer too.
import * as z from "zod";
import { getCase, getCases, type TimelineEntry, timelineOf } from "#shared/adapters/case-store.ts";
import { cursorBinding } from "#shared/adapters/cursor.ts";
import { maskTextFields } from "#shared/domain/masking.ts";
import { canRead, readableTeams } from "../case-access.ts";
import { HttpError, json } from "../http.ts";
import { maskerFor } from "../privacy.ts";
import { type ApiRequest, parseQuery, caseIdParam } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { caseIdPath, pageOf, responseBody, type ResponseOf, timestamp } from "../schemas.ts";

export const timelineQuery = z.strictObject({
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
  // Entries copied from merged cases (`from#<caseId>#…`) quote those cases' customers.
  const merged = await getCases(
    page.items.flatMap((e) => [...e.key.matchAll(/from#(CS-[0-9A-Z]+)#/g)].map((m) => m[1] ?? "")),
  );
  const mask = maskerFor(caller, [found.customer, ...[...merged.values()].map((c) => c.customer)]);
  return json(200, {
    items: page.items.map((e) => entryView(e, mask)),
    nextCursor: page.nextCursor,
  } satisfies ResponseOf<typeof timelinePageSchema>);
}

function entryView(
  entry: TimelineEntry,
  mask: (text: string) => string,
): ResponseOf<typeof timelineEntrySchema> {
  const { caseId: _caseId, ...rest } = entry;
  return maskTextFields(rest, mask);
}

/**
 * An entry of a case's timeline. `data` is what the kind of entry records (a response's text, an
 * assignment's agent, a classification's reasons…): its fields differ from kind to kind and grow
 * with new kinds, so it is an open object; its words are masked for the caller.
 */
export const timelineEntrySchema = responseBody(
  "TimelineEntry",
  "Something that happened to a case",
  z.object({
    at: timestamp,
    /** Unique per case. */
    key: z.string().min(1),
    /** opened, event-attached, message-attached, classified, assigned, responded, resolved, … */
    kind: z.string().min(1),
    summary: z.string(),
    /** Who did it: a user id, or `system`. */
    actor: z.string().min(1),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
);

export const timelinePageSchema = responseBody(
  "TimelinePage",
  "A page of a case's timeline, oldest first",
  pageOf(timelineEntrySchema),
);

export const caseTimelineDocs: RouteDocs = {
  "GET /v1/cases/{caseId}/timeline": {
    operationId: "getCaseTimeline",
    summary: "What happened to the case, oldest first, a page at a time",
    description:
      "Who may read the case may read its timeline. The words (`summary`, `data.text`, `data.reason`, `data.resolution`, `data.comment`, `data.facts.description`, …) are masked for every role: phone, ID-card, bank-card and e-mail numbers and the customer's name; for ops also street addresses. A `contact-read` entry records each read of the full contact, an `erasure` entry an erasure of the customer's data.",
    path: caseIdPath,
    query: timelineQuery,
    responses: { 200: { description: "A page of the timeline", body: timelinePageSchema } },
    problems: {
      400: "A bad case id, parameter, or a cursor this API did not issue for this case",
      403: "A case of a team the caller does not work for",
      404: "No such case",
    },
  },
};
