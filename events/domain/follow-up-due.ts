import * as z from "zod";
import { defineEvent } from "../define.ts";
import { isoTimestamp, metadata } from "./common.ts";
import { followUpSubject, subjectExample } from "./follow-up-common.ts";

export const followUpDue = defineEvent({
  detailType: "FollowUp Due",
  kind: "domain",
  version: 1,
  description:
    "A follow-up call is due now (the sweep found its time come, within a minute): it appears in its agent's (or the team pool's) list of due follow-ups. At least once: consumers dedupe by followUpId and attempt.",
  producer: "sweeper",
  consumers: [],
  schema: z.object({
    metadata,
    ...followUpSubject,
    attempt: z.number().int().positive(),
    dueAt: isoTimestamp,
    windowEndsAt: isoTimestamp,
    becameDueAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T03:30:20.120Z" },
    ...subjectExample,
    attempt: 1,
    dueAt: "2026-11-23T03:30:00.000Z",
    windowEndsAt: "2026-11-26T02:30:00.000Z",
    becameDueAt: "2026-11-23T03:30:20.000Z",
  },
});
