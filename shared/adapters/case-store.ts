// Cases, their open-case guards and their timelines in the `cases` table.
// Calls flow: handlers → this store → DynamoDB. Every write is conditional; every read is a
// key lookup or an index query (access patterns: infra/data-model.md).
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { createHash } from "node:crypto";
import {
  type Case,
  type CaseStatus,
  type Category,
  isOpenStatus,
  type Priority,
} from "#shared/domain/case.ts";
import { firstCheckAt } from "#shared/domain/case-pipeline.ts";
import { erasedEntryData } from "#shared/domain/erasure.ts";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { itemsOf, queryIndex } from "./index-query.ts";
import { FILTERED_QUERY_LIMIT, queryMerged } from "./merged-query.ts";
import { isConditionFailure, putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";
import { type Cursor, decodeCursor, encodeCursor, InvalidCursorError } from "./cursor.ts";
import { putCustomerCaseRef } from "./customer-index.ts";
import { countMatches, dueItems } from "./due-index.ts";

export class VersionConflictError extends Error {
  constructor(caseId: string, expected: number) {
    super(`Case ${caseId} changed since version ${expected}`);
    this.name = "VersionConflictError";
  }
}

// ---- keys --------------------------------------------------------------------------------

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: "CASE" });
const openGuardKey = (waybillNo: string, category: Category) => ({
  pk: `WAYBILL#${waybillNo}`,
  sk: `OPEN#${category}`,
});

/** The stored item of a case, with its index keys (exported for the bench, which seeds cases). */
export function caseItem(c: Case): Record<string, unknown> {
  const order = `${c.createdAt}#${c.caseId}`;
  return {
    ...caseKey(c.caseId),
    type: "case",
    ...c,
    ...(c.waybillNo ? { gsi1pk: `WAYBILL#${c.waybillNo}`, gsi1sk: order } : {}),
    ...(c.team ? { gsi2pk: `TEAM#${c.team}`, gsi2sk: teamSortKey(c, order) } : {}),
    ...(c.assignee
      ? { gsi3pk: `ASSIGNEE#${c.assignee}`, gsi3sk: `${c.status}#${order}` }
      : c.status === "new"
        ? { gsi3pk: STALLED_PARTITION, gsi3sk: `${checkAt(c)}#${c.caseId}` }
        : {}),
    gsi4pk: allCasesPartition(c.createdAt.slice(0, 7), allCasesShard(c.caseId)),
    gsi4sk: order,
  };
}

/**
 * A team's cases by status, newest first; the queue (`queued`) in the order it is handed out:
 * most urgent first, then oldest (so a backfill reads it from the start).
 */
function teamSortKey(c: Case, order: string): string {
  if (c.status !== "queued") return `${c.status}#${order}`;
  return `queued#${PRIORITY_RANK[c.priority ?? "routine"] ?? 9}#${order}`;
}

const PRIORITY_RANK: Record<Priority, number> = { urgent: 1, high: 2, routine: 3 };

/**
 * The all-cases index (gsi4) has a partition per month and shard: a case's shard is a hash of
 * its id, so the writes of a month spread over 8 partitions (at ten times the peak, about 6
 * million cases a day and a few index writes each, one partition would take them all).
 */
export const ALL_CASES_SHARDS = 8;
const allCasesShard = (caseId: string) =>
  createHash("sha256").update(caseId).digest().readUInt8(0) % ALL_CASES_SHARDS;
/** `CASES#<yyyy-mm>#<shard>`; without a shard, the month's partition before cases were sharded. */
const allCasesPartition = (month: string, shard?: number) =>
  shard === undefined ? `CASES#${month}` : `CASES#${month}#${shard}`;
/** A month's partitions, the unsharded one of cases saved before the shards included. */
const allCasesPartitions = (month: string) => [
  ...Array.from({ length: ALL_CASES_SHARDS }, (_, shard) => allCasesPartition(month, shard)),
  allCasesPartition(month),
];

/** gsi3 also holds the cases still `new`, by when the sweeper should look at them (sparse). */
const STALLED_PARTITION = "PIPELINE#new";
const checkAt = (c: Case) => c.redrive?.nextCheckAt ?? firstCheckAt(c.createdAt);

const STORAGE_KEYS = new Set([
  "pk",
  "sk",
  "type",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  "gsi4pk",
  "gsi4sk",
]);

function toCase(item: Record<string, unknown>): Case {
  const c: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!STORAGE_KEYS.has(key)) c[key] = value;
  return c as unknown as Case;
}

// ---- reads -------------------------------------------------------------------------------

export async function getCase(caseId: string): Promise<Case | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: config.casesTable(), Key: caseKey(caseId), ConsistentRead: true }),
  );
  return Item ? toCase(Item) : undefined;
}

// ---- opening, with one open case per waybill and problem ---------------------------------

