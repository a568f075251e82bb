import * as z from "zod";
import { defineEvent } from "../define.ts";
import { upstreamBase } from "./common.ts";

export const deliveryAttemptFailed = defineEvent({
  detailType: "Delivery Attempt Failed",
  kind: "upstream",
  version: 1,
  description:
    "A delivery attempt failed. The first attempt is only recorded; from the second one a `delay` case opens.",
  producer: "order systems",
  consumers: ["intake"],
  schema: upstreamBase.extend({
    attempt: z.number().int().min(1).max(100),
    reason: z.string().max(500).optional(),
  }),
  example: {
    eventId: "evt-20261122-0004",
    waybillNo: "ZT5566778899",
    occurredAt: "2026-11-22T15:45:00+08:00",
    customer: { id: "cust-3001", phone: "+86 139 0000 1111", tier: "regular" },
    attempt: 2,
    reason: "recipient not at home",
    courierId: "courier-12",
  },
});
