// Erasing a customer's personal data on request (PIPL art. 47; ../domain.md "Privacy"): what an
// erased case, timeline entry or follow-up keeps. Names and phones become null; people's words
// (messages, descriptions, notes, responses, resolutions, reasons, comments) become a fixed
// marker, so the record still says that something was written and when. Ids, codes, times,
// amounts and classifications stay: they are what the KPIs and the audit trail are made of, and
// the customer id points only into the company's own customer system. Pure: no clock, no AWS.
import type { Case, CaseCustomer, CaseFacts } from "./case.ts";

/** What erased words read as. */
export const ERASED = "[erased]";

/** The facts of an event that are people's words (the rest are ids, amounts and times). */
const FACT_WORDS = ["description", "reason", "lastLocation"] as const;

/** Timeline entries whose `reason` is a person's words (elsewhere it is a code). */
const WORDED_REASON_KINDS = new Set(["waiting", "closed"]);

/** The facts with their words erased. */
export function erasedFacts(facts: CaseFacts): CaseFacts {
  const out: Record<string, unknown> = { ...facts };
  for (const field of FACT_WORDS) if (typeof out[field] === "string") out[field] = ERASED;
  return out as CaseFacts;
}

/** The customer without name and phone, erased at `at` (or when first erased). */
export function erasedCustomer(customer: CaseCustomer, at: string): CaseCustomer {
  return { ...customer, name: null, phone: null, erasedAt: customer.erasedAt ?? at };
}

const erasedWords = (text: string | null | undefined) =>
  text === null || text === undefined ? text : ERASED;

/**
 * The case with the personal data it holds about `customerId` erased: the customer's name and
 * phone when the case is theirs, and every free text on it (the words of a case are about its
 * customer, and may quote anyone's). Null when there is nothing left to erase (a repeat).
 */
export function erasedCase(c: Case, customerId: string, at: string): Case | null {
  const next: Case = {
    ...c,
    customer: c.customer.id === customerId ? erasedCustomer(c.customer, at) : c.customer,
    facts: erasedFacts(c.facts),
    ...(c.text !== undefined ? { text: erasedWords(c.text) } : {}),
    ...(c.resolution !== undefined ? { resolution: erasedWords(c.resolution) } : {}),
    ...(c.waitingReason !== undefined ? { waitingReason: erasedWords(c.waitingReason) } : {}),
    ...(c.closeReason !== undefined ? { closeReason: erasedWords(c.closeReason) } : {}),
    ...(c.correction ? { correction: { ...c.correction, text: null } } : {}),
  };
  return JSON.stringify(next) === JSON.stringify(c) ? null : { ...next, updatedAt: at };
}

/**
 * A timeline entry's data with its words erased (the message, response, note, escalation text,
 * resolution, worded reason, an attached event's facts, a follow-up's comment); null when it
 * holds none (nothing to rewrite).
 */
export function erasedEntryData(
  kind: string,
  data: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | null {
  if (!data) return null;
  const out: Record<string, unknown> = { ...data };
  for (const field of ["text", "resolution", "comment"])
    if (typeof out[field] === "string") out[field] = ERASED;
  if (WORDED_REASON_KINDS.has(kind) && typeof out.reason === "string") out.reason = ERASED;
  if (out.facts && typeof out.facts === "object") out.facts = erasedFacts(out.facts as CaseFacts);
  return JSON.stringify(out) === JSON.stringify(data) ? null : out;
}

/**
 * Timeline entries copied from a merged case keep its key under `from#<caseId>#` (case-moves.ts);
 * the prefix of the entries that came from `caseId`.
 */
export const mergedEntryPrefix = (caseId: string) => `from#${caseId}#`;
