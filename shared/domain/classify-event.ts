// Classification of cases opened from upstream delivery events (../domain.md "Classification").
// The decision rules live in classifier/decide.ts, shared with customer messages
// (classifier/index.ts); an event-opened case is decided as a delivery exception.
import type { Category, CustomerTier } from "./case.ts";
import {
  type Classification,
  type ClassificationPolicy,
  DEFAULT_CLASSIFICATION_POLICY,
  decide,
} from "./classifier/decide.ts";
import type { Signal } from "./classifier/read-text.ts";

export type { Classification, ClassificationPolicy } from "./classifier/decide.ts";
export { DEFAULT_CLASSIFICATION_POLICY } from "./classifier/decide.ts";

export interface EventCaseFacts {
  readonly category: Category;
  readonly customerTier: CustomerTier;
  readonly declaredValue?: number;
  /** What the customer's words on the case said, when a message attached to it. */
  readonly signals?: readonly Signal[];
  /** A repeat complaint: an earlier resolved case of the same problem on this waybill. */
  readonly repeat?: boolean;
}

/** Category of the case an upstream event opens; null when the event opens no case. */
export function categoryForEvent(detailType: string, attempt?: number): Category | null {
  switch (detailType) {
    case "Parcel Delayed":
      return "delay";
    case "Parcel Damaged":
      return "damage";
    case "Parcel Lost":
      return "loss";
    case "Delivery Attempt Failed":
      return attempt !== undefined && attempt >= 2 ? "delay" : null;
    default:
      return null;
  }
}

export function classifyEventCase(
  facts: EventCaseFacts,
  policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY,
): Classification {
  return decide(
    {
      category: facts.category,
      signals: facts.signals ?? [],
      customerTier: facts.customerTier,
      ...(facts.declaredValue !== undefined ? { declaredValue: facts.declaredValue } : {}),
      ...(facts.repeat !== undefined ? { repeat: facts.repeat } : {}),
      deliveryException: true,
    },
    policy,
  );
}
