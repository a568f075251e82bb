import * as z from "zod";
import { defineEvent } from "../define.ts";
import { declaredValue, upstreamBase } from "./common.ts";

export const parcelDamaged = defineEvent({
  detailType: "Parcel Damaged",
  kind: "upstream",
  version: 1,
  description:
    "A parcel or its contents were found damaged. Opens a `damage` case; severe from 500 CNY declared value.",
  producer: "order systems",
  consumers: ["intake"],
  schema: upstreamBase.extend({
    description: z.string().max(2000).optional(),
    declaredValue: declaredValue.optional(),
  }),
  example: {
    eventId: "evt-20261122-0002",
    waybillNo: "SF1234567891",
    occurredAt: "2026-11-22T11:02:00+08:00",
    customer: { id: "cust-1002", name: "Han Meimei", phone: "13987654321", tier: "regular" },
    description: "carton crushed at sorting",
    declaredValue: 320,
    outletId: "SH-PD-017",
    courierId: "courier-88",
    region: "Shanghai",
  },
});
