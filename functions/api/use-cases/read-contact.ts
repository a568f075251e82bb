// Use case: the customer's full contact (name and phone, unmasked) for the agent who calls them
// (GET /v1/cases/{caseId}/contact, GET /v1/follow-ups/{followUpId}/contact). Everyone else sees
// them masked (privacy.ts). Checked first, nothing written before: the caller (403), whether
// there is a call to make (409), whether the data still exists (409 once erased). Then the read
// is audited — a `contact-read` entry on the case's timeline (who, when, through what; no
// personal data), a conditional put — and only once it is written is the contact returned: no
// audit, no data. The case itself is not written (its version and ETag stay).
import { addTimelineEntry, getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { getFollowUp } from "#shared/adapters/follow-up-store.ts";
import { getAgent } from "#shared/adapters/org-store.ts";
import { type Case, isOpenStatus } from "#shared/domain/case.ts";
import type { FollowUp } from "#shared/domain/follow-up.ts";
import type { Caller } from "../caller.ts";
import { HttpError } from "../http.ts";

export interface Contact {
  readonly caseId: string;
  readonly followUpId?: string;
  readonly customer: {
    readonly id: string;
    readonly name: string | null;
    readonly phone: string | null;
  };
}

/** The contact of an open case, for the agent it is assigned to (not their supervisors). */
export async function readCaseContact(
  caseId: string,
  caller: Caller,
  requestId: string,
): Promise<Contact> {
  const c = await getCase(caseId);
  if (!c) throw new HttpError(404, "Not Found", `No case ${caseId}`);
  if (!caller.roles.includes("agents") || c.assignee !== caller.userId)
    throw new HttpError(
      403,
      "Forbidden",
      "Only the agent the case is assigned to reads the customer's contact",
    );
  if (!isOpenStatus(c.status))
    throw new HttpError(
      409,
      "Conflict",
      `The case is ${c.status}: the follow-up call's agent reads the contact through GET /v1/follow-ups/{followUpId}/contact`,
    );
  return audited(c, caller, requestId, { via: "case" });
}

/**
 * The contact for a follow-up call that is due, for the agent who makes it: its assignee, or an
 * agent of its team for the team's pool. A sampled delivery's follow-up keeps no contact (404:
 * the caller looks the customer up by `customerId` in the company's customer system).
 */
export async function readFollowUpContact(
  followUpId: string,
  caller: Caller,
  requestId: string,
): Promise<Contact> {
  const fu = await getFollowUp(followUpId);
  if (!fu) throw new HttpError(404, "Not Found", `No follow-up ${followUpId}`);
  if (!(await makesTheCall(fu, caller)))
    throw new HttpError(
      403,
      "Forbidden",
      "Only the agent who makes the follow-up call reads the customer's contact",
    );
  if (!fu.caseId)
    throw new HttpError(
      404,
      "Not Found",
      "A sampled delivery's follow-up keeps no contact: look the customer up by customerId",
    );
  if (fu.status !== "due")
    throw new HttpError(
      409,
      "Conflict",
      `The follow-up is ${fu.status}: there is no call to make now`,
    );
  const c = await getCase(fu.caseId);
  if (!c) throw new HttpError(404, "Not Found", `No case ${fu.caseId}`);
  return audited(c, caller, requestId, { via: "follow-up", followUpId });
}

async function makesTheCall(fu: FollowUp, caller: Caller): Promise<boolean> {
  if (!caller.roles.includes("agents")) return false;
  if (fu.assignee !== null) return fu.assignee === caller.userId;
  const agent = await getAgent(caller.userId);
  return agent !== undefined && agent.team === fu.team;
}

async function audited(
  c: Case,
  caller: Caller,
  requestId: string,
  via: { via: "case" } | { via: "follow-up"; followUpId: string },
): Promise<Contact> {
  if (c.customer.erasedAt)
    throw new HttpError(
      409,
      "Conflict",
      `The customer's personal data was erased on ${c.customer.erasedAt}`,
    );
  // Throws when it cannot be written: then no data leaves.
  await addTimelineEntry(c.caseId, {
    at: clock.nowIso(),
    key: `contact-read#${requestId}`,
    kind: "contact-read",
    actor: caller.userId,
    summary:
      via.via === "case"
        ? `Customer contact read by ${caller.userId}`
        : `Customer contact read by ${caller.userId} for follow-up ${via.followUpId}`,
    data: via,
  });
  return {
    caseId: c.caseId,
    ...(via.via === "follow-up" ? { followUpId: via.followUpId } : {}),
    customer: { id: c.customer.id, name: c.customer.name, phone: c.customer.phone },
  };
}
