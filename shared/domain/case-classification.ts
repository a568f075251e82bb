// What a case becomes when its classification is (re)computed: the new category, severity,
// priority and feedback type with SLA deadlines for that priority from when it opened, or null
// when nothing changes. The first classification sets `classifiedAt`; a later change sets
// `reclassifiedAt`. Pure: the time, the calendar and the team's SLA policy are passed in.
import type { BusinessCalendar } from "./business-time.ts";
import type { Case } from "./case.ts";
import type { Classification } from "./classify-event.ts";
import { DEFAULT_SLA_POLICY, type SlaPolicy, slaDeadlines } from "./sla.ts";

export function withClassification(
  current: Case,
  next: Classification,
  at: string,
  calendar: BusinessCalendar,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): Case | null {
  const same =
    current.category === next.category &&
    current.severity === next.severity &&
    current.priority === next.priority &&
    current.feedbackType === next.feedbackType;
  if (current.classifiedAt && same) return null;
  return {
    ...current,
    category: next.category,
    severity: next.severity,
    priority: next.priority,
    feedbackType: next.feedbackType,
    sla: {
      ...current.sla,
      ...slaDeadlines(next.priority, new Date(current.createdAt), calendar, policy),
    },
    classifiedAt: current.classifiedAt ?? at,
    ...(current.classifiedAt ? { reclassifiedAt: at } : {}),
    updatedAt: at,
  };
}