export type OpenResult =
  | { readonly outcome: "opened"; readonly case: Case }
  | { readonly outcome: "attached"; readonly case: Case };

/**
 * Whether what the candidate reports happened while `ended` was still open (before it was
 * resolved or closed): an event that arrives late belongs to the case it was about, whatever
 * the order of arrival, and does not open a new one.
 */
function happenedBefore(candidate: Case, ended: Case): boolean {
  const end = ended.resolvedAt ?? ended.closedAt;
  return (
    end !== null && end !== undefined && Date.parse(candidate.trigger.occurredAt) <= Date.parse(end)
  );
}

/**
 * Opens `candidate`, unless the waybill already has an open case of the same category: then
 * the trigger is attached to that case's timeline. Without transactions (dynalite has none)
 * the order of writes makes it safe: first a guard item per waybill+category claims the slot,
 * carrying the whole new case, so that whoever finds a guard whose case is missing (its
 * writer died in between) completes the creation from it. Re-running with the same
 * candidate (a redelivered event) changes nothing. A guard whose case is resolved or closed
 * no longer holds the slot: it is taken over by what happened after the end (a replay of a
 * trigger already on that case's timeline is not new either); what happened before the end is
 * attached to the ended case. A message without a
 * waybill has no slot to claim: it always opens its own case.
 */
export async function openOrAttach(candidate: Case): Promise<OpenResult> {
  const waybillNo = candidate.waybillNo;
  if (waybillNo === null) {
    await armTimerOf(candidate);
    const created = await ensureCaseExists(candidate.caseId, caseItem(candidate));
    await addOpenedEntry(created, candidate);
    return { outcome: "opened", case: created };
  }
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    const guard = {
      ...openGuardKey(waybillNo, candidate.category),
      type: "open-guard",
      caseId: candidate.caseId,
      pending: caseItem(candidate),
    };
    const claimed = await putIfAbsent(config.casesTable(), guard);
    if (claimed) await armTimerOf(candidate);
    const owner = claimed ? guard : await getGuard(waybillNo, candidate.category);
    if (!owner) continue; // released in between: claim it again

    const existing = await ensureCaseExists(
      owner.caseId as string,
      owner.pending as Record<string, unknown>,
    );
    if (owner.caseId === candidate.caseId) {
      if (owner.pending) await dropPendingCopy(waybillNo, candidate);
      await addOpenedEntry(existing, candidate);
      return { outcome: "opened", case: existing };
    }
    const entry = erasedAware(existing, attachedEntry(candidate));
    if (!isOpenStatus(existing.status) && !happenedBefore(candidate, existing)) {
      if (await hasTimelineEntry(existing.caseId, entry.at, entry.key))
        return { outcome: "attached", case: existing };
      await releaseGuard(waybillNo, candidate.category, existing.caseId);
      continue;
    }
    // Another customer's event or message on the case: the case is theirs to erase too.
    if (candidate.customer.id !== existing.customer.id)
      await putCustomerCaseRef(candidate.customer.id, existing.caseId, entry.at);
    await addTimelineEntry(existing.caseId, entry);
    return { outcome: "attached", case: existing };
  }
  throw new Error(`Open-case guard for ${waybillNo}/${candidate.category} is contended; retry`);
}

const GUARD_ATTEMPTS = 4;

/** A case created already classified (a customer's message) is watched from the start. */
async function armTimerOf(c: Case): Promise<void> {
  if (c.sla.nextCheckAt) await armSlaTimer(c.caseId, c.sla.nextCheckAt, c.version);
}

function addOpenedEntry(opened: Case, candidate: Case): Promise<boolean> {
  return addTimelineEntry(opened.caseId, {
    at: opened.createdAt,
    key: "opened",
    kind: "opened",
    summary:
      candidate.source === "feedback"
        ? `Opened from a customer message (${candidate.channel})`
        : `Opened from ${candidate.trigger.detailType}`,
    data: { trigger: candidate.trigger, ...messageData(candidate) },
  });
}

/** On a case whose customer was erased, what attaches later keeps no words (erasure.ts). */
function erasedAware(existing: Case, entry: TimelineEntryInput): TimelineEntryInput {
  if (!existing.customer.erasedAt) return entry;
  const data = erasedEntryData(entry.kind, entry.data);
  return data ? { ...entry, data } : entry;
}

/** The timeline entry of an event or message attached to an open case (keyed by its id). */
function attachedEntry(candidate: Case): TimelineEntryInput {
  const at = new Date(candidate.trigger.occurredAt).toISOString();
  if (candidate.source === "feedback")
    return {
      at,
      key: `message#${candidate.trigger.eventId}`,
      kind: "message-attached",
      summary: `Customer message attached (${candidate.channel})`,
      data: { trigger: candidate.trigger, ...messageData(candidate) },
    };
  return {
    at,
    key: `event#${candidate.trigger.eventId}`,
    kind: "event-attached",
    summary: `${candidate.trigger.detailType} attached`,
    data: { trigger: candidate.trigger, facts: candidate.facts },
  };
}

