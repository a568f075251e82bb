import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseResponded = defineEvent({
  detailType: "Case Responded",
  kind: "domain",
  version: 1,
  description:
    "An agent answered the customer on the case. The first response stops the first-response clock (`first: true`, with the business minutes it took); a response to a waiting case resumes the resolution clock. The words are on the timeline, never in the event.",
  producer: "api",
  consumers: ["kpis"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string().nullable(),
    actor: z.string(),
    first: z.boolean(),
    firstResponseMinutes: z.number().nonnegative().optional(),
    withinSla: z.boolean().optional(),
    respondedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    actor: "agent-claims-1",
    first: true,
    firstResponseMinutes: 9.5,
    withinSla: true,
    respondedAt: "2026-11-23T02:30:00.000Z",
  },
});
