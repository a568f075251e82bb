// The Case as the API shows it (contract §3): phone numbers masked; names too for ops, who
// read cases for oversight, not to call the customer; and for ops no customer words at all
// (free text can hold any personal data, which no mask can find reliably).
import type { Case, CaseCorrection, CaseSla } from "#shared/domain/case.ts";
import { maskName, maskPhone } from "#shared/domain/masking.ts";
import type { Caller } from "./caller.ts";

export function caseView(c: Case, caller: Caller) {
  const nameVisible = caller.roles.some((role) => role !== "ops");
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
      name: nameVisible ? c.customer.name : maskName(c.customer.name),
      phone: maskPhone(c.customer.phone),
      tier: c.customer.tier,
    },
    source: c.source,
    channel: c.channel,
    sla: slaView(c.sla),
    escalationLevel: c.escalationLevel ?? 0,
    resolvedAt: c.resolvedAt ?? null,
    resolution: nameVisible ? (c.resolution ?? null) : null,
    closedAt: c.closedAt ?? null,
    mergedInto: c.mergedInto ?? null,
    waitingReason: nameVisible ? (c.waitingReason ?? null) : null,
    trigger: c.trigger,
    facts: c.facts,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    text: nameVisible ? (c.text ?? null) : null,
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
