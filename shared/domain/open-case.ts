// A new case from an upstream delivery event (contract §1): which problem, which facts are kept.

import type { Case, CaseFacts, CaseTrigger, CustomerTier } from "./case.ts";
import { caseIdFor } from "./case-id.ts";
import { categoryForEvent } from "./classify-event.ts";

/** The fields of an upstream detail this module reads (validated by the events/ schemas). */
export interface UpstreamDetail extends CaseFacts {
  readonly eventId: string;
  readonly waybillNo: string;
  readonly occurredAt: string;
  readonly customer: { id: string; name?: string; phone?: string; tier: CustomerTier };
}

/** The case this event would open, or null when the event opens none (e.g. a first failed attempt). */
export function caseFromUpstreamEvent(
  detailType: string,
  detail: UpstreamDetail,
  now: Date,
): Case | null {
  const category = categoryForEvent(detailType, detail.attempt);
  if (category === null) return null;
  const at = now.toISOString();
  const trigger: CaseTrigger = {
    detailType,
    eventId: detail.eventId,
    occurredAt: detail.occurredAt,
  };
  return {
    caseId: caseIdFor(`event:${detail.eventId}`),
    waybillNo: detail.waybillNo,
    status: "new",
    category,
    severity: null,
    priority: null,
    feedbackType: null,
    team: null,
    assignee: null,
    escalated: false,
    customer: {
      id: detail.customer.id,
      name: detail.customer.name ?? null,
      phone: detail.customer.phone ?? null,
      tier: detail.customer.tier,
    },
    source: "event",
    channel: null,
    sla: { firstResponseDue: null, resolutionDue: null, firstRespondedAt: null, breached: false },
    trigger,
    facts: factsOf(detail),
    createdAt: at,
    updatedAt: at,
    classifiedAt: null,
    routedAt: null,
    routeReason: null,
    version: 1,
  };
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