function messageData(c: Case): Record<string, unknown> {
  if (c.source !== "feedback") return {};
  return { channel: c.channel, text: c.text ?? null, signals: c.textSignals ?? [] };
}

/**
 * Frees the waybill+category slot held by `caseId` (a resolved or closed case, or a case whose
 * category was corrected). A guard held by another case is left alone.
 */
export async function releaseGuard(
  waybillNo: string,
  category: Category,
  caseId: string,
): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new DeleteCommand({
        TableName: config.casesTable(),
        Key: openGuardKey(waybillNo, category),
        ConditionExpression: "caseId = :caseId",
        ExpressionAttributeValues: { ":caseId": caseId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Claims the waybill+category slot for an existing case (a category correction moves it).
 * Returns the case id that holds the slot afterwards: `caseId` itself when claimed (or already
 * held), else the other open case's. A slot held by a case no longer open is taken over.
 */
export async function claimGuard(
  waybillNo: string,
  category: Category,
  caseId: string,
): Promise<string> {
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    const guard = { ...openGuardKey(waybillNo, category), type: "open-guard", caseId };
    if (await putIfAbsent(config.casesTable(), guard)) return caseId;
    const owner = await getGuard(waybillNo, category);
    if (!owner) continue;
    const holder = owner.caseId as string;
    if (holder === caseId) return caseId;
    const held = await getCase(holder);
    if (held && isOpenStatus(held.status)) return holder;
    await releaseGuard(waybillNo, category, holder);
  }
  throw new Error(`Open-case guard for ${waybillNo}/${category} is contended; retry`);
}

/** Once the case exists the guard needs no copy of it (the copy holds personal data). */
export async function dropPendingCopy(waybillNo: string, opened: Case): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: openGuardKey(waybillNo, opened.category),
        UpdateExpression: "REMOVE pending",
        ConditionExpression: "caseId = :caseId",
        ExpressionAttributeValues: { ":caseId": opened.caseId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

async function getGuard(waybillNo: string, category: Category) {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: openGuardKey(waybillNo, category),
      ConsistentRead: true,
    }),
  );
  return Item;
}

async function ensureCaseExists(caseId: string, pending: Record<string, unknown>): Promise<Case> {
  const current = await getCase(caseId);
  if (current) return current;
  // The customer's ref first (customer-index.ts): no case is ever out of an erasure's reach.
  const customer = pending.customer as { id: string };
  await putCustomerCaseRef(customer.id, caseId, pending.createdAt as string);
  await putIfAbsent(config.casesTable(), pending);
  const created = await getCase(caseId);
  if (!created) throw new Error(`Case ${caseId} could not be created`);
  return created;
}

// ---- updates -----------------------------------------------------------------------------

/**
 * Replaces the case with `next` if nobody changed it since `expectedVersion` (optimistic
 * concurrency), and keeps its SLA timer in step (below). `previous` is the case as read, when
 * the caller has it: the timer is then only written when the next SLA check moves.
 */
export async function saveCase(
  next: Case,
  expectedVersion: number,
  previous?: Case,
): Promise<Case> {
  const saved: Case = { ...next, version: expectedVersion + 1 };
  const before = previous ? (previous.sla.nextCheckAt ?? null) : undefined;
  const after = saved.sla.nextCheckAt ?? null;
  // An earlier check is armed before the save (a crash in between only wakes the watch early);
  // a later one, or none, is set after it.
  const earlier = after !== null && (before == null || after < before);
  if (earlier) await armSlaTimer(saved.caseId, after, expectedVersion);
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: config.casesTable(),
        Item: caseItem(saved),
        ConditionExpression: "#version = :expected",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":expected": expectedVersion },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new VersionConflictError(next.caseId, expectedVersion);
    throw error;
  }
  if (!earlier && before !== after) await setSlaTimer(saved.caseId, after, saved.version);
  return saved;
}

// ---- SLA timers ----------------------------------------------------------------------------
// One small item per case with something left for the SLA watch, in the sparse partition
// `SLA#due` of gsi3 sorted by when to look (the watch reads only what is due, never a Scan).
// Written only when the case's next check moves, not on every save of the case.

const slaTimerKey = (caseId: string) => ({ pk: `SLATIMER#${caseId}`, sk: "SLA" });
const SLA_PARTITION = "SLA#due";

/** Moves the timer earlier (or creates it); never later, and never back past a newer version. */
async function armSlaTimer(caseId: string, at: string, caseVersion: number): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: config.casesTable(),
        Item: slaTimerItem(caseId, at, caseVersion),
        ConditionExpression: "attribute_not_exists(pk) OR #at > :at",
        ExpressionAttributeNames: { "#at": "at" },
        ExpressionAttributeValues: { ":at": at },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Sets the timer to what version `caseVersion` of the case says (null: removes it). */
