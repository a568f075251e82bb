// POST /v1/customers/{customerId}/erasure — admins erase a customer's personal data across their
// cases, timelines and follow-ups (use-cases/erase-customer.ts), audited. Checked before
// anything is read: the id (400), the caller (403), the body (400/413/415).
import * as z from "zod";
import { HttpError, json } from "../http.ts";
import { type ApiRequest, parseBody, pathId } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { responseBody, type ResponseOf, timestamp } from "../schemas.ts";
import { eraseCustomer } from "../use-cases/erase-customer.ts";

/** A customer id as the upstream events and messages name it (1–128 characters, no controls). */
const CUSTOMER_ID = /^\P{Cc}{1,128}$/u;
const CUSTOMER_ID_RULE = "a customer id: 1–128 characters, no control characters";

export const erasureBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, "say why (e.g. the customer's request and its ticket)")
    .max(500, "at most 500 characters"),
});

export async function customerErasureRoute({ event, caller }: ApiRequest) {
  const customerId = pathId(event, "customerId", CUSTOMER_ID, CUSTOMER_ID_RULE);
  if (!caller.roles.includes("admins"))
    throw new HttpError(403, "Forbidden", "Only admins erase a customer's personal data");
  const { reason } = parseBody(event, erasureBody);
  const result = await eraseCustomer(customerId, reason, caller);
  return json(200, result satisfies ResponseOf<typeof erasureSchema>);
}

export const erasureSchema = responseBody(
  "CustomerErasure",
  "What an erasure found and erased; the same counts on a repeat once `complete`",
  z.object({
    customerId: z.string().min(1),
    /** When the customer's data was first erased (the first request). */
    erasedAt: timestamp,
    /** Cases the customer's data was on. */
    cases: z.number().int().min(0),
    /** Follow-ups (of those cases, and of sampled deliveries) whose comments were erased or had none. */
    followUps: z.number().int().min(0),
    /** Timeline entries whose words are erased (on the cases, and copies on merge targets). */
    timelineEntries: z.number().int().min(0),
    /** Correction records whose text was dropped (the classifier's samples). */
    corrections: z.number().int().min(0),
    /** False while cases are left (a request erases at most 10): send the same request again. */
    complete: z.boolean(),
  }),
);

export const customerErasureDocs: RouteDocs = {
  "POST /v1/customers/{customerId}/erasure": {
    operationId: "eraseCustomer",
    summary: "Erase a customer's personal data across their cases, timelines and follow-ups",
    description:
      "Admins. Names and phones become null, the words (messages, descriptions, notes, responses, resolutions, reasons, comments) `[erased]`, on every case the customer's data is on, its timeline, its follow-ups and corrections; each case gets an `erasure` entry, and an audit record keeps who asked, when and why. At most 10 cases a request: `complete: false` means send the same request again. A repeat once complete changes nothing and answers the same counts. Events that arrive later for an erased case bring no name, phone or words back.",
    path: { customerId: z.string().regex(CUSTOMER_ID, CUSTOMER_ID_RULE) },
    body: erasureBody,
    responses: { 200: { description: "What was erased", body: erasureSchema } },
    problems: {
      400: "A bad customer id or body (`errors`: `reason` missing, empty or too long, an unknown field)",
      403: "Not an admin",
      409: "A case or follow-up of the customer kept changing: send the request again",
      413: "A body over 16 KB",
      415: "Not application/json",
    },
  },
};
