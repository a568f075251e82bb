// Use case: classify a case from what its events say, and keep it up to date as events attach.
// - A new case gets its category, severity, priority, feedback type and SLA deadlines.
// - An attached event may change that (its facts were merged into the case): the change is saved
//   with recomputed deadlines, a timeline entry and a Case Reclassified event.
// Safe to repeat and to run in any order: the result depends only on the case's merged evidence.
import {
  announceClassified,
  announceReclassified,
  classificationOf,
} from "#shared/adapters/case-announcements.ts";
import { updateCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { recentTeams } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import type { Case } from "#shared/domain/case.ts";
import { withClassification } from "#shared/domain/case-classification.ts";
import { teamPolicy } from "#shared/domain/team-policy.ts";

export async function classifyCase(caseId: string): Promise<string> {
  const teams = await recentTeams();
  let before: Case | undefined;
  const { case: saved, changed } = await updateCase(caseId, (current) => {
    before = current;
    // Deadlines run on the calendar and SLA targets of the team that owns the category.
    const { calendar, sla } = teamPolicy(current.category, teams);
    return withClassification(current, classificationOf(current), clock.nowIso(), calendar, sla);
  });
  const reasons = classificationOf(saved).reasons;

  if (changed && before?.classifiedAt) {
    await announceReclassified(before, saved, reasons, { force: true });
    metrics.addMetric("CasesReclassified", "Count", 1);
    return `reclassified ${caseId} ${describe(before)} → ${describe(saved)}`;
  }
  if (changed) {
    await announceClassified(saved, reasons, { force: true });
    metrics.addMetric("CasesClassified", "Count", 1);
    return `classified ${caseId} ${describe(saved)}`;
  }
  // Nothing changed: a repeat. Finish what an interrupted earlier run may have left unsaid
  // (what the case was before a lost reclassification is not known any more: both sides are now).
  await announceClassified(saved, reasons);
  if (saved.reclassifiedAt) await announceReclassified(saved, saved, reasons);
  return `unchanged ${caseId} ${describe(saved)}`;
}

function describe(c: Case): string {
  return `${c.category}/${c.severity}/${c.priority}`;
}
