// The Case as the API shows it (contract §3): phone numbers masked; names too for ops,
// who read cases for oversight, not to call the customer.
import type { Case } from "#shared/domain/case.ts";
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
    sla: c.sla,
    trigger: c.trigger,
    facts: c.facts,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    classifiedAt: c.classifiedAt,
    routedAt: c.routedAt,
    version: c.version,
  };
}

export const etagOf = (c: Case) => `"${c.version}"`;
