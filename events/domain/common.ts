// Pieces shared by the domain events this system publishes (source `courier.care`).
// Domain events never carry personal data (names, phones, addresses): only ids.
import * as z from "zod";
import { CATEGORIES, FEEDBACK_TYPES, PRIORITIES, SEVERITIES } from "#shared/domain/case.ts";
import { customerTier, isoTimestamp, waybillNo as upstreamWaybillNo } from "../upstream/common.ts";

export const caseId = z.string().regex(/^CS-[0-9A-Z]{12,26}$/, "a case id like CS-7K2M9Q4R1T8B");
export const category = z.enum(CATEGORIES);
export const severity = z.enum(SEVERITIES);
export const priority = z.enum(PRIORITIES);
export const feedbackType = z.enum(FEEDBACK_TYPES);

/** Every domain event's detail starts with this: which version of the contract, and when. */
export const metadata = z.object({
  version: z.number().int().positive(),
  publishedAt: isoTimestamp,
});

/** The SLA deadlines a classification sets (business time, see shared/domain/sla.ts). */
export const slaDeadlines = z.object({
  firstResponseDue: isoTimestamp,
  resolutionDue: isoTimestamp,
});

export const trigger = z.object({
  detailType: z.string(),
  eventId: z.string(),
  occurredAt: isoTimestamp,
});

/** The case's waybill; null for a customer's message that named none (it has a case of its own). */
export const waybillNo = upstreamWaybillNo.nullable();

export { customerTier, isoTimestamp };
