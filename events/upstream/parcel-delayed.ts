import * as z from "zod";
import { defineEvent } from "../define.ts";
import { isoTimestamp, upstreamBase } from "./common.ts";

export const parcelDelayed = defineEvent({
  detailType: "Parcel Delayed",
  kind: "upstream",
  version: 1,
  description:
    "A parcel will miss, or has missed, its promised delivery time. Opens a `delay` case.",
  producer: "order systems",
  consumers: ["intake"],
  schema: upstreamBase.extend({
    promisedAt: isoTimestamp,
    estimatedAt: isoTimestamp.optional(),
    reason: z.string().max(500).optional(),
  }),
  example: {
    eventId: "evt-20261122-0001",
    waybillNo: "SF1234567890",
    occurredAt: "2026-11-22T10:15:00+08:00",
    customer: { id: "cust-1001", name: "Li Lei", phone: "13812345678", tier: "regular" },
    promisedAt: "2026-11-22T18:00:00+08:00",
    estimatedAt: "2026-11-23T12:00:00+08:00",
    reason: "weather at the hub",
    outletId: "SH-PD-017",
    region: "Shanghai",
  },
});
