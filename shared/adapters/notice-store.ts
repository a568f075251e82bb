// Proactive customer notices and their per-category switches, in the `cases` table.
// Calls flow: intake / sweeper / api → this store → DynamoDB. Every write is conditional; every
// read is a key lookup or a query (access patterns: infra/data-model.md).
//
// A notice item is created once per case and problem (deterministic id, `attribute_not_exists`),
// and sits in the sparse gsi3 partition `NOTICE#unsent`, sorted by when the sweeper should look
// at it, until it is sent or cancelled (then its gsi3 keys are removed).
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Category, CustomerTier } from "#shared/domain/case.ts";
import type { NoticeProblem } from "#shared/domain/customer-notice.ts";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { isConditionFailure, putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";
import { dueItems } from "./due-index.ts";

/** What the Customer Notice Requested event says (no contact data: ids only). */
export interface NoticeDetail {
  readonly noticeId: string;
  readonly caseId: string;
  readonly waybillNo: string | null;
  readonly category: Category;
  readonly problem: NoticeProblem;
  readonly templateKey: string;
  readonly customerId: string;
  readonly customerTier: CustomerTier;
  readonly requestedAt: string;
  readonly sendAt: string;
  readonly held: boolean;
}

/**
 * `held`: waiting for the customer's morning; `pending`: to be published now (by intake, or by
 * the sweeper that claimed it); `sent`: published; `cancelled`: dropped before it went out
 * (notices of its category switched off, or its case no longer open).
 */
export type NoticeStatus = "held" | "pending" | "sent" | "cancelled";

export interface StoredNotice extends NoticeDetail {
  readonly status: NoticeStatus;
  /** When the sweeper looks at it (its gsi3 sort key) while unsent. */
  readonly checkAt: string;
}

// ---- keys --------------------------------------------------------------------------------

const noticeKey = (noticeId: string) => ({ pk: `NOTICE#${noticeId}`, sk: "NOTICE" });
const UNSENT_PARTITION = "NOTICE#unsent";
const sortKey = (checkAt: string, noticeId: string) => `${checkAt}#${noticeId}`;

const DETAIL_FIELDS = [
  "noticeId",
  "caseId",
  "waybillNo",
  "category",
  "problem",
  "templateKey",
  "customerId",
  "customerTier",
  "requestedAt",
  "sendAt",
  "held",
] as const;

/** The event detail of a stored notice (the same content, whoever publishes it). */
export function detailOf(notice: StoredNotice): NoticeDetail {
  const detail: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) detail[field] = notice[field];
  return detail as unknown as NoticeDetail;
}

function toNotice(item: Record<string, unknown>): StoredNotice {
  const notice: Record<string, unknown> = { status: item.status, checkAt: item.checkAt };
  for (const field of DETAIL_FIELDS) notice[field] = item[field];
  return notice as unknown as StoredNotice;
}

// ---- notices -----------------------------------------------------------------------------

/**
 * Creates the notice unless one with its id exists (so a case asks for each problem's notice
 * once, whatever the order or number of deliveries); false when it existed.
 */
export function createNotice(
  detail: NoticeDetail,
  status: "held" | "pending",
  checkAt: string,
): Promise<boolean> {
  return putIfAbsent(config.casesTable(), {
    ...noticeKey(detail.noticeId),
    type: "notice",
    ...detail,
    status,
    checkAt,
    gsi3pk: UNSENT_PARTITION,
    gsi3sk: sortKey(checkAt, detail.noticeId),
  });
}

export async function getNotice(noticeId: string): Promise<StoredNotice | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: noticeKey(noticeId),
      ConsistentRead: true,
    }),
  );
  return Item ? toNotice(Item) : undefined;
}

/** Unsent notices the sweeper should look at by `now`, the earliest first (no Scan). */
export async function dueNotices(now: Date, limit: number): Promise<StoredNotice[]> {
  return (await dueItems("gsi3", UNSENT_PARTITION, now, limit)).map(toNotice);
}

/**
 * The sweeper takes a due notice to publish it: `pending`, looked at again at `retryAt` (should
 * it die before marking it sent). Conditional on the notice being as read (unsent, same sort
 * key), so two sweeps never both take it; false when someone else did, or it went out.
 */
