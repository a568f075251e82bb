// Every event type on the bus, upstream and domain. The catalog is generated from this list.
import { agentAvailable } from "./domain/agent-available.ts";
import { caseAssigned } from "./domain/case-assigned.ts";
import { caseClassified } from "./domain/case-classified.ts";
import { caseClosed } from "./domain/case-closed.ts";
import { caseEscalated } from "./domain/case-escalated.ts";
import { caseEventAttached } from "./domain/case-event-attached.ts";
import { caseOpened } from "./domain/case-opened.ts";
import { caseQueued } from "./domain/case-queued.ts";
import { caseReclassified } from "./domain/case-reclassified.ts";
import { caseReopened } from "./domain/case-reopened.ts";
import { caseResolved } from "./domain/case-resolved.ts";
import { caseResponded } from "./domain/case-responded.ts";
import { caseWaiting } from "./domain/case-waiting.ts";
import { followUpCancelled } from "./domain/follow-up-cancelled.ts";
import { followUpCompleted } from "./domain/follow-up-completed.ts";
import { followUpDue } from "./domain/follow-up-due.ts";
import { followUpScheduled } from "./domain/follow-up-scheduled.ts";
import { customerNoticeRequested } from "./domain/customer-notice-requested.ts";
import { slaBreached } from "./domain/sla-breached.ts";
import { slaWarning } from "./domain/sla-warning.ts";
import { deliveryAttemptFailed } from "./upstream/delivery-attempt-failed.ts";
import { parcelDamaged } from "./upstream/parcel-damaged.ts";
import { parcelDelayed } from "./upstream/parcel-delayed.ts";
import { parcelDelivered } from "./upstream/parcel-delivered.ts";
import { parcelLost } from "./upstream/parcel-lost.ts";

export const upstreamEvents = [
  parcelDelayed,
  parcelDamaged,
  parcelLost,
  deliveryAttemptFailed,
  parcelDelivered,
] as const;

export const domainEvents = [
  caseOpened,
  caseEventAttached,
  caseClassified,
  caseReclassified,
  caseAssigned,
  caseQueued,
  caseResponded,
  caseWaiting,
  caseEscalated,
  caseResolved,
  caseClosed,
  caseReopened,
  slaWarning,
  slaBreached,
  agentAvailable,
  customerNoticeRequested,
] as const;

export const allEvents = [...upstreamEvents, ...domainEvents] as const;

export {
  agentAvailable,
  caseAssigned,
  caseClassified,
  caseClosed,
  caseEscalated,
  caseEventAttached,
  caseOpened,
  caseQueued,
  caseReclassified,
  caseReopened,
  caseResolved,
  caseResponded,
  caseWaiting,
  customerNoticeRequested,
  deliveryAttemptFailed,
  followUpCancelled,
  followUpCompleted,
  followUpDue,
  followUpScheduled,
  parcelDamaged,
  parcelDelayed,
  parcelDelivered,
  parcelLost,
  slaBreached,
  slaWarning,
};
