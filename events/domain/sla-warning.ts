import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const slaWarning = defineEvent({
  detailType: "SLA Warning",
  kind: "domain",
  version: 1,
  description:
    "80 % of the business time to a deadline is used and the case has not met it: the first response, or the resolution (paused time excluded).",
  producer: "sla-watch",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string().nullable(),
    assignee: z.string().nullable(),
    clock: z.enum(["firstResponse", "resolution"]),
    dueAt: isoTimestamp,
    warnedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    assignee: "agent-claims-1",
    clock: "firstResponse",
    dueAt: "2026-11-23T02:45:00.000Z",
    warnedAt: "2026-11-23T02:42:00.000Z",
  },
});
