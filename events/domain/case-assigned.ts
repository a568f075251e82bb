import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseAssigned = defineEvent({
  detailType: "Case Assigned",
  kind: "domain",
  version: 1,
  description:
    "The case has a team and a named agent who owns it: routed (the customer's VIP agent, or the least-loaded eligible agent; also when a queued case is handed out as capacity frees), or assigned by a supervisor.",
  producer: "assignment",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string(),
    assignee: z.string(),
    reason: z.enum(["vip-dedicated-agent", "least-loaded-agent", "assigned-by-supervisor"]),
    assignedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-22T03:02:03.010Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    assignee: "agent-claims-1",
    reason: "least-loaded-agent",
    assignedAt: "2026-11-22T03:02:03.000Z",
  },
});
