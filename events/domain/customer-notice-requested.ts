import * as z from "zod";
import { NOTICE_PROBLEMS } from "#shared/domain/customer-notice.ts";
import { defineEvent } from "../define.ts";
import { caseId, category, customerTier, isoTimestamp, metadata, waybillNo } from "./common.ts";

export const customerNoticeRequested = defineEvent({
  detailType: "Customer Notice Requested",
  kind: "domain",
  version: 1,
  description:
    "Tell the customer about a delivery exception before they have to ask (主动推送): published when an upstream event opens a case (Parcel Delayed, Damaged, Lost, or a second failed delivery attempt), and when an event of another problem attaches to the open case; at most one per case and problem (`noticeId`). Never in the customer's quiet hours (21:00–08:00 in their time zone, default Asia/Shanghai): a notice asked for at night is held and published at 08:00 local (`held: true`, `sendAt`). Supervisors turn notices off per category (`PUT /v1/notice-settings/{category}`). No contact data: the sender looks the customer's phone or app up by `customerId` and renders `templateKey`. At least once: the sender dedupes by `noticeId`.",
  producer: "intake, sweeper",
  consumers: ["the company's SMS/app-push sender (outside this system)"],
  schema: z.object({
    metadata,
    noticeId: z.string().regex(/^NT-[0-9A-Z]{12,26}-[a-z-]+$/, "NT-<case>-<problem>"),
    caseId,
    waybillNo,
    category,
    problem: z.enum(NOTICE_PROBLEMS),
    templateKey: z.string().regex(/^notice\.[a-z-]+$/),
    customerId: z.string().min(1).max(128),
    customerTier,
    requestedAt: isoTimestamp,
    /** When it may be sent: `requestedAt`, or 08:00 local of the next morning when held. */
    sendAt: isoTimestamp,
    held: z.boolean(),
  }),
  example: {
    metadata: { version: 1, publishedAt: "2026-11-23T00:00:00.080Z" },
    noticeId: "NT-7K2M9Q4R1T8B0000-parcel-delayed",
    caseId: "CS-7K2M9Q4R1T8B0000",
    waybillNo: "SF1234567891",
    category: "delay",
    problem: "parcel-delayed",
    templateKey: "notice.parcel-delayed",
    customerId: "cust-1002",
    customerTier: "regular",
    requestedAt: "2026-11-22T15:30:00.000Z",
    sendAt: "2026-11-23T00:00:00.000Z",
    held: true,
  },
});