export async function setSlaTimer(
  caseId: string,
  at: string | null,
  caseVersion: number,
): Promise<void> {
  const condition = {
    ConditionExpression: "attribute_not_exists(pk) OR caseVersion <= :v",
    ExpressionAttributeValues: { ":v": caseVersion },
  };
  const client = dynamoDocumentClient();
  const table = config.casesTable();
  try {
    if (at === null)
      await client.send(
        new DeleteCommand({ TableName: table, Key: slaTimerKey(caseId), ...condition }),
      );
    else
      await client.send(
        new PutCommand({
          TableName: table,
          Item: slaTimerItem(caseId, at, caseVersion),
          ...condition,
        }),
      );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

function slaTimerItem(caseId: string, at: string, caseVersion: number) {
  return {
    ...slaTimerKey(caseId),
    type: "sla-timer",
    caseId,
    at,
    caseVersion,
    gsi3pk: SLA_PARTITION,
    gsi3sk: `${at}#${caseId}`,
  };
}

/** Timers due at `now`, the earliest first: the case ids and when each was due. */
export async function dueSlaTimers(
  now: Date,
  limit: number,
): Promise<{ caseId: string; at: string; caseVersion: number }[]> {
  return (await dueItems("gsi3", SLA_PARTITION, now, limit)).map((item) => ({
    caseId: item.caseId as string,
    at: item.at as string,
    caseVersion: item.caseVersion as number,
  }));
}

/**
 * Applies `change` to the current case and saves it, re-reading and re-applying when someone
 * else saved in between (a few times, then the conflict is thrown and the message retried).
 * `change` returns null when there is nothing to do; the case as it is is then returned.
 */
export async function updateCase(
  caseId: string,
  change: (current: Case) => Case | null,
): Promise<{ case: Case; changed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const current = await getCase(caseId);
    if (!current) throw new Error(`Case ${caseId} not found (yet); retrying`);
    const next = change(current);
    if (!next) return { case: current, changed: false };
    try {
      return { case: await saveCase(next, current.version, current), changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= UPDATE_ATTEMPTS) throw error;
    }
  }
}

const UPDATE_ATTEMPTS = 5;

/** Cases still `new` whose sweeper check is due at `now`, the longest-waiting first. */
export async function listStalledCases(now: Date, limit: number): Promise<Case[]> {
  return (await dueItems("gsi3", STALLED_PARTITION, now, limit)).map(toCase);
}

/** Whether the case's timeline has the entry (`at` and `key` as written). */
export async function hasTimelineEntry(caseId: string, at: string, key: string): Promise<boolean> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: { pk: `CASE#${caseId}`, sk: `TL#${at}#${key}` },
      ConsistentRead: true,
      ProjectionExpression: "pk",
    }),
  );
  return Item !== undefined;
}

// ---- timeline ----------------------------------------------------------------------------

export interface TimelineEntryInput {
  /** When it happened; entries sort by it. Must be the same on a retry (taken from the case or event). */
  readonly at: string;
  /** Unique per case and stable across retries: the same key is written once. */
  readonly key: string;
  /** What happened: opened, event-attached, classified, assigned, queued, … */
  readonly kind: string;
  readonly summary: string;
  readonly actor?: string;
  readonly data?: Record<string, unknown>;
}

/** Adds the entry once; returns false when an entry with the same key and time already exists. */
export function addTimelineEntry(caseId: string, entry: TimelineEntryInput): Promise<boolean> {
  return putIfAbsent(config.casesTable(), {
    pk: `CASE#${caseId}`,
    sk: `TL#${entry.at}#${entry.key}`,
    type: "timeline",
    caseId,
    ...entry,
    actor: entry.actor ?? "system",
  });
}

/**
 * Replaces an entry's `data` (an erasure: its words become a marker). Entries are otherwise
 * never rewritten; false when the entry does not exist.
 */
