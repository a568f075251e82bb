// Use case: a customer's message from a channel (POST /v1/cases). The words are classified;
// the message attaches to the open case of the same waybill and problem, or opens a new case
// (a repeat complaint when the same customer's case about the waybill was resolved within the
// repeat window). The case is stored classified, with SLA deadlines of the owning team, and
// Case Opened sends it on to assignment (classification confirms it from the stored evidence).
import { caseEventAttached } from "#events/index.ts";
import { announceOpened, classificationOf } from "#shared/adapters/case-announcements.ts";
import { makeMove } from "#shared/adapters/case-moves.ts";
import {
  addTimelineEntry,
  casesOfWaybill,
  deliveryOf,
  openOrAttach,
  updateCase,
} from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { config } from "#shared/adapters/config.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { listTeams } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import type { Case, CaseFacts } from "#shared/domain/case.ts";
import { withClassification } from "#shared/domain/case-classification.ts";
import { SYSTEM_ACTOR } from "#shared/domain/case-lifecycle.ts";
import { mergeEvidence, sameEvidence } from "#shared/domain/case-evidence.ts";
import { classifyMessage } from "#shared/domain/classifier/index.ts";
import {
  type CustomerMessage,
  caseFromMessage,
  isComplaint,
  repeatedCase,
} from "#shared/domain/feedback-case.ts";
import { teamPolicy } from "#shared/domain/team-policy.ts";

export type Accepted =
  | { readonly outcome: "opened"; readonly case: Case }
  | { readonly outcome: "attached"; readonly case: Case };

export async function acceptMessage(message: CustomerMessage): Promise<Accepted> {
  const policy = { severeDeclaredValueCny: config.severeDeclaredValueCny() };
  const context = { customerTier: message.customer.tier, channel: message.channel };
  const reading = classifyMessage(message.text, context, policy);
  const earlier =
    message.waybillNo && isComplaint(reading)
      ? repeatedCase(message.customer.id, await casesOfWaybill(message.waybillNo), clock.now())
      : null;

  const now = clock.now();
  const opened = caseFromMessage(message, reading, earlier?.caseId ?? null, now);
  // Where the parcel was handled, so the complaint counts for its outlet, courier and region.
  const candidate = { ...opened, facts: { ...opened.facts, ...(await placeOfWaybill(message)) } };
  const { calendar, sla } = teamPolicy(candidate.category, await listTeams());
  const classified =
    withClassification(candidate, classificationOf(candidate), now.toISOString(), calendar, sla) ??
    candidate;

  const result = await openOrAttach(classified);
  if (result.outcome === "opened") {
    await announceOpened(result.case);
    if (earlier) await linkRepeat(earlier, result.case);
    metrics.addMetric("FeedbackCasesOpened", "Count", 1);
    metrics.addMetric("AcceptanceTime", "Milliseconds", 1000 * acceptanceSeconds(result.case));
    return result;
  }

  const receivedAt = message.receivedAt.toISOString();
  const { case: merged } = await updateCase(result.case.caseId, (current) => {
    const evidence = mergeEvidence(current, candidate);
    const seen = (current.lastCustomerMessageAt ?? "") >= receivedAt;
    if (sameEvidence(evidence, current) && seen) return null;
    return {
      ...current,
      ...evidence,
      lastCustomerMessageAt: seen ? current.lastCustomerMessageAt : receivedAt,
      updatedAt: clock.nowIso(),
    };
  });
  // The customer answered: a case waiting on them resumes (its resolution clock runs again).
  const resumed =
    merged.status === "waiting"
      ? await makeMove(
          merged,
          {
            type: "customer-message",
            actor: SYSTEM_ACTOR,
            at: clock.nowIso(),
            messageId: message.messageId,
          },
          await listTeams(),
        )
      : null;
  // Published even when nothing changed: a retry after a crash must still reach classification.
  await publish(caseEventAttached, {
    caseId: merged.caseId,
    waybillNo: merged.waybillNo,
    category: merged.category,
    trigger: candidate.trigger,
    attachedAt: clock.nowIso(),
  });
  metrics.addMetric("MessagesAttached", "Count", 1);
  return { outcome: "attached", case: resumed?.ok ? resumed.case : merged };
}

/** The earlier case's timeline points to its repeat (the new case points back: `repeatOf`). */
function linkRepeat(earlier: Case, repeat: Case): Promise<boolean> {
  return addTimelineEntry(earlier.caseId, {
    at: repeat.createdAt,
    key: `repeat#${repeat.caseId}`,
    kind: "repeat-complaint",
    summary: `Repeat complaint: ${repeat.caseId}`,
    data: { caseId: repeat.caseId },
  });
}

const acceptanceSeconds = (c: Case) => c.acceptance?.seconds ?? 0;

/** The outlet, courier and region of the message's waybill: from its delivery, or its cases. */
async function placeOfWaybill(message: CustomerMessage): Promise<Partial<CaseFacts>> {
  if (!message.waybillNo) return {};
  const known =
    (await deliveryOf(message.waybillNo)) ??
    (await casesOfWaybill(message.waybillNo, 1))[0]?.facts ??
    {};
  return {
    ...(known.outletId ? { outletId: known.outletId } : {}),
    ...(known.courierId ? { courierId: known.courierId } : {}),
    ...(known.region ? { region: known.region } : {}),
  };
}
