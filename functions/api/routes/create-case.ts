// POST /v1/cases — a customer's message from a channel: 201 with the new case, or 200 with the
// open case it attached to. Agents, supervisors and admins (ops only read).
import { createHash } from "node:crypto";
import * as z from "zod";
import { customer, waybillNo } from "#events/upstream/common.ts";
import { clock } from "#shared/adapters/clock.ts";
import { firstReceivedAt } from "#shared/adapters/message-receipts.ts";
import { CHANNELS } from "#shared/domain/case.ts";
import { acceptMessage } from "../use-cases/accept-message.ts";
import { caseView, etagOf } from "../case-view.ts";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, idempotencyKeyOf, parseBody } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { caseSchema } from "../schemas.ts";

/** Longest message text accepted (a hotline note or an e-mail body). */
export const MAX_TEXT_LENGTH = 4000;

export const feedbackBody = z.strictObject({
  channel: z.enum(CHANNELS),
  text: z
    .string()
    .trim()
    .min(1, "the customer's words are required")
    .max(MAX_TEXT_LENGTH, `at most ${MAX_TEXT_LENGTH} characters`),
  waybillNo: waybillNo.optional(),
  customer: customer.strict(),
});

const WRITERS = ["agents", "supervisors", "admins"] as const;

export async function createCaseRoute({ event, caller }: ApiRequest) {
  const receivedAt = clock.now();
  if (!caller.roles.some((role) => (WRITERS as readonly string[]).includes(role)))
    throw new HttpError(403, "Forbidden", "Only agents, supervisors and admins open cases");
  const body = parseBody(event, feedbackBody);
  const key = idempotencyKeyOf(event);
  // A retry with the same Idempotency-Key is the same message: its id (and case id), and the
  // instant it was first received.
  const messageId = key ? digest(`${caller.userId}\n${key}`) : event.requestContext.requestId;
  const accepted = await acceptMessage({
    messageId,
    channel: body.channel,
    text: body.text,
    waybillNo: body.waybillNo ?? null,
    customer: body.customer,
    receivedAt: key ? await firstReceivedAt(messageId, receivedAt) : receivedAt,
  });
  const c = accepted.case;
  return json(accepted.outcome === "opened" ? 201 : 200, caseView(c, caller), {
    etag: etagOf(c),
    location: `/v1/cases/${c.caseId}`,
  });
}

const digest = (text: string) =>
  `msg-${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;

export const createCaseDocs: RouteDocs = {
  "POST /v1/cases": {
    operationId: "createCase",
    summary: "A customer's message from a channel: a new case, or the open case it attached to",
    description:
      "Agents, supervisors and admins. The words are classified (simplified or traditional Chinese, or English) and the case is routed as any other. Without `waybillNo` the message always opens a case of its own; a complaint about a waybill whose case was resolved in the last 30 days opens a severe repeat (`repeatOf`).",
    body: feedbackBody,
    idempotencyKey: true,
    responses: {
      201: {
        description: "The new case (`source: feedback`)",
        body: caseSchema,
        headers: ["ETag", "Location"],
      },
      200: {
        description:
          "The open case of the same waybill and problem, which the message attached to (its words may raise the severity)",
        body: caseSchema,
        headers: ["ETag", "Location"],
      },
    },
    problems: {
      400: "The body is not valid JSON or not valid (`errors`), or a malformed Idempotency-Key",
      403: "Ops (who only read) or a token of none of the API's groups",
      413: "A body over 16 KB",
      415: "Not application/json",
    },
  },
};
