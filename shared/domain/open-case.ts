// A new case from an upstream delivery event (contract §1): which problem, which facts are kept.

import {
  type Case,
  type CaseFacts,
  type CaseTrigger,
  type CustomerDetails,
  newCase,
} from "./case.ts";
import { caseIdFor } from "./case-id.ts";
import { readText } from "./classifier/read-text.ts";
import { categoryForEvent } from "./classify-event.ts";

/** The fields of an upstream detail this module reads (validated by the events/ schemas). */
export interface UpstreamDetail extends CaseFacts {
  readonly eventId: string;
  readonly waybillNo: string;
  readonly occurredAt: string;
  readonly customer: CustomerDetails;
  /** Parcel Delivered only. */
  readonly deliveredAt?: string;
}

/**
 * The case this event would open, or null when the event opens none (e.g. a first failed
 * attempt). The event type gives the category; the words of its description (or reason) add
 * their signals — a `Parcel Damaged` whose description threatens to go to 12305 is severe.
 */
export function caseFromUpstreamEvent(
  detailType: string,
  detail: UpstreamDetail,
  now: Date,
): Case | null {
  const category = categoryForEvent(detailType, detail.attempt);
  if (category === null) return null;
  const trigger: CaseTrigger = {
    detailType,
    eventId: detail.eventId,
    occurredAt: detail.occurredAt,
  };
  return newCase(
    {
      caseId: caseIdFor(`event:${detail.eventId}`),
      waybillNo: detail.waybillNo,
      category,
      source: "event",
      channel: null,
      trigger,
      facts: factsOf(detail),
      customer: detail.customer,
      receivedAt: new Date(detail.occurredAt),
    },
    now,
    { textSignals: signalsOf(detail), confidence: 1 },
  );
}

function signalsOf(detail: UpstreamDetail): string[] {
  const words = [detail.description, detail.reason].filter((t): t is string => !!t);
  return [...new Set(words.flatMap((text) => readText(text).signals))].sort();
}

function factsOf(detail: UpstreamDetail): CaseFacts {
  const keys = [
    "declaredValue",
    "orderId",
    "outletId",
    "courierId",
    "region",
    "attempt",
    "reason",
    "description",
    "promisedAt",
    "estimatedAt",
    "lastScanAt",
    "lastLocation",
  ] as const;
  const facts: Record<string, unknown> = {};
  for (const key of keys) if (detail[key] !== undefined) facts[key] = detail[key];
  return facts as CaseFacts;
}
