import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, category, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseReopened = defineEvent({
  detailType: "Case Reopened",
  kind: "domain",
  version: 1,
  description:
    "A resolved case goes back to work (the customer was not satisfied at the follow-up): back to its agent when they can take it, else to the team queue; the resolution clock picks up where it stopped.",
  producer: "follow-up",
  consumers: ["assignment"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    team: z.string().nullable(),
    assignee: z.string().nullable(),
    actor: z.string(),
    followUpId: z.string().optional(),
    reopenedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-25T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    category: "damage",
    team: "claims",
    assignee: "agent-claims-1",
    actor: "system",
    followUpId: "FU-7K2M9Q4R1T8B-1",
    reopenedAt: "2026-11-25T02:30:00.000Z",
  },
});
