import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseWaiting = defineEvent({
  detailType: "Case Waiting",
  kind: "domain",
  version: 1,
  description:
    "The case waits on the customer or a third party: its resolution clock pauses until the next response or customer message (the reason is on the timeline).",
  producer: "api",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string().nullable(),
    actor: z.string(),
    pausedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    actor: "agent-claims-1",
    pausedAt: "2026-11-23T02:30:00.000Z",
  },
});
