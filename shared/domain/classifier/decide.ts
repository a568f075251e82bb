// From a category, what the words signal and who the customer is, to severity, priority and
// feedback type — exactly the rules of ../../domain.md "Classification". Pure.
import type { Category, CustomerTier, FeedbackType, Priority, Severity } from "../case.ts";
import type { Signal } from "./read-text.ts";

export interface ClassificationPolicy {
  /** Damage at or above this declared value (CNY) is severe. */
  readonly severeDeclaredValueCny: number;
}

export const DEFAULT_CLASSIFICATION_POLICY: ClassificationPolicy = { severeDeclaredValueCny: 500 };

export interface Classification {
  readonly category: Category;
  readonly severity: Severity;
  readonly priority: Priority;
  readonly feedbackType: FeedbackType;
  /** Human-readable reasons, kept on the case timeline so an agent sees why. */
  readonly reasons: readonly string[];
}

export interface DecisionInput {
  readonly category: Category;
  readonly signals: readonly Signal[];
  readonly customerTier: CustomerTier;
  /** CNY. */
  readonly declaredValue?: number;
  /** A repeat complaint: the system found an earlier resolved case. */
  readonly repeat?: boolean;
  /** The case was opened by an upstream exception event, not by the customer's words. */
  readonly deliveryException?: boolean;
  /** An agent's correction of the severity: it wins over the rules (priority follows from it). */
  readonly correctedSeverity?: Severity;
}

/** Categories that always have feedback type `quality`. */
const QUALITY: readonly Category[] = ["damage", "loss"];
/** Categories whose cases affect the customer (`general` unless something makes them severe). */
const GENERAL: readonly Category[] = ["delay", "damage", "attitude", "information", "price"];

export function decide(
  input: DecisionInput,
  policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY,
): Classification {
  const reasons: string[] = [];
  const has = (s: Signal): boolean => input.signals.includes(s);
  const complaintStated = has("complaint") || has("demand") || has("outside-escalation");
  const feedbackType = feedbackTypeOf(input.category, complaintStated, reasons);
  const severity = severityOf(input, policy, complaintStated, reasons);
  const priority = priorityOf(input.category, severity, feedbackType, reasons);
  return { category: input.category, severity, priority, feedbackType, reasons };
}

function feedbackTypeOf(
  category: Category,
  complaintStated: boolean,
  reasons: string[],
): FeedbackType {
  if (QUALITY.includes(category)) return "quality";
  if (complaintStated) {
    reasons.push("complaint or demand stated → feedback type complaint");
    return "complaint";
  }
  if (category === "suggestion") return "suggestion";
  if (category === "inquiry" || category === "other") return "other";
  return "service";
}

function severityOf(
  input: DecisionInput,
  policy: ClassificationPolicy,
  complaintStated: boolean,
  reasons: string[],
): Severity {
  const { category, declaredValue: value, signals } = input;
  if (input.correctedSeverity) {
    reasons.push(`severity corrected by an agent → ${input.correctedSeverity}`);
    return input.correctedSeverity;
  }
  if (category === "loss") {
    reasons.push("loss → severe");
    return "severe";
  }
  if (category === "damage" && value !== undefined && value >= policy.severeDeclaredValueCny) {
    reasons.push(`declared value ${value} CNY ≥ ${policy.severeDeclaredValueCny} → severe`);
    return "severe";
  }
  if (signals.includes("outside-escalation")) {
    reasons.push("threat to take it outside the company → severe");
    return "severe";
  }
  if (input.repeat) {
    reasons.push("repeat complaint → severe");
    return "severe";
  }
  // The customer's own words say it is a complaint made again ("第三次投诉", "complained before").
  if (
    signals.includes("stated-repeat") &&
    (signals.includes("complaint") || signals.includes("demand"))
  ) {
    reasons.push("complaint stated as made again → severe");
    return "severe";
  }
  // A VIP customer with a complaint or demand. An upstream delivery-exception event counts like
  // a demand here, as it always has: a VIP's delayed, damaged or lost parcel is severe before
  // the customer has to ask.
  if (input.customerTier === "vip" && (complaintStated || input.deliveryException)) {
    reasons.push(
      input.deliveryException && !complaintStated
        ? "VIP customer, delivery exception → severe"
        : "VIP customer with a complaint or demand → severe",
    );
    return "severe";
  }
  if (GENERAL.includes(category)) {
    reasons.push(`${category} → general`);
    return "general";
  }
  // A stated complaint about anything else still affects the customer.
  if (complaintStated) {
    reasons.push(`${category} with a complaint → general`);
    return "general";
  }
  reasons.push(`${category} → minor`);
  return "minor";
}

function priorityOf(
  category: Category,
  severity: Severity,
  feedbackType: FeedbackType,
  reasons: string[],
): Priority {
  if (QUALITY.includes(category) || severity === "severe") {
    reasons.push(`${severity === "severe" ? "severe" : category} → urgent`);
    return "urgent";
  }
  if (feedbackType === "complaint") {
    reasons.push("complaint → high");
    return "high";
  }
  if (category === "inquiry" || category === "other") {
    reasons.push(`${category} → routine`);
    return "routine";
  }
  reasons.push(`${category} → high`);
  return "high";
}
