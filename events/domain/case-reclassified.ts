import * as z from "zod";
import { defineEvent } from "../define.ts";
import {
  caseId,
  category,
  feedbackType,
  isoTimestamp,
  metadata,
  priority,
  severity,
  slaDeadlines,
  waybillNo,
} from "./common.ts";

const classification = z.object({
  category: category.optional(),
  severity,
  priority,
  feedbackType,
});

export const caseReclassified = defineEvent({
  detailType: "Case Reclassified",
  kind: "domain",
  version: 1,
  description:
    "What the case is known to be changed: an attached event or message (e.g. a higher declared value, or a threat to go to 12305, made it severe), or an agent's correction (`correctedBy`; a new category may move the case to another team's queue). New category, severity, priority or feedback type, and SLA deadlines recomputed. Assignment routes a case waiting in a queue again.",
  producer: "classification, api",
  consumers: ["assignment"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    from: classification,
    to: classification,
    sla: slaDeadlines,
    reasons: z.array(z.string()),
    correctedBy: z.string().optional(),
    reclassifiedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-22T05:00:01.300Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    category: "damage",
    from: { severity: "general", priority: "urgent", feedbackType: "quality" },
    to: { severity: "severe", priority: "urgent", feedbackType: "quality" },
    sla: {
      firstResponseDue: "2026-11-22T03:17:02.200Z",
      resolutionDue: "2026-11-23T03:02:02.200Z",
    },
    reasons: ["declared value 800 CNY ≥ 500 → severe", "severe → urgent"],
    reclassifiedAt: "2026-11-22T05:00:01.200Z",
  },
});
