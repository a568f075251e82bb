// intake: upstream delivery events (EventBridge → SQS) → cases.
import { upstreamEvents } from "#events/index.ts";
import { busEventConsumer, RejectedEventError } from "#shared/adapters/bus-event-consumer.ts";
import { describeErrors } from "#shared/adapters/validation.ts";
import type { UpstreamDetail } from "#shared/domain/open-case.ts";
import { EVENT_ID_REUSED, openCaseFromEvent } from "./open-case-from-event.ts";

const schemas = new Map(upstreamEvents.map((event) => [event.detailType, event.schema]));

export const handler = busEventConsumer({
  name: "intake",
  parse(event) {
    const schema = schemas.get(event["detail-type"]);
    if (!schema) return null; // unknown detail types are ignored (contract §1)
    const result = schema.safeParse(event.detail);
    if (!result.success) {
      throw new RejectedEventError(
        `${event["detail-type"]} failed its schema: ${describeErrors(result.error)}`,
      );
    }
    return { detailType: event["detail-type"], detail: result.data as UpstreamDetail };
  },
  // Parcel Delivered keeps no idempotency record (2 write units a parcel, at 100 parcels a
  // case most of the bill): its steps are safe to repeat, and its delivery record checks the
  // eventId's content instead (open-case-from-event.ts).
  key: ({ detailType, detail }) => (detailType === "Parcel Delivered" ? undefined : detail.eventId),
  keyReusedReason: EVENT_ID_REUSED,
  handle: ({ detailType, detail }) => openCaseFromEvent(detailType, detail),
});
