import * as z from "zod";
import { defineEvent } from "../define.ts";
import { declaredValue, isoTimestamp, upstreamBase } from "./common.ts";

export const parcelLost = defineEvent({
  detailType: "Parcel Lost",
  kind: "upstream",
  version: 1,
  description: "A parcel is declared lost. Opens a `loss` case (always severe and urgent).",
  producer: "order systems",
  consumers: ["intake"],
  schema: upstreamBase.extend({
    lastScanAt: isoTimestamp.optional(),
    lastLocation: z.string().max(500).optional(),
    declaredValue: declaredValue.optional(),
  }),
  example: {
    eventId: "evt-20261122-0003",
    waybillNo: "YT9988776655",
    occurredAt: "2026-11-22T09:30:00+08:00",
    customer: { id: "cust-2001", tier: "vip" },
    lastScanAt: "2026-11-20T22:10:00+08:00",
    lastLocation: "Hangzhou sorting centre",
    declaredValue: 1800,
  },
});
