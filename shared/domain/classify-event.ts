// Classification of cases opened from upstream delivery events (../domain.md "Classification").
// The text classifier for customer messages is a separate module (later issue).
import type { Category, CustomerTier, FeedbackType, Priority, Severity } from "./case.ts";

export interface ClassificationPolicy {
  /** Damage at or above this declared value (CNY) is severe. */
  readonly severeDeclaredValueCny: number;
}

export const DEFAULT_CLASSIFICATION_POLICY: ClassificationPolicy = { severeDeclaredValueCny: 500 };

export interface EventCaseFacts {
  readonly category: Category;
  readonly customerTier: CustomerTier;
  readonly declaredValue?: number;
}

export interface Classification {
  readonly category: Category;
  readonly severity: Severity;
  readonly priority: Priority;
  readonly feedbackType: FeedbackType;
  /** Human-readable reasons, kept on the case timeline so an agent sees why. */
  readonly reasons: readonly string[];
}

/** Category of the case an upstream event opens; null when the event opens no case. */
export function categoryForEvent(detailType: string, attempt?: number): Category | null {
  switch (detailType) {
    case "Parcel Delayed":
      return "delay";
    case "Parcel Damaged":
      return "damage";
    case "Parcel Lost":
      return "loss";
    case "Delivery Attempt Failed":
      return attempt !== undefined && attempt >= 2 ? "delay" : null;
    default:
      return null;
  }
}

export function classifyEventCase(
  facts: EventCaseFacts,
  policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY,
): Classification {
  const reasons: string[] = [];
  const severity = severityOf(facts, policy, reasons);
  const priority = priorityOf(facts.category, severity, reasons);
  return {
    category: facts.category,
    severity,
    priority,
    feedbackType: feedbackTypeOf(facts.category),
    reasons,
  };
}

function severityOf(
  facts: EventCaseFacts,
  policy: ClassificationPolicy,
  reasons: string[],
): Severity {
  if (facts.category === "loss") {
    reasons.push("loss → severe");
    return "severe";
  }
  const value = facts.declaredValue;
  if (
    facts.category === "damage" &&
    value !== undefined &&
    value >= policy.severeDeclaredValueCny
  ) {
    reasons.push(`declared value ${value} CNY ≥ ${policy.severeDeclaredValueCny} → severe`);
    return "severe";
  }
  if (facts.customerTier === "vip") {
    reasons.push("VIP customer → severe");
    return "severe";
  }
  reasons.push(`${facts.category} → general`);
  return "general";
}

function priorityOf(category: Category, severity: Severity, reasons: string[]): Priority {
  if (category === "loss" || category === "damage" || severity === "severe") {
    reasons.push(`${severity === "severe" ? "severe" : category} → urgent`);
    return "urgent";
  }
  if (category === "inquiry") {
    reasons.push("inquiry → routine");
    return "routine";
  }
  reasons.push(`${category} → high`);
  return "high";
}

/** Feedback type of an event-opened case: there is no customer text, so no complaint is stated. */
function feedbackTypeOf(category: Category): FeedbackType {
  if (category === "damage" || category === "loss") return "quality";
  if (category === "suggestion") return "suggestion";
  if (category === "inquiry" || category === "other") return "other";
  return "service";
}
