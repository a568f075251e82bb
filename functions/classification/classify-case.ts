// Use case: classify a case from what its events say, and keep it up to date as events attach.
// - A new case gets its category, severity, priority, feedback type and SLA deadlines.
// - An attached event may change that (its facts were merged into the case): the change is saved
//   with recomputed deadlines, a timeline entry and a Case Reclassified event.
// Safe to repeat and to run in any order: the result depends only on the case's merged evidence.
import { caseReclassified } from "#events/index.ts";
import { announceClassified, classificationOf } from "#shared/adapters/case-announcements.ts";
import { addTimelineEntry, hasTimelineEntry, updateCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { DEFAULT_CALENDAR } from "#shared/domain/business-time.ts";
import type { Case } from "#shared/domain/case.ts";
import type { Classification } from "#shared/domain/classify-event.ts";
import { slaDeadlines } from "#shared/domain/sla.ts";

export async function classifyCase(caseId: string): Promise<string> {
  let previous: Case | undefined;
  const { case: saved, changed } = await updateCase(caseId, (current) => {
    previous = current;
    const next = classificationOf(current);
    if (current.classifiedAt && sameClassification(current, next)) return null;
    const at = clock.nowIso();
    return {
      ...current,
      category: next.category,
      severity: next.severity,
      priority: next.priority,
      feedbackType: next.feedbackType,
      sla: {
        ...current.sla,
        ...slaDeadlines(next.priority, new Date(current.createdAt), DEFAULT_CALENDAR),
      },
      classifiedAt: current.classifiedAt ?? at,
      ...(current.classifiedAt ? { reclassifiedAt: at } : {}),
      updatedAt: at,
    };
  });
  const reasons = classificationOf(saved).reasons;
  const before = previous as Case;

  if (changed && before.classifiedAt) {
    await announceReclassified(before, saved, reasons);
    metrics.addMetric("CasesReclassified", "Count", 1);
    return `reclassified ${caseId} ${describe(before)} → ${describe(saved)}`;
  }
  if (changed) {
    await announceClassified(saved, reasons, { force: true });
    metrics.addMetric("CasesClassified", "Count", 1);
    return `classified ${caseId} ${describe(saved)}`;
  }
  // Nothing changed: a repeat. Finish what an interrupted earlier run may have left undone.
  await announceClassified(saved, reasons);
  if (saved.reclassifiedAt) await reannounceReclassified(saved, reasons);
  return `unchanged ${caseId} ${describe(saved)}`;
}

function sameClassification(c: Case, next: Classification): boolean {
  return (
    c.category === next.category &&
    c.severity === next.severity &&
    c.priority === next.priority &&
    c.feedbackType === next.feedbackType
  );
}

function describe(c: Case): string {
  return `${c.category}/${c.severity}/${c.priority}`;
}

const RECLASSIFIED = "reclassified";

/**
 * Case Reclassified first, then its timeline entry: the entry's presence proves the event went
 * out, so a repeat that finds it publishes nothing (the entry is keyed by the change's time).
 */
async function announceReclassified(before: Case, after: Case, reasons: readonly string[]) {
  const at = after.reclassifiedAt as string;
  await publish(caseReclassified, {
    caseId: after.caseId,
    waybillNo: after.waybillNo,
    category: after.category,
    from: classificationFields(before),
    to: classificationFields(after),
    sla: {
      firstResponseDue: after.sla.firstResponseDue as string,
      resolutionDue: after.sla.resolutionDue as string,
    },
    reasons: [...reasons],
    reclassifiedAt: at,
  });
  await addTimelineEntry(after.caseId, {
    at,
    key: RECLASSIFIED,
    kind: "reclassified",
    summary: `Reclassified ${describe(before)} → ${describe(after)}`,
    data: { from: classificationFields(before), to: classificationFields(after), reasons },
  });
}

/** A repeat after a crash between the save and the announcement: announce the change then. */
async function reannounceReclassified(c: Case, reasons: readonly string[]) {
  const at = c.reclassifiedAt as string;
  if (await hasTimelineEntry(c.caseId, at, RECLASSIFIED)) return;
  // What it was before is no longer known exactly; the event says what it is now on both sides.
  await announceReclassified(c, c, reasons);
}

function classificationFields(c: Case) {
  return {
    severity: c.severity ?? "general",
    priority: c.priority ?? "high",
    feedbackType: c.feedbackType ?? "service",
  };
}
