import * as z from "zod";
import { defineEvent } from "../define.ts";
import { CHANNELS } from "#shared/domain/case.ts";
import { declaredValue } from "../upstream/common.ts";
import {
  caseId,
  category,
  customerTier,
  isoTimestamp,
  metadata,
  trigger,
  waybillNo,
} from "./common.ts";

export const caseOpened = defineEvent({
  detailType: "Case Opened",
  kind: "domain",
  version: 1,
  description:
    "A new case exists (status `new`): from an upstream event (intake), or from a customer's message (api, already classified from its words; `channel` says where it came from). Classification picks it up.",
  producer: "intake, api",
  consumers: ["classification"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    source: z.enum(["event", "feedback"]),
    channel: z.enum(CHANNELS).optional(),
    categoryHint: category,
    customer: z.object({ id: z.string(), tier: customerTier }),
    declaredValue: declaredValue.optional(),
    trigger,
    openedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-22T03:02:01.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    source: "event",
    categoryHint: "damage",
    customer: { id: "cust-1002", tier: "regular" },
    declaredValue: 320,
    trigger: {
      detailType: "Parcel Damaged",
      eventId: "evt-20261122-0002",
      occurredAt: "2026-11-22T11:02:00+08:00",
    },
    openedAt: "2026-11-22T03:02:01.100Z",
  },
});
