// kpis: the KPI aggregator. Domain events (cases classified, first responses, resolutions,
// follow-ups due and completed) and delivered parcels (upstream) → daily aggregates per team,
// category, channel, agent, outlet, courier and region, each fact counted once (a replayed event
// changes nothing), and the live KPI metrics (EMF) for CloudWatch.
import {
  caseClassified,
  caseResolved,
  caseResponded,
  followUpCompleted,
  followUpScheduled,
  parcelDelivered,
} from "#events/index.ts";
import { busEventConsumer, parseByDefinition } from "#shared/adapters/bus-event-consumer.ts";
import { type CountedEvent, countEvent } from "./count-event.ts";

export const handler = busEventConsumer<CountedEvent>({
  name: "kpis",
  parse: parseByDefinition<CountedEvent>([
    caseClassified,
    caseResponded,
    caseResolved,
    followUpScheduled,
    followUpCompleted,
    parcelDelivered,
  ]),
  // The facts carry their own ids (counted once for good); this only spares a repeat's reads.
  key: keyOf,
  handle: (work) => countEvent(work),
});

function keyOf(work: CountedEvent): string {
  switch (work.detailType) {
    case "Parcel Delivered":
      return `delivered#${work.detail.eventId}`;
    case "Case Classified":
      return `classified#${work.detail.caseId}`;
    case "Case Responded":
      return `responded#${work.detail.caseId}#${work.detail.respondedAt}`;
    case "Case Resolved":
      return `resolved#${work.detail.caseId}#${work.detail.resolvedAt}`;
    case "FollowUp Scheduled":
      return `follow-up-scheduled#${work.detail.followUpId}#${work.detail.attempt}`;
    case "FollowUp Completed":
      return `follow-up-completed#${work.detail.followUpId}`;
  }
}
