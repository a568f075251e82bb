import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, category, isoTimestamp, metadata, trigger, waybillNo } from "./common.ts";

export const caseEventAttached = defineEvent({
  detailType: "Case Event Attached",
  kind: "domain",
  version: 1,
  description:
    "A later upstream event, or a customer's message (trigger `detailType` \"Customer Message\"), about the same waybill and problem was added to the open case's timeline instead of opening a second case; its facts and the signals of its words are merged into the case (earliest event as trigger, highest declared value, VIP if any said so, every signal any text had). Classification re-evaluates the case.",
  producer: "intake, api",
  consumers: ["classification"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    trigger,
    attachedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-22T05:00:00.020Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    category: "damage",
    trigger: {
      detailType: "Parcel Damaged",
      eventId: "evt-20261122-0042",
      occurredAt: "2026-11-22T12:59:00+08:00",
    },
    attachedAt: "2026-11-22T05:00:00.000Z",
  },
});
