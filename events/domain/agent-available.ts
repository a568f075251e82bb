import * as z from "zod";
import { defineEvent } from "../define.ts";
import { isoTimestamp, metadata } from "./common.ts";

export const agentAvailable = defineEvent({
  detailType: "Agent Available",
  kind: "domain",
  version: 1,
  description:
    "An agent can take cases they could not take before: they came on shift (`PATCH /v1/agents/{agentId}`, or an admin's `PUT`), their capacity rose, they moved to another team, or they were created on shift. `freeSlots` is their capacity minus their open cases at `availableAt`; it is published only when that is at least 1. A repeated write (a client's retry) publishes it again, so consumers take it as a hint, deduplicated by `agentId` and `availableAt`. Assignment hands the agent queued cases of their team.",
  producer: "api",
  consumers: ["assignment"],
  schema: z.object({
    metadata,
    agentId: z.string().min(1),
    team: z.string().min(1),
    freeSlots: z.number().int().min(1),
    availableAt: isoTimestamp,
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T01:00:00.020Z" },
    agentId: "agent-claims-2",
    team: "claims",
    freeSlots: 5,
    availableAt: "2026-11-23T01:00:00.000Z",
  },
});
