// Use case: the reconciliation sweep. Cases still `new` past their check time (an index query,
// no Scan) get their missing step re-driven — Case Opened again when classification never
// happened, Case Classified again when routing never happened — and their next check pushed
// back (case-pipeline.ts), so a case that keeps failing is retried ever more rarely, not lost.
import { caseOpened } from "#events/index.ts";
import {
  announceClassified,
  announceOpened,
  classificationOf,
} from "#shared/adapters/case-announcements.ts";
import { addTimelineEntry, listStalledCases, updateCase } from "#shared/adapters/case-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { missingStep, nextRedrive } from "#shared/domain/case-pipeline.ts";

/** Cases looked at per tick; more wait for the next minute (the oldest first). */
const CASES_PER_SWEEP = 100;

export async function redriveStalledCases(now: Date): Promise<string> {
  const stalled = await listStalledCases(now, CASES_PER_SWEEP);
  let redriven = 0;
  for (const candidate of stalled) {
    // The index is eventually consistent: decide on the case as it is now.
    const { case: c, changed } = await updateCase(candidate.caseId, (current) => {
      const redrive = nextRedrive(current, now);
      return redrive ? { ...current, redrive } : null;
    });
    if (!changed) continue;
    const step = missingStep(c);
    await addTimelineEntry(c.caseId, {
      at: now.toISOString(),
      key: `redrive#${c.redrive?.count}`,
      kind: "redriven",
      summary: `Stalled in ${c.status}: ${step === "classify" ? `${caseOpened.detailType} sent again` : "routing requested again"}`,
      data: { step, attempt: c.redrive?.count },
    });
    if (step === "classify") await announceOpened(c);
    else await announceClassified(c, classificationOf(c).reasons, { force: true });
    redriven++;
  }
  if (redriven) metrics.addMetric("CasesRedriven", "Count", redriven);
  return `swept ${stalled.length} stalled, re-drove ${redriven}`;
}
