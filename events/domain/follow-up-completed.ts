import * as z from "zod";
import { defineEvent } from "../define.ts";
import { isoTimestamp, metadata } from "./common.ts";
import { followUpSubject, subjectExample } from "./follow-up-common.ts";

export const followUpCompleted = defineEvent({
  detailType: "FollowUp Completed",
  kind: "domain",
  version: 1,
  description:
    "A follow-up ended: the customer was reached (`done`) or not at its last attempt (`unreachable`). `result`: satisfied (the case closes), dissatisfied (not solved or a score of 1–3: the case reopens), unreachable. Carries what the follow-up KPIs need (score, NPS, solved at the first follow-up, within the window, hours from the trigger, suggestion adopted). Consumers dedupe by followUpId.",
  producer: "api",
  consumers: ["follow-up", "kpis"],
  schema: z.object({
    metadata,
    ...followUpSubject,
    status: z.enum(["done", "unreachable"]),
    result: z.enum(["satisfied", "dissatisfied", "unreachable"]),
    reached: z.boolean(),
    satisfaction: z.number().int().min(1).max(5).nullable(),
    nps: z.number().int().min(0).max(10).nullable(),
    resolved: z.boolean().nullable(),
    suggestionAdopted: z.boolean().nullable(),
    attempts: z.number().int().positive(),
    /** The case's first follow-up (round 1): counts for first-follow-up resolution. */
    firstFollowUp: z.boolean(),
    withinWindow: z.boolean(),
    hoursFromTrigger: z.number().nonnegative(),
    triggeredAt: isoTimestamp,
    completedBy: z.string(),
    completedAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T05:00:00.120Z" },
    ...subjectExample,
    status: "done",
    result: "satisfied",
    reached: true,
    satisfaction: 5,
    nps: 9,
    resolved: true,
    suggestionAdopted: null,
    attempts: 1,
    firstFollowUp: true,
    withinWindow: true,
    hoursFromTrigger: 2.5,
    triggeredAt: "2026-11-23T02:30:00.000Z",
    completedBy: "agent-claims-1",
    completedAt: "2026-11-23T05:00:00.000Z",
  },
});
