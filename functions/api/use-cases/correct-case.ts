// Use case: an agent corrects what the rules made of a case (PATCH /v1/cases/{caseId}).
// Validate, then act: every check (access, version, status, the new category's slot) comes
// before the first write. The case keeps the correction (who, when, from → to, and the text it
// concerned); a new category moves the open-case slot and, when another team owns it, sends the
// case to that team's queue (Case Reclassified: assignment hands it out). Each correction is
// also kept under its day for `npm run -s corrections` (labelled lines to improve the rules).
import { announceReclassified, classificationOf } from "#shared/adapters/case-announcements.ts";
import {
  addTimelineEntry,
  claimGuard,
  getCase,
  putCorrectionRecord,
  releaseGuard,
  saveCase,
  VersionConflictError,
} from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { listTeams, releaseCapacity } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import {
  type Case,
  type CaseCorrection,
  type Category,
  type Severity,
} from "#shared/domain/case.ts";
import { withClassification } from "#shared/domain/case-classification.ts";
import { checkAction } from "#shared/domain/case-lifecycle.ts";
import { teamPolicy } from "#shared/domain/team-policy.ts";
import type { Caller } from "../caller.ts";
import { HttpError } from "../http.ts";

export interface CorrectionRequest {
  readonly category?: Category;
  readonly severity?: Severity;
}

export async function correctCase(
  caseId: string,
  request: CorrectionRequest,
  caller: Caller,
  expectedVersion: number,
): Promise<Case> {
  const current = await getCase(caseId);
  if (!current) throw new HttpError(404, "Not Found", `No case ${caseId}`);
  const teams = await listTeams();
  // Who may correct, and from which status: the lifecycle's rule for `correct`.
  const refused = checkAction(current, "correct", caller, teams);
  if (refused && refused.status === 403) throw new HttpError(403, "Forbidden", refused.reason);
  if (current.version !== expectedVersion)
    throw new HttpError(412, "Precondition Failed", staleDetail(current));
  if (refused) throw new HttpError(409, "Conflict", refused.reason);
  if (!current.classifiedAt)
    throw new HttpError(409, "Conflict", "The case is not classified yet; try again in a moment");

  const category = request.category ?? current.category;
  const categoryChanged = category !== current.category;
  const severityChanged = request.severity !== undefined && request.severity !== current.severity;
  if (!categoryChanged && !severityChanged) return current;

  const at = clock.nowIso();
  const policy = teamPolicy(category, teams);
  const next = corrected(current, request, category, caller.userId, at, policy);
  const waybillNo = current.waybillNo;
  if (categoryChanged && waybillNo) {
    const holder = await claimGuard(waybillNo, category, caseId);
    if (holder !== caseId)
      throw new HttpError(
        409,
        "Conflict",
        `Waybill ${waybillNo} already has an open ${category} case, ${holder}: merge into it instead`,
      );
  }

  let saved: Case;
  try {
    saved = await saveCase(next, expectedVersion);
  } catch (error) {
    if (categoryChanged && waybillNo) await releaseGuard(waybillNo, category, caseId);
    if (error instanceof VersionConflictError)
      throw new HttpError(412, "Precondition Failed", "The case changed meanwhile; read it again");
    throw error;
  }
  await afterCorrection(current, saved, at);
  metrics.addMetric("CasesCorrected", "Count", 1);
  return saved;
}

/** The case with the correction applied, re-classified and, when its team changes, re-queued. */
function corrected(
  current: Case,
  request: CorrectionRequest,
  category: Category,
  by: string,
  at: string,
  policy: ReturnType<typeof teamPolicy>,
): Case {
  const previous = current.correction;
  const correction: CaseCorrection = {
    by,
    at,
    ...(category !== current.category
      ? { category: { from: current.category, to: category } }
      : previous?.category
        ? { category: previous.category }
        : {}),
    ...(request.severity && request.severity !== current.severity
      ? { severity: { from: current.severity, to: request.severity } }
      : previous?.severity
        ? { severity: previous.severity }
        : {}),
    text: current.text ?? current.facts.description ?? null,
  };
  const classification = classificationOf({ ...current, category, correction });
  // Measured against the case as it was, so that a new category alone counts as a change.
  const reclassified = withClassification(current, classification, at, policy.calendar, policy.sla);
  const next: Case = {
    ...(reclassified ?? { ...current, category }),
    correction,
    reclassifiedAt: at,
    updatedAt: at,
  };
  const newTeam = policy.team?.teamId ?? null;
  if (current.status === "new" || newTeam === current.team) return next;
  return {
    ...next,
    status: "queued",
    team: newTeam,
    assignee: null,
    routedAt: at,
    routeReason: "category-corrected",
  };
}

/** Everything after the saved correction; each step is safe to repeat. */
async function afterCorrection(before: Case, after: Case, at: string): Promise<void> {
  const correction = after.correction as CaseCorrection;
  if (correction.category && before.category !== after.category && before.waybillNo)
    await releaseGuard(before.waybillNo, before.category, before.caseId);
  if (before.assignee && after.assignee === null)
    await releaseCapacity(before.assignee, before.caseId, at);
  await putCorrectionRecord({
    caseId: after.caseId,
    version: after.version,
    at,
    by: correction.by,
    text: correction.text,
    channel: after.channel,
    context: {
      customerTier: after.customer.tier,
      ...(after.facts.declaredValue !== undefined
        ? { declaredValue: after.facts.declaredValue }
        : {}),
      ...(after.repeatOf ? { repeat: true } : {}),
    },
    from: { category: before.category, severity: before.severity },
    expected: {
      category: after.category,
      severity: after.severity ?? "general",
      feedbackType: after.feedbackType,
    },
  });
  const rerouted = after.team !== before.team;
  await addTimelineEntry(after.caseId, {
    at,
    key: `corrected#v${after.version}`,
    kind: "corrected",
    actor: correction.by,
    summary:
      `Corrected to ${after.category}/${after.severity}` +
      (rerouted ? `; sent to the ${after.team ?? "unowned"} queue` : ""),
    data: {
      from: { category: before.category, severity: before.severity, team: before.team },
      to: { category: after.category, severity: after.severity, team: after.team },
    },
  });
  await announceReclassified(before, after, classificationOf(after).reasons, { force: true });
}

const staleDetail = (c: Case) =>
  `The case is at version ${c.version} (ETag "${c.version}"); read it again before correcting`;
