// GET /v1/cases/{caseId}/contact, GET /v1/follow-ups/{followUpId}/contact — the customer's full
// name and phone for the agent who calls them, each read audited on the case's timeline
// (use-cases/read-contact.ts). They write (the audit entry), so they run on `api`, not on the
// read-only `api-read` (infra/topology.ts). Every other answer shows the contact masked.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { randomUUID } from "node:crypto";
import * as z from "zod";
import { FOLLOW_UP_ID } from "#shared/domain/follow-up.ts";
import { json } from "../http.ts";
import { type ApiRequest, caseIdParam, pathId } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { caseId, caseIdPath, responseBody, type ResponseOf } from "../schemas.ts";
import { type Contact, readCaseContact, readFollowUpContact } from "../use-cases/read-contact.ts";

export async function caseContactRoute({ event, caller }: ApiRequest) {
  const id = caseIdParam(event);
  return contactAnswer(await readCaseContact(id, caller, requestIdOf(event)));
}

export async function followUpContactRoute({ event, caller }: ApiRequest) {
  const id = pathId(event, "followUpId", FOLLOW_UP_ID, "a follow-up id like FU-7K2M9Q4R1T8B-1");
  return contactAnswer(await readFollowUpContact(id, caller, requestIdOf(event)));
}

// `cache-control: no-store` is on every answer (http.ts SECURITY_HEADERS): no copy is kept.
const contactAnswer = (contact: Contact) =>
  json(200, contact satisfies ResponseOf<typeof contactSchema>);

const requestIdOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  event.requestContext?.requestId || randomUUID();

export const contactSchema = responseBody(
  "CustomerContact",
  "The customer's full contact (unmasked), for the agent who calls them; each read is on the case's timeline (`contact-read`)",
  z.object({
    caseId,
    /** The follow-up the contact was read for (GET /v1/follow-ups/{followUpId}/contact). */
    followUpId: z.string().regex(FOLLOW_UP_ID).optional(),
    customer: z.object({
      id: z.string().min(1),
      name: z.string().nullable(),
      phone: z.string().nullable(),
    }),
  }),
);

export const customerContactDocs: RouteDocs = {
  "GET /v1/cases/{caseId}/contact": {
    operationId: "readCaseContact",
    summary: "The customer's full name and phone, for the agent the case is assigned to (audited)",
    description:
      "Only the agent the open case is assigned to (not their supervisors, other agents, ops or admins). Each read first writes a `contact-read` entry on the case's timeline (who, when); without it no data is returned. The case's version does not change. After the resolution, the follow-up call's agent reads it through `GET /v1/follow-ups/{followUpId}/contact`.",
    path: caseIdPath,
    responses: { 200: { description: "The full contact", body: contactSchema } },
    problems: {
      400: "The case id is not in the format of case ids",
      403: "The caller is not the agent the case is assigned to",
      404: "No such case",
      409: "The case is resolved or closed, or the customer's personal data was erased",
    },
  },
  "GET /v1/follow-ups/{followUpId}/contact": {
    operationId: "readFollowUpContact",
    summary:
      "The customer's full name and phone, for the agent making a due follow-up call (audited)",
    description:
      "Only the follow-up's agent (or, for the team's pool, an agent of the team), while its call is due. Each read first writes a `contact-read` entry on the case's timeline; without it no data is returned. A sampled delivery's follow-up keeps no contact (404: look the customer up by `customerId`).",
    path: { followUpId: z.string().regex(FOLLOW_UP_ID, "a follow-up id like FU-7K2M9Q4R1T8B-1") },
    responses: { 200: { description: "The full contact", body: contactSchema } },
    problems: {
      400: "The follow-up id is not in the format of follow-up ids",
      403: "The caller is not the agent who makes the call",
      404: "No such follow-up, or one of a sampled delivery (no contact kept)",
      409: "The call is not due, or the customer's personal data was erased",
    },
  },
};
