// The Case as the API shows it (contract §3; privacy.ts): the customer's name and phone masked
// for every role (the assigned agent reads them through GET /v1/cases/{caseId}/contact), and
// the words (message, resolution, waiting reason, the events' descriptions and reasons) masked
// for the caller. Ops get the masked words rather than none: oversight reads what customers
// complain about and what agents answered, and what identifies the customer is masked.
import type { Case, CaseCorrection, CaseSla } from "#shared/domain/case.ts";
import { maskName, maskPhone, maskTextFields } from "#shared/domain/masking.ts";
import type { Caller } from "./caller.ts";
import { maskerFor } from "./privacy.ts";
import type { caseSchema, ResponseOf } from "./schemas.ts";

export function caseView(c: Case, caller: Caller): ResponseOf<typeof caseSchema> {
  const mask = maskerFor(caller, [c.customer]);
  const words = (text: string | null | undefined) =>
    text === null || text === undefined ? null : mask(text);
  return {
    caseId: c.caseId,
    waybillNo: c.waybillNo,
    status: c.status,
    category: c.category,
    severity: c.severity,
    priority: c.priority,
    feedbackType: c.feedbackType,
    team: c.team,
    assignee: c.assignee,
    escalated: c.escalated,
    customer: {
      id: c.customer.id,
      name: maskName(c.customer.name),
      phone: maskPhone(c.customer.phone),
      tier: c.customer.tier,
    },
    source: c.source,
    channel: c.channel,
    sla: slaView(c.sla),
    escalationLevel: c.escalationLevel ?? 0,
    resolvedAt: c.resolvedAt ?? null,
    resolution: words(c.resolution),
    closedAt: c.closedAt ?? null,
    mergedInto: c.mergedInto ?? null,
    waitingReason: words(c.waitingReason),
    trigger: c.trigger,
    facts: maskTextFields(c.facts, mask),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    text: words(c.text),
    textSignals: c.textSignals ?? [],
    confidence: c.confidence ?? null,
    repeatOf: c.repeatOf ?? null,
    correction: c.correction ? correctionView(c.correction) : null,
    acceptance: c.acceptance ?? null,
    classifiedAt: c.classifiedAt,
    reclassifiedAt: c.reclassifiedAt ?? null,
    routedAt: c.routedAt,
    version: c.version,
  };
}

/** Every SLA field, null when not (yet) set, so a client reads one shape. */
function slaView(sla: CaseSla) {
  return {
    firstResponseDue: sla.firstResponseDue,
    resolutionDue: sla.resolutionDue,
    firstRespondedAt: sla.firstRespondedAt,
    breached: sla.breached,
    firstResponseWarnedAt: sla.firstResponseWarnedAt ?? null,
    firstResponseBreachedAt: sla.firstResponseBreachedAt ?? null,
    resolutionWarnedAt: sla.resolutionWarnedAt ?? null,
    resolutionBreachedAt: sla.resolutionBreachedAt ?? null,
    pausedAt: sla.pausedAt ?? null,
    pausedMinutes: sla.pausedMinutes ?? 0,
  };
}

function correctionView({ text: _text, ...correction }: CaseCorrection) {
  return correction;
}

export const etagOf = (c: Case) => `"${c.version}"`;
