// The domain events that move a case along, built from the case as stored. Shared by the
// function that takes the step and by the sweeper that re-drives a step that was lost, so a
// re-drive says exactly what the first announcement said.
import { caseClassified, caseOpened, caseReclassified } from "#events/index.ts";
import type { Case } from "#shared/domain/case.ts";
import { type Classification, decide } from "#shared/domain/classifier/decide.ts";
import { SIGNALS, type Signal } from "#shared/domain/classifier/read-text.ts";
import { addTimelineEntry, hasTimelineEntry } from "./case-store.ts";
import { config } from "./config.ts";
import { publish } from "./event-publisher.ts";

/**
 * What the case's evidence says it is, under the configured policy: its category (from the
 * event type, the customer's words, or an agent's correction), the signals of every text on
 * it, the customer, the declared value, whether it repeats an earlier case — and an agent's
 * corrected severity, which wins over the rules.
 */
export function classificationOf(c: Case): Classification {
  return decide(
    {
      category: c.category,
      signals: (c.textSignals ?? []).filter(isSignal),
      customerTier: c.customer.tier,
      ...(c.facts.declaredValue !== undefined ? { declaredValue: c.facts.declaredValue } : {}),
      repeat: Boolean(c.repeatOf),
      deliveryException: c.source === "event",
      ...(c.correction?.severity ? { correctedSeverity: c.correction.severity.to } : {}),
    },
    { severeDeclaredValueCny: config.severeDeclaredValueCny() },
  );
}

const isSignal = (s: string): s is Signal => (SIGNALS as readonly string[]).includes(s);

/** Case Opened: classification picks the case up. */
export function announceOpened(c: Case): Promise<void> {
  return publish(caseOpened, {
    caseId: c.caseId,
    waybillNo: c.waybillNo,
    source: c.source,
    ...(c.channel ? { channel: c.channel } : {}),
    categoryHint: c.category,
    customer: { id: c.customer.id, tier: c.customer.tier },
    ...(c.facts.declaredValue !== undefined ? { declaredValue: c.facts.declaredValue } : {}),
    trigger: c.trigger,
    openedAt: c.createdAt,
  });
}

/**
 * Case Classified, then its timeline entry (keyed by the classification time). The entry's
 * presence proves the event went out, so a repeat publishes nothing again — unless `force`d by
 * the sweeper, which re-drives a case whose event went out but was lost on the way.
 */
export async function announceClassified(
  c: Case,
  reasons: readonly string[],
  { force = false } = {},
): Promise<void> {
  const at = c.classifiedAt as string;
  if (!force && (await hasTimelineEntry(c.caseId, at, "classified"))) return;
  await publish(caseClassified, {
    caseId: c.caseId,
    waybillNo: c.waybillNo,
    category: c.category,
    severity: c.severity ?? "general",
    priority: c.priority ?? "high",
    feedbackType: c.feedbackType ?? "service",
    customer: { id: c.customer.id, tier: c.customer.tier },
    sla: deadlinesOf(c),
    reasons: [...reasons],
    classifiedAt: at,
  });
  await addTimelineEntry(c.caseId, {
    at,
    key: "classified",
    kind: "classified",
    summary: `Classified ${c.category}, ${c.severity}, ${c.priority}`,
    data: { reasons },
  });
}

/**
 * Case Reclassified, then its timeline entry (keyed by the change's time), with the same rule:
 * a repeat that finds the entry publishes nothing, unless `force`d (the change just saved).
 */
export async function announceReclassified(
  before: Case,
  after: Case,
  reasons: readonly string[],
  { force = false } = {},
): Promise<void> {
  const at = after.reclassifiedAt as string;
  if (!force && (await hasTimelineEntry(after.caseId, at, "reclassified"))) return;
  const from = classificationFields(before);
  const to = classificationFields(after);
  await publish(caseReclassified, {
    caseId: after.caseId,
    waybillNo: after.waybillNo,
    category: after.category,
    from,
    to,
    sla: deadlinesOf(after),
    reasons: [...reasons],
    ...(after.correction?.at === at ? { correctedBy: after.correction.by } : {}),
    reclassifiedAt: at,
  });
  await addTimelineEntry(after.caseId, {
    at,
    key: "reclassified",
    kind: "reclassified",
    summary: `Reclassified ${from.category}/${from.severity}/${from.priority} → ${to.category}/${to.severity}/${to.priority}`,
    data: { from, to, reasons },
  });
}

function classificationFields(c: Case) {
  return {
    category: c.category,
    severity: c.severity ?? "general",
    priority: c.priority ?? "high",
    feedbackType: c.feedbackType ?? "service",
  };
}

/** The deadlines of a classified case (classification always sets both). */
function deadlinesOf(c: Case) {
  return {
    firstResponseDue: c.sla.firstResponseDue as string,
    resolutionDue: c.sla.resolutionDue as string,
  };
}
