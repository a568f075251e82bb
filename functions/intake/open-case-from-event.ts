// Use case: an upstream event opens a case, or attaches to the open case of the same waybill
// and problem. Calls flow: handler → here → domain (what case) → store → publisher.
import { caseEventAttached, caseOpened } from "#events/index.ts";
import { openOrAttach } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { caseFromUpstreamEvent, type UpstreamDetail } from "#shared/domain/open-case.ts";

export async function openCaseFromEvent(
  detailType: string,
  detail: UpstreamDetail,
): Promise<string> {
  const candidate = caseFromUpstreamEvent(detailType, detail, clock.now());
  if (!candidate) {
    metrics.addMetric(
      detailType === "Parcel Delivered" ? "ParcelsDelivered" : "EventsWithoutCase",
      "Count",
      1,
    );
    return "no case";
  }
  const result = await openOrAttach(candidate);
  const opened = result.case;
  if (result.outcome === "opened") {
    await publish(caseOpened, {
      caseId: opened.caseId,
      waybillNo: opened.waybillNo,
      source: "event",
      categoryHint: opened.category,
      customer: { id: opened.customer.id, tier: opened.customer.tier },
      ...(opened.facts.declaredValue !== undefined
        ? { declaredValue: opened.facts.declaredValue }
        : {}),
      trigger: opened.trigger,
      openedAt: opened.createdAt,
    });
    metrics.addMetric("CasesOpened", "Count", 1);
    return `opened ${opened.caseId}`;
  }
  await publish(caseEventAttached, {
    caseId: opened.caseId,
    waybillNo: opened.waybillNo,
    category: opened.category,
    trigger: candidate.trigger,
    attachedAt: clock.nowIso(),
  });
  metrics.addMetric("EventsAttached", "Count", 1);
  return `attached to ${opened.caseId}`;
}
