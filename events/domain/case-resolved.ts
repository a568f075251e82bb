import * as z from "zod";
import { defineEvent } from "../define.ts";
import { caseId, category, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const caseResolved = defineEvent({
  detailType: "Case Resolved",
  kind: "domain",
  version: 1,
  description:
    "The case is resolved: by its agent, a supervisor, or by a delivery (`auto: true`, an event-only delay case whose parcel arrived). Its open-case slot is released (a later event or message opens a new case, or a repeat complaint); the follow-up (回访) starts from here: its `round` numbers the follow-up.",
  producer: "api, intake",
  consumers: ["follow-up", "kpis"],
  schema: z.object({
    metadata,
    caseId,
    waybillNo,
    category,
    team: z.string().nullable(),
    assignee: z.string().nullable(),
    source: z.enum(["event", "feedback"]),
    channel: z.enum(["phone", "online", "email", "app"]).nullable(),
    actor: z.string(),
    auto: z.boolean(),
    withinSla: z.boolean(),
    /** Which resolution of the case this is (1 = the first; a reopened case resolved again is 2). */
    round: z.number().int().positive().optional(),
    openedAt: isoTimestamp,
    resolvedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T02:30:00.120Z" },
    caseId: "CS-7K2M9Q4R1T8B",
    waybillNo: "SF1234567891",
    category: "damage",
    team: "claims",
    assignee: "agent-claims-1",
    source: "event",
    channel: null,
    actor: "agent-claims-1",
    auto: false,
    withinSla: true,
    round: 1,
    openedAt: "2026-11-22T03:02:01.100Z",
    resolvedAt: "2026-11-23T02:30:00.000Z",
  },
});
