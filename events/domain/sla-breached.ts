import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const slaBreached = defineEvent({
  detailType: "SLA Breached",
  kind: "domain",
  version: 1,
  description:
    "A deadline passed unmet (first response or resolution, in business time): the case is marked breached and escalates to the team's supervisors without losing its assignee.",
  producer: "sla-watch",
  consumers: [],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    team: z.string().nullable(),
    assignee: z.string().nullable(),
    clock: z.enum(["firstResponse", "resolution"]),
    dueAt: isoTimestamp,
    breachedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    team: "claims",
    assignee: "agent-claims-1",
    clock: "resolution",
    dueAt: "2026-11-24T02:00:00.000Z",
    breachedAt: "2026-11-24T02:00:30.000Z",
  },
});
