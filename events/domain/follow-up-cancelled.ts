import * as z from "zod";
import { defineEvent } from "../define.ts";
import { isoTimestamp, metadata } from "./common.ts";
import { followUpSubject, subjectExample } from "./follow-up-common.ts";

export const followUpCancelled = defineEvent({
  detailType: "FollowUp Cancelled",
  kind: "domain",
  version: 1,
  description:
    "A pending follow-up will not be made: its case was closed first (by a supervisor, or merged), or a sampled delivery's call gave way to the follow-up of a case about the same waybill. It no longer counts as due.",
  producer: "follow-up",
  consumers: [],
  schema: z.object({
    metadata,
    ...followUpSubject,
    reason: z.string(),
    cancelledAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T05:00:00.120Z" },
    ...subjectExample,
    reason: "the case was closed by sup-claims",
    cancelledAt: "2026-11-23T05:00:00.000Z",
  },
});