export async function rewriteTimelineEntryData(
  caseId: string,
  entry: Pick<TimelineEntry, "at" | "key">,
  data: Record<string, unknown>,
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: { pk: `CASE#${caseId}`, sk: `TL#${entry.at}#${entry.key}` },
        UpdateExpression: "SET #data = :data",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#data": "data" },
        ExpressionAttributeValues: { ":data": data },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Several cases by id (a page of follow-ups needs their customers' names to mask a comment):
 * BatchGetItem (index-query.ts `itemsOf`).
 */
export async function getCases(caseIds: readonly string[]): Promise<Map<string, Case>> {
  const items = await itemsOf([...new Set(caseIds)].map(caseKey));
  return new Map(items.map((item) => [item.caseId as string, toCase(item)]));
}

// ---- listing -----------------------------------------------------------------------------

export interface CaseQuery {
  readonly status?: CaseStatus;
  readonly team?: string;
  readonly assignee?: string;
  readonly waybillNo?: string;
  readonly priority?: Priority;
  readonly category?: Category;
  /** Teams the caller may read; null for all teams. */
  readonly allowedTeams: readonly string[] | null;
  readonly limit: number;
  readonly cursor?: string;
  /** What the cursors are bound to (cursor.ts `cursorBinding`): the route's caller and query. */
  readonly cursorBinding?: string;
}

export interface CasePage {
  readonly items: Case[];
  readonly nextCursor: string | null;
}

/** How many months back the all-cases listing walks (a month at a time, its shards merged). */
const MONTHS_LISTED = 24;

/**
 * The most items one listing request reads. A filter without an index of its own (`category`,
 * `priority`, `status` across all teams) reads until it has a page: past this it answers the page
 * so far with a cursor to go on, rather than a read that grows with the store until the
 * function times out.
 */
export const MAX_ITEMS_READ = 2_000;

export async function listCases(
  query: CaseQuery,
  now: Date,
  maxItemsRead: number = MAX_ITEMS_READ,
): Promise<CasePage> {
  const start = query.cursor ? decodeCursor(query.cursor, query.cursorBinding) : undefined;
  const { allowedTeams } = query;
  if (
    allowedTeams &&
    (allowedTeams.length === 0 || (query.team && !allowedTeams.includes(query.team)))
  ) {
    return { items: [], nextCursor: null };
  }
  const plan = planQuery(query);
  // The same binding with another plan (the caller's teams changed): refused like any other.
  if (start && start.index !== plan.index) throw new InvalidCursorError();
  if (plan.index === "gsi4") return listAllCases(query, plan, start, now, maxItemsRead);
  const items: Case[] = [];
  let startKey = start && Object.keys(start.key).length > 0 ? start.key : undefined;
  const entries: Record<string, unknown>[] = [];
  let read = 0;
  let calls = 0;
  for (;;) {
    const needed = query.limit - items.length + 1;
    // A filter that left the first call short reads on in larger calls (fewer round trips).
    const wanted = plan.filtered && calls > 0 ? Math.max(needed, FILTERED_QUERY_LIMIT) : needed;
    calls++;
    const page = await queryIndex(
      plan.input(startKey, Math.min(wanted, Math.max(maxItemsRead - read, 1))),
    );
    for (const item of page.items) items.push(toCase(item));
    entries.push(...page.entries);
    read += page.scanned;
    startKey = page.lastKey as Record<string, string> | undefined;
    if (items.length > query.limit) {
      // The next page starts after the last entry as the index had it (its item may have
      // moved in the index since).
      const last = entries[query.limit - 1] as Record<string, unknown>;
      return {
        items: items.slice(0, query.limit),
        nextCursor: encodeCursor(cursorAt(plan.index, last), query.cursorBinding),
      };
    }
    if (!startKey) return { items, nextCursor: null };
    if (read >= maxItemsRead)
      return {
        items,
        nextCursor: encodeCursor({ index: plan.index, key: startKey }, query.cursorBinding),
      };
  }
}

/**
 * All cases (gsi4), newest first: month by month, each month's shards merged (merged-query.ts).
 * A cursor holds the month and the sort key to go on below (`before`; none at a month's start).
 */
async function listAllCases(
  query: CaseQuery,
  plan: QueryPlan,
  start: Cursor | undefined,
  now: Date,
  maxItemsRead: number,
): Promise<CasePage> {
  const items: Case[] = [];
  /** Where each item is in the index: the month and its sort key. */
  const positions: { month: string; below: string }[] = [];
  let read = 0;
  const months = monthBuckets(now, start?.bucket);
  // A cursor issued before the shards held the entry's own keys: it resumes below its sort key.
  let before = start ? (start.key.before ?? start.key.gsi4sk) : undefined;
  const at = (month: string, below?: string) =>
    encodeCursor(
      { index: "gsi4", key: below ? { before: below } : {}, bucket: month },
      query.cursorBinding,
    );
  for (const [m, month] of months.entries()) {
    for (;;) {
      const wanted = query.limit - items.length + 1;
      const page = await queryMerged({
        partitions: allCasesPartitions(month),
        sortKey: "gsi4sk",
        ...(before ? { before } : {}),
        wanted,
        budget: Math.max(maxItemsRead - read, 1),
        filtered: plan.filtered,
        input: plan.allCasesInput,
      });
      read += page.read;
      // The items of the entries, in order; one deleted since the index answered is left out.
      const found = await itemsOf(page.entries);
      const kept = new Set(found.map((item) => item.pk as string));
      for (const entry of page.entries)
        if (kept.has(entry.pk as string)) positions.push({ month, below: entry.gsi4sk as string });
      items.push(...found.map(toCase));
      if (items.length > query.limit) {
        const last = positions[query.limit - 1] as { month: string; below: string };
        return { items: items.slice(0, query.limit), nextCursor: at(last.month, last.below) };
      }
      if (page.resumeBefore) return { items, nextCursor: at(month, page.resumeBefore) };
      if (page.entries.length < wanted) break; // the month is read
      // Items gone since their entries were read: read on in the month.
      before = page.entries.at(-1)?.gsi4sk as string;
    }
    before = undefined;
    // The budget is spent: the next month starts the next page.
    const next = months[m + 1];
    if (read >= maxItemsRead && next) return { items, nextCursor: at(next) };
  }
  return { items, nextCursor: null };
}

type IndexName = "gsi1" | "gsi2" | "gsi3" | "gsi4";

interface QueryPlan {
  readonly index: IndexName;
  /** Filters run after the read (the query reads more than it returns). */
  readonly filtered: boolean;
  /** The query of the index's one partition (gsi1, gsi2, gsi3). */
  input(startKey: Record<string, string> | undefined, limit: number): QueryCommandInput;
  /** The query of one partition of the all-cases index (gsi4), below a sort key. */
  allCasesInput(
    partition: string,
    before: string | undefined,
    limit: number,
    startKey: Record<string, unknown> | undefined,
  ): QueryCommandInput;
}

/** Picks the most selective index for the filters; the remaining filters run server-side. */
function planQuery(query: CaseQuery): QueryPlan {
  const team = query.team ?? (query.allowedTeams?.length === 1 ? query.allowedTeams[0] : undefined);
  const filters = new Filters();
  if (query.priority) filters.equals("priority", query.priority);
  if (query.category) filters.equals("category", query.category);

  let index: IndexName;
  let partition = "";
  let sortPrefix: string | undefined;
  if (query.waybillNo) {
    index = "gsi1";
    partition = `WAYBILL#${query.waybillNo}`;
    if (query.status) filters.equals("status", query.status);
    if (query.team) filters.equals("team", query.team);
    if (query.assignee) filters.equals("assignee", query.assignee);
  } else if (query.assignee) {
    index = "gsi3";
    partition = `ASSIGNEE#${query.assignee}`;
    sortPrefix = query.status ? `${query.status}#` : undefined;
    if (query.team) filters.equals("team", query.team);
  } else if (team) {
    index = "gsi2";
    partition = `TEAM#${team}`;
    sortPrefix = query.status ? `${query.status}#` : undefined;
  } else {
    index = "gsi4";
    if (query.status) filters.equals("status", query.status);
  }

  if (query.allowedTeams && index !== "gsi2") filters.oneOf("team", query.allowedTeams);
  const filter = filters.expression
    ? {
        FilterExpression: filters.expression,
        ExpressionAttributeNames: filters.names,
        ExpressionAttributeValues: filters.values,
      }
    : { ExpressionAttributeNames: {}, ExpressionAttributeValues: {} };

  return {
    index,
    filtered: filters.expression !== undefined,
    input: (startKey, limit) => ({
      TableName: config.casesTable(),
      IndexName: index,
      KeyConditionExpression: sortPrefix ? "#pk = :pk AND begins_with(#sk, :prefix)" : "#pk = :pk",
      ...filter,
      ExpressionAttributeNames: {
        "#pk": `${index}pk`,
        ...(sortPrefix ? { "#sk": `${index}sk` } : {}),
        ...filter.ExpressionAttributeNames,
      },
      ExpressionAttributeValues: {
        ":pk": partition,
        ...(sortPrefix ? { ":prefix": sortPrefix } : {}),
        ...filter.ExpressionAttributeValues,
      },
      // A team's queue lists in the order it is handed out; everything else newest first.
      ScanIndexForward: index === "gsi2" && query.status === "queued",
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
    allCasesInput: (shard, before, limit, startKey) => ({
      TableName: config.casesTable(),
      IndexName: "gsi4",
      KeyConditionExpression: before ? "#pk = :pk AND #sk < :before" : "#pk = :pk",
      ...filter,
      ExpressionAttributeNames: {
        "#pk": "gsi4pk",
        ...(before ? { "#sk": "gsi4sk" } : {}),
        ...filter.ExpressionAttributeNames,
      },
      ExpressionAttributeValues: {
        ":pk": shard,
        ...(before ? { ":before": before } : {}),
        ...filter.ExpressionAttributeValues,
      },
      ScanIndexForward: false,
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  };
}

class Filters {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly parts: string[] = [];
  get expression(): string | undefined {
    return this.parts.length ? this.parts.join(" AND ") : undefined;
  }
  equals(attribute: string, value: unknown): void {
    const n = this.parts.length;
    this.names[`#f${n}`] = attribute;
    this.values[`:f${n}`] = value;
    this.parts.push(`#f${n} = :f${n}`);
  }
  oneOf(attribute: string, values: readonly unknown[]): void {
    const n = this.parts.length;
    this.names[`#f${n}`] = attribute;
    const placeholders = values.map((value, i) => {
      this.values[`:f${n}_${i}`] = value;
      return `:f${n}_${i}`;
    });
    this.parts.push(`#f${n} IN (${placeholders.join(", ")})`);
  }
}

/** Months from the cursor's (or the current) one back to the oldest listed, newest first. */
function monthBuckets(now: Date, from?: string): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  for (let i = 0; i < MONTHS_LISTED; i++) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() - 1);
  }
  return from ? months.filter((month) => month <= from) : months;
}

function cursorAt(index: IndexName, entry: Record<string, unknown>): Cursor {
  const key: Record<string, string> = { pk: entry.pk as string, sk: entry.sk as string };
  key[`${index}pk`] = entry[`${index}pk`] as string;
  key[`${index}sk`] = entry[`${index}sk`] as string;
  return { index, key };
}

// ---- a team's queue, for handing out work as capacity frees -------------------------------

/** The team's queued cases in the order they go out (most urgent, then oldest), up to `limit`. */
export async function queuedCasesOfTeam(team: string, limit: number): Promise<Case[]> {
  const { items } = await queryIndex({
    TableName: config.casesTable(),
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :pk AND begins_with(gsi2sk, :queued)",
    ExpressionAttributeValues: { ":pk": `TEAM#${team}`, ":queued": "queued#" },
    Limit: limit,
  });
  return items.map(toCase);
}

// ---- backlog ---------------------------------------------------------------------------------

/** Open statuses a team's cases are counted in (a case still `new` has no team yet). */
const TEAM_OPEN_STATUSES = ["queued", "assigned", "in_progress", "waiting", "reopened"] as const;

export interface TeamBacklog {
  readonly byStatus: Readonly<Record<string, number>>;
  readonly total: number;
  readonly oldestOpenedAt: string | null;
}

/**
 * A team's open cases by status, and when the oldest of them opened: one counting Query per
 * status on gsi2 (`Select: COUNT` reads keys only), and one item each for the oldest.
 */
export async function backlogOfTeam(team: string): Promise<TeamBacklog> {
  const byStatus: Record<string, number> = {};
  let oldest: string | null = null;
  for (const status of TEAM_OPEN_STATUSES) {
    byStatus[status] = await countIndex("gsi2", `TEAM#${team}`, `${status}#`);
    // Queued cases sort by priority first: the oldest is the oldest of each priority.
    const prefixes = status === "queued" ? ["queued#1#", "queued#2#", "queued#3#"] : [`${status}#`];
    for (const prefix of prefixes) {
      const openedAt = await firstOpenedAt(`TEAM#${team}`, prefix);
      if (openedAt && (oldest === null || openedAt < oldest)) oldest = openedAt;
    }
  }
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return { byStatus, total, oldestOpenedAt: oldest };
}

/** Cases still `new` (being classified and routed): they have no team yet. */
export function countNewCases(): Promise<number> {
  return countIndex("gsi3", STALLED_PARTITION, "");
}

function countIndex(index: "gsi2" | "gsi3", pk: string, prefix: string): Promise<number> {
  return countMatches({
    IndexName: index,
    KeyConditionExpression: prefix
      ? `${index}pk = :pk AND begins_with(${index}sk, :prefix)`
      : `${index}pk = :pk`,
    ExpressionAttributeValues: prefix ? { ":pk": pk, ":prefix": prefix } : { ":pk": pk },
  });
}

/** When the first case under the prefix opened, from its gsi2sk (`…#<createdAt>#<caseId>`). */
async function firstOpenedAt(pk: string, prefix: string): Promise<string | undefined> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: config.casesTable(),
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk AND begins_with(gsi2sk, :prefix)",
      ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
      Limit: 1,
    }),
  );
  const sortKey = Items?.[0]?.gsi2sk;
  return typeof sortKey === "string" ? sortKey.split("#").at(-2) : undefined;
}

