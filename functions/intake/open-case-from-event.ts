// Use case: an upstream event opens a case, or attaches to the open case of the same waybill
// and problem and merges its facts into it (case-evidence.ts: any order gives the same case).
// A delivered parcel is kept for its waybill and joins (and may resolve) its open delay case
// (deliveries.ts); it may be sampled for a follow-up call (sample-delivery.ts).
// Calls flow: handler → here → domain (what case) → store → publisher.
import { caseEventAttached } from "#events/index.ts";
import { announceOpened } from "#shared/adapters/case-announcements.ts";
import {
  type Delivery,
  deliveryOf,
  openCaseOf,
  openOrAttach,
  recordDelivery,
  updateCase,
} from "#shared/adapters/case-store.ts";
import { applyDelivery } from "#shared/adapters/deliveries.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  FollowUpConflictError,
  getFollowUp,
  saveFollowUp,
} from "#shared/adapters/follow-up-store.ts";
import { RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { type Case, isOpenStatus } from "#shared/domain/case.ts";
import { mergeEvidence, sameEvidence } from "#shared/domain/case-evidence.ts";
import { caseFollowUpId, isPending } from "#shared/domain/follow-up.ts";
import { caseFromUpstreamEvent, type UpstreamDetail } from "#shared/domain/open-case.ts";
import { sampleDelivery } from "./sample-delivery.ts";
import { requestNotice } from "./request-notice.ts";

/** Why an upstream event is refused when its eventId comes again with other content. */
export const EVENT_ID_REUSED = "eventId reused with different content";

export async function openCaseFromEvent(
  detailType: string,
  detail: UpstreamDetail,
): Promise<string> {
  if (detailType === "Parcel Delivered" && detail.deliveredAt) {
    const delivered = await deliver(detail.waybillNo, {
      eventId: detail.eventId,
      deliveredAt: detail.deliveredAt,
      ...placeOf(detail),
    });
    return `${delivered}; ${await sampleDelivery(detail, detail.deliveredAt)}`;
  }
  const candidate = caseFromUpstreamEvent(detailType, detail, clock.now());
  if (!candidate) {
    metrics.addMetric("EventsWithoutCase", "Count", 1);
    return "no case";
  }
  const result = await openOrAttach(candidate);
  if (result.outcome === "opened") {
    await announceOpened(result.case);
    const notice = await requestNotice(result.case, detailType, detail, clock.now());
    metrics.addMetric("CasesOpened", "Count", 1);
    return `opened ${result.case.caseId}${notice}`;
  }

  const { case: merged, changed } = await updateCase(result.case.caseId, (current) => {
    const evidence = mergeEvidence(current, candidate);
    return sameEvidence(evidence, current)
      ? null
      : { ...current, ...evidence, updatedAt: clock.nowIso() };
  });
  // Published even when nothing changed: a repeat after a crash must still reach classification.
  await publish(caseEventAttached, {
    caseId: merged.caseId,
    waybillNo: merged.waybillNo,
    category: merged.category,
    trigger: candidate.trigger,
    attachedAt: clock.nowIso(),
  });
  metrics.addMetric("EventsAttached", "Count", 1);
  // Another problem on the case (a delay case with a failed delivery) asks for its own notice.
  const notice = await requestNotice(merged, detailType, detail, clock.now());
  // An earlier event may have become the trigger: a delivery already known may now resolve it.
  const delivered = changed ? await deliveredAlready(merged) : "";
  // (checked on every late event about a VIP's ended case, so a retry after a crash finds it too)
  const tier = merged.customer.tier === "vip" ? await followUpTier(merged) : "";
  return `attached to ${merged.caseId}${changed ? " (facts merged)" : ""}${notice}${delivered}${tier}`;
}

/**
 * A late event made the customer of a resolved case VIP: its pending follow-up call says so too,
 * as if the event had come before the resolution (any order of the events, the same call).
 */
async function followUpTier(c: Case): Promise<string> {
  if (isOpenStatus(c.status) || !c.resolutions) return "";
  const fu = await getFollowUp(caseFollowUpId(c.caseId, c.resolutions));
  if (!fu || !isPending(fu)) return "";
  if (fu.customerTier === c.customer.tier) return "";
  try {
    await saveFollowUp(
      { ...fu, customerTier: c.customer.tier, updatedAt: clock.nowIso() },
      fu.version,
    );
  } catch (error) {
    if (error instanceof FollowUpConflictError) throw new Error(`${error.message}; retrying`);
    throw error;
  }
  return `; ${fu.followUpId} now for a ${c.customer.tier} customer`;
}

async function deliveredAlready(c: Case): Promise<string> {
  if (c.category !== "delay" || !c.waybillNo || !isOpenStatus(c.status)) return "";
  const delivery = await deliveryOf(c.waybillNo);
  return delivery ? `; ${await applyDelivery(c, delivery)}` : "";
}

/**
 * Kept for a delay case that opens later; applied now to the waybill's open delay case. The
 * delivery record stands in for an idempotency record (intake keeps none for Parcel Delivered):
 * the same eventId with another delivery time or place is refused, as intake's record would.
 */
async function deliver(waybillNo: string, delivery: Delivery): Promise<string> {
  const record = await recordDelivery(waybillNo, delivery);
  if (record.recorded) metrics.addMetric("ParcelsDelivered", "Count", 1);
  else if (
    !record.recorded &&
    record.onRecord?.eventId === delivery.eventId &&
    !sameDelivery(record.onRecord, delivery)
  )
    throw new RejectedEventError(EVENT_ID_REUSED);
  const open = await openCaseOf(waybillNo, "delay");
  if (!open) return "delivery kept (no open delay case)";
  // The latest delivery on record counts (several may arrive, in any order).
  const latest = (await deliveryOf(waybillNo)) ?? delivery;
  return `${open.caseId}: ${await applyDelivery(open, latest)}`;
}

function sameDelivery(a: Delivery, b: Delivery): boolean {
  return (
    Date.parse(a.deliveredAt) === Date.parse(b.deliveredAt) &&
    a.outletId === b.outletId &&
    a.courierId === b.courierId &&
    a.region === b.region
  );
}

/** Where an event's parcel was handled (its outlet, courier and region, when it says). */
function placeOf(detail: UpstreamDetail): Pick<Delivery, "outletId" | "courierId" | "region"> {
  return {
    ...(detail.outletId ? { outletId: detail.outletId } : {}),
    ...(detail.courierId ? { courierId: detail.courierId } : {}),
    ...(detail.region ? { region: detail.region } : {}),
  };
}
