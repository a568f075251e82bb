// Use case: classify a new case and set its SLA deadlines. Safe to repeat: a case already
// classified is not classified again, only its Case Classified event is published again.
import { caseClassified } from "#events/index.ts";
import { addTimelineEntry, getCase, saveCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { config } from "#shared/adapters/config.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { DEFAULT_CALENDAR } from "#shared/domain/business-time.ts";
import type { Case } from "#shared/domain/case.ts";
import { classifyEventCase } from "#shared/domain/classify-event.ts";
import { slaDeadlines } from "#shared/domain/sla.ts";

export async function classifyCase(caseId: string): Promise<string> {
  const current = await getCase(caseId);
  if (!current) throw new Error(`Case ${caseId} not found (yet); retrying`);
  const classification = classificationOf(current);
  if (current.classifiedAt) {
    await announce(current, classification.reasons);
    return `already classified ${caseId}`;
  }

  const at = clock.nowIso();
  const deadlines = slaDeadlines(
    classification.priority,
    new Date(current.createdAt),
    DEFAULT_CALENDAR,
  );
  const classified = await saveCase(
    {
      ...current,
      category: classification.category,
      severity: classification.severity,
      priority: classification.priority,
      feedbackType: classification.feedbackType,
      sla: { ...current.sla, ...deadlines },
      classifiedAt: at,
      updatedAt: at,
    },
    current.version,
  );
  await announce(classified, classification.reasons);
  metrics.addMetric("CasesClassified", "Count", 1);
  return `classified ${caseId} ${classification.category}/${classification.severity}/${classification.priority}`;
}

function classificationOf(c: Case) {
  return classifyEventCase(
    {
      category: c.category,
      customerTier: c.customer.tier,
      ...(c.facts.declaredValue !== undefined ? { declaredValue: c.facts.declaredValue } : {}),
    },
    { severeDeclaredValueCny: config.severeDeclaredValueCny() },
  );
}

/** Timeline entry and event, both keyed by the classification time so a retry repeats nothing. */
async function announce(c: Case, reasons: readonly string[]): Promise<void> {
  const at = c.classifiedAt as string;
  await addTimelineEntry(c.caseId, {
    at,
    key: "classified",
    kind: "classified",
    summary: `Classified ${c.category}, ${c.severity}, ${c.priority}`,
    data: { reasons },
  });
  await publish(caseClassified, {
    caseId: c.caseId,
    waybillNo: c.waybillNo,
    category: c.category,
    severity: c.severity ?? "general",
    priority: c.priority ?? "high",
    feedbackType: c.feedbackType ?? "service",
    customer: { id: c.customer.id, tier: c.customer.tier },
    sla: {
      firstResponseDue: c.sla.firstResponseDue as string,
      resolutionDue: c.sla.resolutionDue as string,
    },
    reasons: [...reasons],
    classifiedAt: at,
  });
}