// ---- by waybill, for repeat complaints -----------------------------------------------------

/** The waybill's cases, newest first (a waybill has a handful: one per problem and repeat). */
export async function casesOfWaybill(waybillNo: string, limit = 50): Promise<Case[]> {
  const { items } = await queryIndex({
    TableName: config.casesTable(),
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": `WAYBILL#${waybillNo}` },
    ScanIndexForward: false,
    Limit: limit,
  });
  return items.map(toCase);
}

// ---- agent corrections, for improving the rules ------------------------------------------

/** One agent correction as exported (../samples format plus who, when and which case). */
export interface CorrectionRecord {
  readonly caseId: string;
  readonly version: number;
  readonly at: string;
  readonly by: string;
  readonly text: string | null;
  readonly channel: string | null;
  readonly context: { customerTier: string; declaredValue?: number; repeat?: boolean };
  readonly from: { category: Category; severity: string | null };
  readonly expected: { category: Category; severity: string; feedbackType: string | null };
}

const correctionDayKey = (at: string) => `CORRECTIONS#${at.slice(0, 10)}`;

/** Keeps the correction under its UTC day (written once per case version). */
export function putCorrectionRecord(record: CorrectionRecord): Promise<boolean> {
  return putIfAbsent(config.casesTable(), {
    pk: correctionDayKey(record.at),
    sk: `${record.at}#${record.caseId}#v${record.version}`,
    type: "correction",
    ...record,
  });
}

