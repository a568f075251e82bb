import { defineEvent } from "../define.ts";
import { isoTimestamp, upstreamBase } from "./common.ts";

export const parcelDelivered = defineEvent({
  detailType: "Parcel Delivered",
  kind: "upstream",
  version: 1,
  description:
    "A parcel was delivered. Opens no case; counts as a delivered parcel for the KPI rates and may be sampled for a follow-up (VIP customers always, others by a share).",
  producer: "order systems",
  consumers: ["intake", "kpis"],
  schema: upstreamBase.extend({
    deliveredAt: isoTimestamp,
    promisedAt: isoTimestamp.optional(),
  }),
  example: {
    eventId: "evt-20261122-0005",
    waybillNo: "SF1234567892",
    occurredAt: "2026-11-22T16:20:00+08:00",
    customer: { id: "cust-1003", tier: "vip" },
    deliveredAt: "2026-11-22T16:20:00+08:00",
    promisedAt: "2026-11-22T18:00:00+08:00",
  },
});