export async function claimNotice(notice: StoredNotice, retryAt: string): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: noticeKey(notice.noticeId),
        UpdateExpression: "SET #status = :pending, checkAt = :retryAt, gsi3sk = :next",
        ConditionExpression: "gsi3sk = :expected AND #status IN (:held, :pending)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":pending": "pending",
          ":held": "held",
          ":retryAt": retryAt,
          ":next": sortKey(retryAt, notice.noticeId),
          ":expected": sortKey(notice.checkAt, notice.noticeId),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Published: out of the unsent partition. A notice already sent (or cancelled) is left alone. */
export function markNoticeSent(noticeId: string, at: string): Promise<boolean> {
  return finish(noticeId, "sent", { sentAt: at });
}

/** Dropped before it went out: out of the unsent partition, with the reason. */
export function cancelNotice(noticeId: string, reason: string, at: string): Promise<boolean> {
  return finish(noticeId, "cancelled", { cancelledAt: at, cancelReason: reason });
}

async function finish(
  noticeId: string,
  status: "sent" | "cancelled",
  fields: Record<string, string>,
): Promise<boolean> {
  const names = Object.keys(fields);
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: noticeKey(noticeId),
        UpdateExpression: `SET #status = :status, ${names.map((n) => `${n} = :${n}`).join(", ")} REMOVE gsi3pk, gsi3sk`,
        ConditionExpression: "attribute_exists(pk) AND #status IN (:held, :pending)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":status": status,
          ":held": "held",
          ":pending": "pending",
          ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

// ---- settings: notices on or off per category --------------------------------------------

export interface NoticeSetting {
  readonly category: Category;
  readonly enabled: boolean;
  /** Who switched it last; null while it is the default (on). */
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  /** 0 while it is the default (no item). */
  readonly version: number;
}

const SETTINGS_PARTITION = "SETTINGS#notices";
const settingKey = (category: Category) => ({ pk: SETTINGS_PARTITION, sk: `CATEGORY#${category}` });

/** The default: notices on. */
export const defaultSetting = (category: Category): NoticeSetting => ({
  category,
  enabled: true,
  updatedBy: null,
  updatedAt: null,
  version: 0,
});

function toSetting(item: Record<string, unknown>): NoticeSetting {
  return {
    category: item.category as Category,
    enabled: item.enabled === true,
    updatedBy: (item.updatedBy as string | undefined) ?? null,
    updatedAt: (item.updatedAt as string | undefined) ?? null,
    version: item.version as number,
  };
}

/** The category's setting (GetItem); the default when nobody switched it. */
export async function noticeSetting(
  category: Category,
  options: { consistentRead?: boolean } = {},
): Promise<NoticeSetting> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: config.casesTable(),
      Key: settingKey(category),
      ConsistentRead: options.consistentRead === true,
    }),
  );
  return Item ? toSetting(Item) : defaultSetting(category);
}

/** The categories somebody switched (one Query of the settings partition: a few items). */
export async function switchedNoticeSettings(): Promise<NoticeSetting[]> {
  const settings: NoticeSetting[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: config.casesTable(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": SETTINGS_PARTITION },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) settings.push(toSetting(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return settings;
}

/**
 * Writes the category's setting if it is still at `previous.version` (0: no item yet). The
 * saved setting, or null when someone else wrote it first (read it again).
 */
export async function putNoticeSetting(
  category: Category,
  enabled: boolean,
  previous: NoticeSetting,
  by: string,
  at: string,
): Promise<NoticeSetting | null> {
  const saved: NoticeSetting = {
    category,
    enabled,
    updatedBy: by,
    updatedAt: at,
    version: previous.version + 1,
  };
  const condition =
    previous.version === 0
      ? { ConditionExpression: "attribute_not_exists(pk)" }
      : {
          ConditionExpression: "#version = :expected",
          ExpressionAttributeNames: { "#version": "version" },
          ExpressionAttributeValues: { ":expected": previous.version },
        };
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: config.casesTable(),
        Item: { ...settingKey(category), type: "notice-setting", ...saved },
        ...condition,
      }),
    );
    return saved;
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}
