import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, category, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseClosed = defineEvent({
  detailType: "Case Closed",
  kind: "domain",
  version: 1,
  description:
    "The case is closed for good: by a supervisor (`mergedInto` when it was merged into another case), or by the system after a satisfied follow-up (`followUpId`, actor `system`). Its open-case slot is released; a follow-up still pending for it is cancelled.",
  producer: "api, follow-up",
  consumers: ["follow-up"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    team: z.string().nullable(),
    actor: z.string(),
    mergedInto: caseId.nullable(),
    /** Closed by the system after this satisfied follow-up. */
    followUpId: z.string().optional(),
    closedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    category: "damage",
    team: "claims",
    actor: "sup-claims",
    mergedInto: null,
    closedAt: "2026-11-23T02:30:00.000Z",
  },
});
