import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseEscalated = defineEvent({
  detailType: "Case Escalated",
  kind: "domain",
  version: 1,
  description:
    "The case went up a level: 1 is the team's supervisors (a severe case at once, an SLA breach, or by hand), 2 and up the team's further escalation levels (still open at twice its target). The assignee keeps the case; `notify` lists whom to tell.",
  producer: "api, assignment, sla-watch",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string().nullable(),
    level: z.number().int().positive(),
    reason: z.enum(["severe", "sla-breach", "twice-target", "manual"]),
    notify: z.array(z.string()),
    escalatedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    level: 1,
    reason: "sla-breach",
    notify: ["sup-claims"],
    escalatedAt: "2026-11-23T02:30:00.000Z",
  },
});
