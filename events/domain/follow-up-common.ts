// Pieces the follow-up (回访) events share. Never the customer's contact: the caller looks it up.
import * as z from "zod";
import { CHANNELS } from "#shared/domain/case.ts";
import { caseId, category } from "./common.ts";

export const followUpId = z
  .string()
  .regex(/^FU-[0-9A-Z-]{3,60}$/, "a follow-up id like FU-7K2M9Q4R1T8B-1");

/** Who the follow-up is about and who calls: the same fields on every follow-up event. */
export const followUpSubject = {
  followUpId,
  kind: z.enum(["case", "delivery"]),
  caseId: caseId.nullable(),
  waybillNo: z.string().nullable(),
  /** Which resolution of the case it follows (1 = the first); 0 for a sampled delivery. */
  round: z.number().int().nonnegative(),
  team: z.string().nullable(),
  /** The agent who calls; null for the team's follow-up pool. */
  assignee: z.string().nullable(),
  category: category.nullable(),
  channel: z.enum(CHANNELS).nullable(),
  customerTier: z.enum(["regular", "vip"]),
};

/** The subject of the examples in the catalog: a damage case's first follow-up. */
export const subjectExample = {
  followUpId: "FU-7K2M9Q4R1T8B-1",
  kind: "case",
  caseId: "CS-7K2M9Q4R1T8B",
  waybillNo: "SF1234567891",
  round: 1,
  team: "claims",
  assignee: "agent-claims-1",
  category: "damage",
  channel: null,
  customerTier: "regular",
} as const;