/**
 * An erasure: the correction's text (the customer's words it was classified from) is dropped,
 * so the sample leaves the export too. False when there is no such record.
 */
export async function eraseCorrectionText(
  at: string,
  caseId: string,
  version: number,
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: { pk: correctionDayKey(at), sk: `${at}#${caseId}#v${version}` },
        UpdateExpression: "SET #text = :none",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#text": "text" },
        ExpressionAttributeValues: { ":none": null },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The corrections of one UTC day (YYYY-MM-DD), oldest first: one Query per day, no Scan. */
export async function correctionsOfDay(day: string): Promise<CorrectionRecord[]> {
  const records: CorrectionRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: config.casesTable(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `CORRECTIONS#${day}` },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, type: _type, ...record } = item;
      records.push(record as CorrectionRecord);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records;
}

// ---- a case's timeline ---------------------------------------------------------------------

export interface TimelineEntry extends TimelineEntryInput {
  readonly caseId: string;
  readonly actor: string;
}

/**
 * The case's timeline in time order, a page at a time (`cursor`: the previous page's, issued
 * for the same `cursorBinding`: the route's caller and case; none for internal paging).
 */
export async function timelineOf(
  caseId: string,
  limit: number,
  cursor?: string,
  cursorBinding?: string,
): Promise<{ items: TimelineEntry[]; nextCursor: string | null }> {
  const start = cursor ? decodeCursor(cursor, cursorBinding) : undefined;
  if (start && (start.index !== "timeline" || start.key.pk !== `CASE#${caseId}`))
    throw new InvalidCursorError();
  const page = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: config.casesTable(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :tl)",
      ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":tl": "TL#" },
      Limit: limit,
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start.key } : {}),
    }),
  );
  const items = (page.Items ?? []).map((item) => {
    const { pk: _pk, sk: _sk, type: _type, ...entry } = item;
    return entry as TimelineEntry;
  });
  const last = page.LastEvaluatedKey as Record<string, string> | undefined;
  return {
    items,
    nextCursor: last ? encodeCursor({ index: "timeline", key: last }, cursorBinding) : null,
  };
}

