import * as z from "zod";
import { defineEvent } from "../define.ts";
import {
  caseId,
  category,
  customerTier,
  feedbackType,
  isoTimestamp,
  metadata,
  priority,
  severity,
  slaDeadlines,
  waybillNo,
} from "./common.ts";

export const caseClassified = defineEvent({
  detailType: "Case Classified",
  kind: "domain",
  version: 1,
  description:
    "The case has its category, severity, priority, feedback type and SLA deadlines. Assignment picks it up.",
  producer: "classification",
  consumers: ["assignment", "kpis"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    severity,
    priority,
    feedbackType,
    customer: z.object({ id: z.string(), tier: customerTier }),
    sla: slaDeadlines,
    reasons: z.array(z.string()),
    classifiedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-22T03:02:02.300Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    category: "damage",
    severity: "general",
    priority: "urgent",
    feedbackType: "quality",
    customer: { id: "cust-1002", tier: "regular" },
    sla: {
      firstResponseDue: "2026-11-22T03:17:02.200Z",
      resolutionDue: "2026-11-23T03:02:02.200Z",
    },
    reasons: [
      "Parcel Damaged → damage",
      "declared value 320 CNY < 500 → general",
      "damage → urgent",
    ],
    classifiedAt: "2026-11-22T03:02:02.200Z",
  },
});
