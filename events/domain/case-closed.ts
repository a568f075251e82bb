import { z } from "zod";
import { defineEvent } from "../define.ts";
import { caseId, category, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseClosed = defineEvent({
  detailType: "Case Closed",
  kind: "domain",
  version: 1,
  description:
    "The case is closed for good: by a supervisor (`mergedInto` when it was merged into another case). Its open-case slot is released.",
  producer: "api",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    team: z.string().nullable(),
    actor: z.string(),
    mergedInto: caseId.nullable(),
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
