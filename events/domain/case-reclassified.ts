import { z } from "zod";
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

const classification = z.object({ severity, priority, feedbackType });

export const caseReclassified = defineEvent({
  detailType: "Case Reclassified",
  kind: "domain",
  version: 1,
  description:
    "An attached event changed what the case is known to be (e.g. a higher declared value made it severe): new severity, priority or feedback type, and SLA deadlines recomputed. Assignment routes a case still waiting in a queue again.",
  producer: "classification",
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
