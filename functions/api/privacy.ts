// Who sees what of a customer's personal data in the API's answers (api-reference.md "Who sees
// what"; ../domain.md "Privacy"). Every role gets the customer's name and phone masked; in free
// text (descriptions, messages, notes, responses, resolutions, reasons, comments) phone, ID-card,
// bank-card and e-mail numbers and the customer's own name are masked for everyone, and street
// addresses for ops too. Agents, supervisors and admins keep addresses: they sort out
// deliveries (where to re-deliver, which outlet, which compound). The full contact is read only
// by the agent making the call, audited (GET /v1/cases/{caseId}/contact).
import type { CaseCustomer } from "#shared/domain/case.ts";
import { maskFreeText } from "#shared/domain/masking.ts";
import type { Caller } from "./caller.ts";

/** Whether the caller works deliveries (so reads the street addresses in the words). */
export function keepsAddresses(caller: Caller): boolean {
  return caller.roles.some((role) => role !== "ops");
}

/** Masks a text for the caller: the patterns, and the names and phones of these customers. */
export function maskerFor(
  caller: Caller,
  customers: readonly Pick<CaseCustomer, "name" | "phone">[],
): (text: string) => string {
  const masking = {
    names: customers.map((c) => c.name),
    phones: customers.map((c) => c.phone),
    addresses: !keepsAddresses(caller),
  };
  return (text) => maskFreeText(text, masking);
}
