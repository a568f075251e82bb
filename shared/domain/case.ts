// The case vocabulary (../domain.md): categories, severities, priorities, statuses.
// Pure: no AWS, no clock.

export const CATEGORIES = [
  "delay",
  "damage",
  "loss",
  "attitude",
  "information",
  "price",
  "suggestion",
  "inquiry",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ["severe", "general", "minor"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PRIORITIES = ["urgent", "high", "routine"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const FEEDBACK_TYPES = ["quality", "complaint", "suggestion", "service", "other"] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export const CASE_STATUSES = [
  "new",
  "queued",
  "assigned",
  "in_progress",
  "waiting",
  "resolved",
  "reopened",
  "closed",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CHANNELS = ["phone", "online", "email", "app"] as const;
export type Channel = (typeof CHANNELS)[number];

export type CustomerTier = "regular" | "vip";

/** What opened a case: an upstream event or (later) a customer's message. */
export interface CaseTrigger {
  readonly detailType: string;
  readonly eventId: string;
  readonly occurredAt: string;
}

export interface CaseCustomer {
  readonly id: string;
  readonly name: string | null;
  readonly phone: string | null;
  readonly tier: CustomerTier;
}

export interface CaseSla {
  readonly firstResponseDue: string | null;
  readonly resolutionDue: string | null;
  readonly firstRespondedAt: string | null;
  readonly breached: boolean;
}

/** A case as the system keeps it (full personal data; masking happens at the edges). */
export interface Case {
  readonly caseId: string;
  readonly waybillNo: string;
  readonly status: CaseStatus;
  readonly category: Category;
  readonly severity: Severity | null;
  readonly priority: Priority | null;
  readonly feedbackType: FeedbackType | null;
  readonly team: string | null;
  readonly assignee: string | null;
  readonly escalated: boolean;
  readonly customer: CaseCustomer;
  readonly source: "event" | "feedback";
  readonly channel: Channel | null;
  readonly sla: CaseSla;
  readonly trigger: CaseTrigger;
  /** Facts from the trigger that classification and analysis use. */
  readonly facts: CaseFacts;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly classifiedAt: string | null;
  /** When and why the case was last routed to its team/agent (assignment). */
  readonly routedAt: string | null;
  readonly routeReason: RouteReason | null;
  /** When the classification last changed after the first one (an attached event), if ever. */
  readonly reclassifiedAt?: string | null;
  /** Self-healing: re-drives of a case that stayed `new` (case-pipeline.ts), if any. */
  readonly redrive?: { readonly count: number; readonly nextCheckAt: string } | null;
  readonly version: number;
}

export const ROUTE_REASONS = [
  "vip-dedicated-agent",
  "least-loaded-agent",
  "no-agent-available",
  "no-team-for-category",
] as const;
export type RouteReason = (typeof ROUTE_REASONS)[number];

export interface CaseFacts {
  readonly declaredValue?: number;
  readonly orderId?: string;
  readonly outletId?: string;
  readonly courierId?: string;
  readonly region?: string;
  readonly attempt?: number;
  readonly reason?: string;
  readonly description?: string;
  readonly promisedAt?: string;
  readonly estimatedAt?: string;
  readonly lastScanAt?: string;
  readonly lastLocation?: string;
}
