import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseQueued = defineEvent({
  detailType: "Case Queued",
  kind: "domain",
  version: 1,
  description:
    "The case reached its team but nobody on shift has spare capacity (or no team owns the category): it waits, visibly, in the team queue.",
  producer: "assignment",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string().nullable(),
    reason: z.enum(["no-agent-available", "no-team-for-category"]),
    queuedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-22T03:02:03.010Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    reason: "no-agent-available",
    queuedAt: "2026-11-22T03:02:03.000Z",
  },
});