// ---- deliveries ----------------------------------------------------------------------------

export interface Delivery {
  readonly eventId: string;
  readonly deliveredAt: string;
  /** Where it was delivered from (a customer's later complaint about it counts there). */
  readonly outletId?: string;
  readonly courierId?: string;
  readonly region?: string;
}

const deliveryKey = (waybillNo: string) => ({ pk: `WAYBILL#${waybillNo}`, sk: "DELIVERED" });

/**
 * Keeps the waybill's latest delivery (the one a delay case is measured against, whatever the
 * order in which several arrive), so a delay case that opens after it still learns of it.
 * Returns the delivery on record when it is not this one's predecessor: this one again, or a
 * later one (read only then, so the first time costs one write).
 */
export async function recordDelivery(
  waybillNo: string,
  delivery: Delivery,
): Promise<
  { readonly recorded: true } | { readonly recorded: false; readonly onRecord?: Delivery }
> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: config.casesTable(),
        Item: { ...deliveryKey(waybillNo), type: "delivery", ...delivery },
        ConditionExpression: "attribute_not_exists(pk) OR deliveredAt < :at",
        ExpressionAttributeValues: { ":at": delivery.deliveredAt },
      }),
    );
    return { recorded: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const onRecord = await deliveryOf(waybillNo);
    return { recorded: false, ...(onRecord ? { onRecord } : {}) };
  }
}

export async function deliveryOf(waybillNo: string): Promise<Delivery | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: deliveryKey(waybillNo),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const place = Object.fromEntries(
    (["outletId", "courierId", "region"] as const)
      .filter((field) => typeof Item[field] === "string")
      .map((field) => [field, Item[field] as string]),
  );
  return { eventId: Item.eventId as string, deliveredAt: Item.deliveredAt as string, ...place };
}

/** The waybill's open case of the category, if any (through its open-case guard). */
export async function openCaseOf(waybillNo: string, category: Category): Promise<Case | undefined> {
  const guard = await getGuard(waybillNo, category);
  if (!guard) return undefined;
  const c = await getCase(guard.caseId as string);
  return c && isOpenStatus(c.status) ? c : undefined;
}
