// Use case: an admin erases a customer's personal data (POST /v1/customers/{customerId}/erasure;
// PIPL art. 47). The customer's refs (customer-index.ts) lead to every case their data is on and
// every follow-up of no case; on each case: the case (name, phone, words: erasure.ts) on its
// version, re-read and re-applied on a conflict (updateCase); its timeline entries' words; its
// corrections' texts (kept for the classifier's samples); its follow-ups' comments (on their
// version); the copy on its open-case guard, if its writer died before removing it; the entries
// a merge copied onto another case's timeline. Then an `erasure` entry on the case and the ref
// marked erased with what was found. The audit record (who, when, why, masked) is written
// before anything is erased. Bounded: at most CASES_PER_REQUEST refs per request; the answer
// says `complete: false` until every ref is done, and the same request again goes on. A repeat
// once complete changes nothing and answers the same counts (they are kept on the refs).
import { clock } from "#shared/adapters/clock.ts";
import {
  addTimelineEntry,
  dropPendingCopy,
  eraseCorrectionText,
  getCase,
  rewriteTimelineEntryData,
  timelineOf,
  updateCase,
  VersionConflictError,
} from "#shared/adapters/case-store.ts";
import {
  createErasureRecord,
  customerRefs,
  type ErasureCounts,
  markRefErased,
  noteErasureRequest,
} from "#shared/adapters/customer-index.ts";
import { eraseFollowUpComment, getFollowUp } from "#shared/adapters/follow-up-store.ts";
import { logger } from "#shared/adapters/powertools.ts";
import type { Case } from "#shared/domain/case.ts";
import { ERASED, erasedCase, erasedEntryData, mergedEntryPrefix } from "#shared/domain/erasure.ts";
import { caseFollowUpId, type FollowUp } from "#shared/domain/follow-up.ts";
import { maskFreeText } from "#shared/domain/masking.ts";
import type { Caller } from "../caller.ts";
import { HttpError } from "../http.ts";

/** Refs (cases, follow-ups) erased per request: a case costs some tens of reads and writes. */
export const CASES_PER_REQUEST = 10;

/** How far a chain of merges (A into B into C) is followed. */
const MERGE_DEPTH = 5;

export interface ErasureResult extends ErasureCounts {
  readonly customerId: string;
  readonly erasedAt: string;
  readonly cases: number;
  /** False while refs are left: send the same request again. */
  readonly complete: boolean;
}

const NONE: ErasureCounts = { timelineEntries: 0, followUps: 0, corrections: 0 };

export async function eraseCustomer(
  customerId: string,
  reason: string,
  caller: Caller,
): Promise<ErasureResult> {
  const now = clock.nowIso();
  const { refs, record, truncated } = await customerRefs(customerId);
  const pending = refs.filter((ref) => !ref.erasedAt);
  const batch = pending.slice(0, CASES_PER_REQUEST);

  let erasedAt = record?.erasedAt;
  if (!record) {
    // The audit record first: who asked, when, why (masked: it could quote the customer).
    const first = batch.find((ref) => ref.caseId);
    const known = first?.caseId ? await getCase(first.caseId) : undefined;
    const created = await createErasureRecord({
      customerId,
      erasedAt: now,
      by: caller.userId,
      reason: maskFreeText(reason, {
        names: [known?.customer.name],
        phones: [known?.customer.phone],
      }),
      requests: 1,
      lastRequestAt: now,
      lastBy: caller.userId,
    });
    erasedAt = created ? now : ((await customerRefs(customerId)).record?.erasedAt ?? now);
  } else if (batch.length > 0) {
    await noteErasureRequest(customerId, now, caller.userId);
  }
  const at = erasedAt ?? now;

  const done = refs.filter((ref) => ref.erasedAt);
  const counts = done.map((ref) => ref.counts ?? NONE);
  for (const ref of batch) {
    const found = ref.caseId
      ? await eraseCaseData(ref.caseId, customerId, at, caller.userId)
      : await eraseFollowUpData(ref.followUpId as string, at);
    await markRefErased(customerId, ref, now, caller.userId, found);
    counts.push(found);
  }
  const cases = [...done, ...batch].filter((ref) => ref.caseId).length;
  const complete = pending.length <= batch.length && !truncated;
  if (batch.length > 0)
    logger.info("Customer data erased", { cases: batch.length, complete, by: caller.userId });
  return {
    customerId,
    erasedAt: at,
    cases,
    timelineEntries: sum(counts, "timelineEntries"),
    followUps: sum(counts, "followUps"),
    corrections: sum(counts, "corrections"),
    complete,
  };
}

