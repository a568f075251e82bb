// Every event type on the bus, upstream and domain. The catalog is generated from this list.
import { caseAssigned } from "./domain/case-assigned.ts";
import { caseClassified } from "./domain/case-classified.ts";
import { caseEventAttached } from "./domain/case-event-attached.ts";
import { caseOpened } from "./domain/case-opened.ts";
import { caseQueued } from "./domain/case-queued.ts";
import { caseReclassified } from "./domain/case-reclassified.ts";
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
] as const;

export const allEvents = [...upstreamEvents, ...domainEvents] as const;

export {
  caseAssigned,
  caseClassified,
  caseEventAttached,
  caseOpened,
  caseQueued,
  caseReclassified,
  deliveryAttemptFailed,
  parcelDamaged,
  parcelDelayed,
  parcelDelivered,
  parcelLost,
};
