// What a case becomes when its classification is (re)computed: the new category, severity,
// priority and feedback type with SLA deadlines for that priority from when it opened, or null
// when nothing changes. The first classification sets `classifiedAt`; a later change sets
// `reclassifiedAt`. Time the case already spent waiting (its resolution clock paused) still
// counts in its favour, and the SLA watch's next check follows the new deadlines.
// Pure: the time, the calendar and the team's SLA policy are passed in.
import { addBusinessMinutes, type BusinessCalendar } from "./business-time.ts";
import type { Case } from "./case.ts";
import type { Classification } from "./classify-event.ts";
import { DEFAULT_SLA_POLICY, type SlaPolicy, slaDeadlines } from "./sla.ts";
import { nextSlaCheckAt } from "./sla-watch.ts";

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
  const deadlines = slaDeadlines(
    next.priority,
    new Date(current.createdAt),
    calendar,
    policy,
    current.channel,
  );
  const paused = current.sla.pausedMinutes ?? 0;
  const classified: Case = {
    ...current,
    category: next.category,
    severity: next.severity,
    priority: next.priority,
    feedbackType: next.feedbackType,
    sla: {
      ...current.sla,
      firstResponseDue: deadlines.firstResponseDue,
      resolutionDue:
        paused > 0
          ? addBusinessMinutes(new Date(deadlines.resolutionDue), paused, calendar).toISOString()
          : deadlines.resolutionDue,
    },
    classifiedAt: current.classifiedAt ?? at,
    ...(current.classifiedAt ? { reclassifiedAt: at } : {}),
    updatedAt: at,
  };
  return {
    ...classified,
    sla: { ...classified.sla, nextCheckAt: nextSlaCheckAt(classified, calendar) },
  };
}
