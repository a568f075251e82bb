// Use case: a proactive customer notice (主动推送) for the problem an upstream event reports on
// its case — when the event opened the case, and when an event of another problem attaches to
// it. At most one per case and problem (a deterministic notice id and a conditional put), never
// in the customer's quiet hours (held until 08:00 local, then published by the sweeper), none
// for a category whose notices a supervisor switched off.
// Calls flow: open-case-from-event → here → domain (which problem, when) → store → publisher.
import { customerNoticeRequested } from "#events/index.ts";
import { clock } from "#shared/adapters/clock.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  createNotice,
  markNoticeSent,
  type NoticeDetail,
  noticeSetting,
} from "#shared/adapters/notice-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { type Case, isOpenStatus } from "#shared/domain/case.ts";
import {
  noticeIdOf,
  PUBLISH_GRACE_MS,
  problemOf,
  sendAtOf,
  templateKeyOf,
} from "#shared/domain/customer-notice.ts";
import type { UpstreamDetail } from "#shared/domain/open-case.ts";

/** Asks for the notice; returns a short outcome to append to the intake's ("" for none). */
export async function requestNotice(
  c: Case,
  detailType: string,
  detail: UpstreamDetail,
  now: Date,
): Promise<string> {
  const problem = problemOf(detailType, detail.attempt);
  if (problem === null) return "";
  // A customer's message opened it (they know already), or the event joined an ended case.
  if (c.source !== "event" || !isOpenStatus(c.status)) return "";
  if (!(await noticeSetting(c.category)).enabled) return `; notices off for ${c.category}`;

  const sendAt = sendAtOf(now, c.customer.timeZone ?? detail.customer.timeZone);
  const held = sendAt.getTime() > now.getTime();
  const notice: NoticeDetail = {
    noticeId: noticeIdOf(c.caseId, problem),
    caseId: c.caseId,
    waybillNo: c.waybillNo,
    category: c.category,
    problem,
    templateKey: templateKeyOf(problem),
    customerId: c.customer.id,
    customerTier: c.customer.tier,
    requestedAt: now.toISOString(),
    sendAt: sendAt.toISOString(),
    held,
  };
  const checkAt = held ? sendAt : new Date(now.getTime() + PUBLISH_GRACE_MS);
  const created = await createNotice(notice, held ? "held" : "pending", checkAt.toISOString());
  if (!created) return `; notice ${problem} already requested`;
  metrics.addMetric("NoticesRequested", "Count", 1);
  if (held) return `; notice ${problem} held until ${notice.sendAt}`;

  await publish(customerNoticeRequested, notice);
  await markNoticeSent(notice.noticeId, clock.nowIso());
  return `; notice ${problem} requested`;
}
