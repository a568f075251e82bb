import * as z from "zod";
import { defineEvent } from "../define.ts";
import { isoTimestamp, metadata } from "./common.ts";
import { followUpSubject, subjectExample } from "./follow-up-common.ts";

export const followUpScheduled = defineEvent({
  detailType: "FollowUp Scheduled",
  kind: "domain",
  version: 1,
  description:
    "A follow-up call (回访) is scheduled: the first one after a case's resolution or a sampled delivery (`attempt: 1`, counts as a customer due a follow-up), or the next try after a customer was not reached. `dueAt` is inside the team's working hours and the customer's calling hours. Consumers dedupe by followUpId and attempt.",
  producer: "follow-up, intake, api",
  consumers: ["kpis"],
  schema: z.object({
    metadata,
    ...followUpSubject,
    /** The attempt this schedules (1 = the first call). */
    attempt: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
    triggeredAt: isoTimestamp,
    dueAt: isoTimestamp,
    windowEndsAt: isoTimestamp,
    scheduledAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    ...subjectExample,
    attempt: 1,
    maxAttempts: 3,
    triggeredAt: "2026-11-23T02:30:00.000Z",
    dueAt: "2026-11-23T03:30:00.000Z",
    windowEndsAt: "2026-11-26T02:30:00.000Z",
    scheduledAt: "2026-11-23T02:30:01.000Z",
  },
});
