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

/** Resolved and closed cases are no longer open: a new event or message opens a new case. */
export const isOpenStatus = (status: CaseStatus): boolean =>
  status !== "resolved" && status !== "closed";

export const CHANNELS = ["phone", "online", "email", "app"] as const;
export type Channel = (typeof CHANNELS)[number];

export type CustomerTier = "regular" | "vip";

/** The time zone of a customer who named none (calls and notices keep to its daytime). */
export const DEFAULT_CUSTOMER_TIME_ZONE = "Asia/Shanghai";

/** What opened a case: an upstream event, or a customer's message (detailType "Customer Message"). */
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
  /** IANA time zone (calls and notices keep to the customer's daytime); absent: Asia/Shanghai. */
  readonly timeZone?: string;
  /** Agreed to be called outside working hours about an urgent case (follow-up window). */
  readonly outOfHoursCallsAgreed?: boolean;
  /**
   * When an admin erased the customer's personal data (erasure.ts): name and phone are null
   * from then on, and events attached later keep them out (case-evidence.ts).
   */
  readonly erasedAt?: string;
}

export interface CaseSla {
  readonly firstResponseDue: string | null;
  /** Moves later by the business time the case spent `waiting` (the clock pauses). */
  readonly resolutionDue: string | null;
  readonly firstRespondedAt: string | null;
  /** True once either deadline passed unmet. */
  readonly breached: boolean;
  /** SLA watch (sla-watch.ts): when each warning (80 % of the time used) and breach was raised. */
  readonly firstResponseWarnedAt?: string | null;
  readonly firstResponseBreachedAt?: string | null;
  readonly resolutionWarnedAt?: string | null;
  readonly resolutionBreachedAt?: string | null;
  /** While `waiting`: when the resolution clock paused. */
  readonly pausedAt?: string | null;
  /** Business minutes the resolution clock has been paused in total (already added to resolutionDue). */
  readonly pausedMinutes?: number;
  /** When the SLA watch should next look at the case (null: nothing left to watch). */
  readonly nextCheckAt?: string | null;
}

/** A case as the system keeps it (full personal data; masking happens at the edges). */
export interface Case {
  readonly caseId: string;
  /** null for a customer's message that names no waybill (it opens a case of its own). */
  readonly waybillNo: string | null;
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
  /** The customer's words that opened a feedback case (free text: may hold personal data). */
  readonly text?: string | null;
  /**
   * What the words of the case say beyond its category (complaint, demand, outside escalation…),
   * merged over every message and event description attached: shared/domain/classifier.
   */
  readonly textSignals?: readonly string[];
  /** How sure the classifier was of the category, 0..1 (1 for a category an event type gave). */
  readonly confidence?: number | null;
  /** When a customer's message last attached to the case (a delivery no longer resolves it). */
  readonly lastCustomerMessageAt?: string | null;
  /** A repeat complaint: the earlier resolved case of the same customer and waybill. */
  readonly repeatOf?: string | null;
  /** The latest agent correction of category or severity; it wins over the rules. */
  readonly correction?: CaseCorrection | null;
  /** Message or event received → case number given (the acceptance-time KPI). */
  readonly acceptance?: CaseAcceptance | null;
  /** When the case was last resolved (set by the lifecycle; a repeat complaint looks at it). */
  readonly resolvedAt?: string | null;
  /** How many times the case was resolved (its follow-ups are numbered by it: FU-…-1, -2). */
  readonly resolutions?: number;
  /** The agent's resolution text of the last resolve (e.g. "delivered" when a delivery resolved it). */
  readonly resolution?: string | null;
  readonly closedAt?: string | null;
  readonly closeReason?: string | null;
  /** A merged case is closed with a link to the case it was merged into. */
  readonly mergedInto?: string | null;
  /** Why the case waits on the customer or a third party (while `waiting`). */
  readonly waitingReason?: string | null;
  /**
   * Escalation: 0 none; 1 the team's supervisors (a severe case, a breach, or by hand); 2 and up
   * the team's further escalation levels (a case still open at twice its target). `escalated`
   * is `escalationLevel > 0`.
   */
  readonly escalationLevel?: number;
  /**
   * When a severe case was escalated to its supervisors (at routing, or when it became severe
   * later): the instant its `escalated#severe` entry and Case Escalated carry, so that a repeat
   * announces the same ones.
   */
  readonly severeEscalatedAt?: string;
  readonly version: number;
}

export interface CaseCorrection {
  /** agentId of who corrected it. */
  readonly by: string;
  readonly at: string;
  readonly category?: { readonly from: Category; readonly to: Category };
  readonly severity?: { readonly from: Severity | null; readonly to: Severity };
  /** The text the classification was made from (the message, or the event's description). */
  readonly text: string | null;
}

export interface CaseAcceptance {
  readonly receivedAt: string;
  readonly acceptedAt: string;
  readonly seconds: number;
}

export const ROUTE_REASONS = [
  "vip-dedicated-agent",
  "least-loaded-agent",
  "no-agent-available",
  "no-team-for-category",
  "category-corrected",
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

/** The customer as a message or an event names them (contract §1). */
export interface CustomerDetails {
  readonly id: string;
  readonly name?: string;
  readonly phone?: string;
  readonly tier: CustomerTier;
  readonly timeZone?: string;
  readonly outOfHoursCallsAgreed?: boolean;
}

/** What opens a case: everything else a new case starts with is the same for every source. */
export interface CaseOpening {
  readonly caseId: string;
  readonly waybillNo: string | null;
  readonly category: Category;
  readonly source: Case["source"];
  readonly channel: Channel | null;
  readonly trigger: CaseTrigger;
  readonly facts: CaseFacts;
  readonly customer: CustomerDetails;
  /** When the message or event was received (its `occurredAt` for an event). */
  readonly receivedAt: Date;
}

/** A case as it opens: `new`, not classified, routed or answered yet, version 1. */
export function newCase(opening: CaseOpening, now: Date, extra: Partial<Case> = {}): Case {
  const at = now.toISOString();
  const { customer, receivedAt, ...rest } = opening;
  return {
    ...rest,
    status: "new",
    severity: null,
    priority: null,
    feedbackType: null,
    team: null,
    assignee: null,
    escalated: false,
    customer: {
      id: customer.id,
      name: customer.name ?? null,
      phone: customer.phone ?? null,
      tier: customer.tier,
      ...(customer.timeZone ? { timeZone: customer.timeZone } : {}),
      ...(customer.outOfHoursCallsAgreed ? { outOfHoursCallsAgreed: true } : {}),
    },
    sla: { firstResponseDue: null, resolutionDue: null, firstRespondedAt: null, breached: false },
    acceptance: acceptanceOf(receivedAt, now),
    createdAt: at,
    updatedAt: at,
    classifiedAt: null,
    routedAt: null,
    routeReason: null,
    version: 1,
    ...extra,
  };
}

/** Acceptance: message or event received → case number given, in seconds (never negative). */
export function acceptanceOf(receivedAt: Date, acceptedAt: Date): CaseAcceptance {
  return {
    receivedAt: receivedAt.toISOString(),
    acceptedAt: acceptedAt.toISOString(),
    seconds: Math.max(0, (acceptedAt.getTime() - receivedAt.getTime()) / 1000),
  };
}
