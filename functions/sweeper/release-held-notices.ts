// Use case: customer notices whose time has come. A notice held for the customer's quiet hours
// goes out at 08:00 local; one whose writer died between the put and the publish is published
// after a grace period. Each is read from a sparse index (no Scan: only what is due), claimed
// with a conditional write (two sweeps never both take it), published, then marked sent — a
// crash in between publishes it again later (at least once; the sender dedupes by noticeId).
// A notice of a category switched off meanwhile, or of a case no longer open, is cancelled.
import { customerNoticeRequested } from "#events/index.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { publish } from "#shared/adapters/event-publisher.ts";
import {
  cancelNotice,
  claimNotice,
  detailOf,
  dueNotices,
  markNoticeSent,
  type StoredNotice,
  switchedNoticeSettings,
} from "#shared/adapters/notice-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { type Category, isOpenStatus } from "#shared/domain/case.ts";
import { PUBLISH_GRACE_MS } from "#shared/domain/customer-notice.ts";
import { SWEEP_BUDGET_MS, sweepPages } from "./sweep-pages.ts";

/** Notices read per page. */
const NOTICES_PER_PAGE = 100;

export async function releaseHeldNotices(now: Date): Promise<string> {
  let off: ReadonlySet<Category> | undefined;
  let sent = 0;
  let cancelled = 0;
  await sweepPages(
    () => dueNotices(now, NOTICES_PER_PAGE),
    (notice) => notice.noticeId,
    async (notice) => {
      off ??= await switchedOff();
      const outcome = await releaseOne(notice, off, now);
      if (outcome === "sent") sent++;
      if (outcome === "cancelled") cancelled++;
    },
    SWEEP_BUDGET_MS.notices,
  );
  if (sent) metrics.addMetric("NoticesReleased", "Count", sent);
  if (cancelled) metrics.addMetric("NoticesCancelled", "Count", cancelled);
  return `released ${sent} customer notices, cancelled ${cancelled}`;
}

async function switchedOff(): Promise<ReadonlySet<Category>> {
  const settings = await switchedNoticeSettings();
  return new Set(settings.filter((s) => !s.enabled).map((s) => s.category));
}

async function releaseOne(
  notice: StoredNotice,
  off: ReadonlySet<Category>,
  now: Date,
): Promise<"sent" | "cancelled" | "skipped"> {
  const at = now.toISOString();
  if (off.has(notice.category)) {
    return (await cancelNotice(notice.noticeId, "notices off for the category", at))
      ? "cancelled"
      : "skipped";
  }
  const c = await getCase(notice.caseId);
  if (!c || !isOpenStatus(c.status)) {
    return (await cancelNotice(notice.noticeId, "the case is no longer open", at))
      ? "cancelled"
      : "skipped";
  }
  const retryAt = new Date(now.getTime() + PUBLISH_GRACE_MS).toISOString();
  if (!(await claimNotice(notice, retryAt))) return "skipped"; // another sweep took it
  await publish(customerNoticeRequested, detailOf(notice));
  await markNoticeSent(notice.noticeId, at);
  return "sent";
}