const sum = (counts: readonly ErasureCounts[], field: keyof ErasureCounts) =>
  counts.reduce((total, c) => total + c[field], 0);

/** Everything of one case; safe to repeat (what is erased stays erased, counts stay the same). */
async function eraseCaseData(
  caseId: string,
  customerId: string,
  at: string,
  by: string,
): Promise<ErasureCounts> {
  if (!(await getCase(caseId))) return NONE; // the ref was written, the case never was
  let erased: Case;
  try {
    erased = (await updateCase(caseId, (current) => erasedCase(current, customerId, at))).case;
  } catch (error) {
    if (error instanceof VersionConflictError)
      throw new HttpError(
        409,
        "Conflict",
        "A case of the customer is busy: send the request again",
      );
    throw error;
  }
  const { entries, corrections } = await eraseTimeline(caseId);
  let followUps = 0;
  for (let round = 1; round <= (erased.resolutions ?? 0); round++)
    if (await eraseComment(caseFollowUpId(caseId, round), at)) followUps += 1;
  if (erased.waybillNo) await dropPendingCopy(erased.waybillNo, erased);
  const mergedEntries = await eraseMergedCopies(erased);
  const found = { timelineEntries: entries + mergedEntries, followUps, corrections };
  await addTimelineEntry(caseId, {
    at: clock.nowIso(),
    key: "erasure",
    kind: "erasure",
    actor: by,
    summary: "The customer's personal data was erased (an admin's request)",
    data: { ...found },
  });
  return found;
}

/**
 * The words of the case's timeline entries (those with `prefix` only, on a merge target), and
 * the texts of the corrections its `corrected` entries name. Counted: the entries that hold
 * erased words afterwards, so a repeat counts the same.
 */
async function eraseTimeline(
  caseId: string,
  prefix = "",
): Promise<{ entries: number; corrections: number }> {
  let entries = 0;
  let corrections = 0;
  let cursor: string | undefined;
  do {
    const page = await timelineOf(caseId, 100, cursor);
    for (const entry of page.items) {
      if (!entry.key.startsWith(prefix) || entry.kind === "erasure") continue;
      const data = erasedEntryData(entry.kind, entry.data);
      if (data) await rewriteTimelineEntryData(caseId, entry, data);
      if (data || JSON.stringify(entry.data ?? {}).includes(ERASED)) entries += 1;
      const version = /^corrected#v(\d+)$/.exec(entry.key)?.[1];
      if (!prefix && version && (await eraseCorrectionText(entry.at, caseId, Number(version))))
        corrections += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { entries, corrections };
}

/** A merged case's entries were copied onto its target (and on, if that was merged too). */
async function eraseMergedCopies(c: Case): Promise<number> {
  let count = 0;
  let prefix = mergedEntryPrefix(c.caseId);
  let target = c.mergedInto ?? null;
  for (let depth = 0; target && depth < MERGE_DEPTH; depth++) {
    count += (await eraseTimeline(target, prefix)).entries;
    const next = await getCase(target);
    prefix = mergedEntryPrefix(target) + prefix;
    target = next?.mergedInto ?? null;
  }
  return count;
}

async function eraseFollowUpData(followUpId: string, at: string): Promise<ErasureCounts> {
  return { ...NONE, followUps: (await eraseComment(followUpId, at)) ? 1 : 0 };
}

/** The follow-up's comment, on its version (re-read on a conflict); false: no such follow-up. */
async function eraseComment(followUpId: string, at: string): Promise<boolean> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const fu: FollowUp | undefined = await getFollowUp(followUpId);
    if (!fu) return false;
    const comment = fu.outcome?.comment;
    if (typeof comment !== "string" || comment === ERASED) return true;
    if (await eraseFollowUpComment(followUpId, fu.version, ERASED, at)) return true;
  }
  throw new HttpError(
    409,
    "Conflict",
    "A follow-up of the customer is busy: send the request again",
  );
}
