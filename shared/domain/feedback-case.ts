// A case from a customer's message (channel feedback, contract §3 POST /v1/cases): what the
// words say decides the category; the signals they carry (complaint, outside escalation…) are
// kept on the case so that later messages and events can be merged in any order.
// Pure: the message id, the reading of the text and the instants are passed in.
import {
  type Case,
  type CaseTrigger,
  type Channel,
  type CustomerDetails,
  isOpenStatus,
  newCase,
} from "./case.ts";
import { caseIdFor } from "./case-id.ts";
import type { MessageClassification } from "./classifier/index.ts";

export const CUSTOMER_MESSAGE = "Customer Message";

export interface CustomerMessage {
  /** Unique per message and stable across a client's retries (see the route). */
  readonly messageId: string;
  readonly channel: Channel;
  readonly text: string;
  readonly waybillNo: string | null;
  readonly customer: CustomerDetails;
  readonly receivedAt: Date;
}

/** How long after a resolution a new complaint about the waybill counts as a repeat. */
export const REPEAT_WINDOW_DAYS = 30;

/** The case this message would open (status `new`, category from the words). */
export function caseFromMessage(
  message: CustomerMessage,
  reading: MessageClassification,
  repeatOf: string | null,
  now: Date,
): Case {
  const trigger: CaseTrigger = {
    detailType: CUSTOMER_MESSAGE,
    eventId: message.messageId,
    occurredAt: message.receivedAt.toISOString(),
  };
  return newCase(
    {
      caseId: caseIdFor(`message:${message.messageId}`),
      waybillNo: message.waybillNo,
      category: reading.category,
      source: "feedback",
      channel: message.channel,
      trigger,
      facts: reading.declaredValue !== undefined ? { declaredValue: reading.declaredValue } : {},
      customer: message.customer,
      receivedAt: message.receivedAt,
    },
    now,
    {
      text: message.text,
      textSignals: [...reading.signals],
      confidence: reading.confidence,
      repeatOf,
    },
  );
}

/**
 * Whether a message is a new complaint, for repeat detection: it names a problem (not an
 * inquiry, a suggestion or other remarks) or states a complaint in so many words.
 */
export function isComplaint(reading: MessageClassification): boolean {
  return (
    !["inquiry", "suggestion", "other"].includes(reading.category) ||
    reading.feedbackType === "complaint"
  );
}

/**
 * The earlier case a complaint repeats: the same customer's case about the same waybill,
 * resolved (or closed after a resolution) within the repeat window before `now`; the most
 * recently resolved when there are several. Open cases are not repeats (the message attaches).
 */
export function repeatedCase(
  customerId: string,
  earlier: readonly Case[],
  now: Date,
  windowDays: number = REPEAT_WINDOW_DAYS,
): Case | null {
  const since = now.getTime() - windowDays * 86_400_000;
  const candidates = earlier.filter((c) => {
    if (c.customer.id !== customerId || isOpenStatus(c.status) || !c.resolvedAt) return false;
    const resolved = Date.parse(c.resolvedAt);
    return resolved >= since && resolved <= now.getTime();
  });
  candidates.sort(
    (a, b) => Date.parse(b.resolvedAt as string) - Date.parse(a.resolvedAt as string),
  );
  return candidates[0] ?? null;
}
