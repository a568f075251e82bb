// Where a customer's personal data is, for erasing it on request (functions/api/use-cases/
// erase-customer.ts), without a Scan: one small reference item per (customer, case) and per
// (customer, follow-up of a sampled delivery) in the partition `CUSTOMER#<customerId>` of the
// `cases` table, written once (conditional put) before the data it points to exists, so no case
// or follow-up is ever out of reach. A case's own follow-ups need none: their ids follow from the
// case (FU-<case>-<round>). The same partition holds the erasure's audit record (sk `ERASURE`).
// Refs carry ids and times only.
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { isConditionFailure, putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";

const partition = (customerId: string) => `CUSTOMER#${customerId}`;

/** What the erasure of one ref's items found and erased (kept on the ref once done). */
export interface ErasureCounts {
  readonly timelineEntries: number;
  readonly followUps: number;
  readonly corrections: number;
}

export interface CustomerRef {
  readonly sk: string;
  readonly caseId?: string;
  readonly followUpId?: string;
  readonly at: string;
  /** Set once the ref's items are erased. */
  readonly erasedAt?: string;
  readonly counts?: ErasureCounts;
}

/** The audit record of a customer's erasure: who asked first, when, why; no personal data. */
export interface ErasureRecord {
  readonly customerId: string;
  readonly erasedAt: string;
  readonly by: string;
  /** The admin's reason, masked (it could quote the customer). */
  readonly reason: string;
  /** Requests that erased something (a repeat that finds nothing left changes nothing). */
  readonly requests: number;
  readonly lastRequestAt: string;
  readonly lastBy: string;
}

/** The customer's data is (also) on this case: written before the case or its entry is. */
export function putCustomerCaseRef(customerId: string, caseId: string, at: string) {
  return putIfAbsent(config.casesTable(), {
    pk: partition(customerId),
    sk: `CASE#${caseId}`,
    type: "customer-ref",
    caseId,
    at,
  });
}

/** A follow-up that belongs to no case (a sampled delivery): written before the follow-up is. */
export function putCustomerFollowUpRef(customerId: string, followUpId: string, at: string) {
  return putIfAbsent(config.casesTable(), {
    pk: partition(customerId),
    sk: `FOLLOWUP#${followUpId}`,
    type: "customer-ref",
    followUpId,
    at,
  });
}

/** Pages of the partition read at most per request (a page holds thousands of refs). */
const MAX_PAGES = 20;

/**
 * The customer's refs (cases first, then follow-ups) and their erasure record, read with one
 * paged Query of the partition (consistent); `truncated` when it holds more than MAX_PAGES.
 */
export async function customerRefs(
  customerId: string,
): Promise<{ refs: CustomerRef[]; record: ErasureRecord | undefined; truncated: boolean }> {
  const refs: CustomerRef[] = [];
  let record: ErasureRecord | undefined;
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { Items, LastEvaluatedKey } = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: config.casesTable(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": partition(customerId) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of Items ?? []) {
      const { pk: _pk, type, ...rest } = item;
      if (type === "erasure") {
        const { sk: _sk, ...fields } = rest;
        record = fields as ErasureRecord;
      } else if (type === "customer-ref") refs.push(rest as CustomerRef);
    }
    start = LastEvaluatedKey;
    if (!start) return { refs, record, truncated: false };
  }
  return { refs, record, truncated: true };
}

/** Creates the record unless one exists (a concurrent first request): false then. */
export function createErasureRecord(record: ErasureRecord): Promise<boolean> {
  return putIfAbsent(config.casesTable(), {
    pk: partition(record.customerId),
    sk: "ERASURE",
    type: "erasure",
    ...record,
  });
}

/** A later request that found something left to erase. */
export async function noteErasureRequest(customerId: string, at: string, by: string) {
  await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: config.casesTable(),
      Key: { pk: partition(customerId), sk: "ERASURE" },
      UpdateExpression: "SET lastRequestAt = :at, lastBy = :by ADD requests :one",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":at": at, ":by": by, ":one": 1 },
    }),
  );
}

/** The ref's items are erased (once: a concurrent request that got there first keeps its counts). */
export async function markRefErased(
  customerId: string,
  ref: CustomerRef,
  at: string,
  by: string,
  counts: ErasureCounts,
): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: { pk: partition(customerId), sk: ref.sk },
        UpdateExpression: "SET erasedAt = :at, erasedBy = :by, #counts = :counts",
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(erasedAt)",
        ExpressionAttributeNames: { "#counts": "counts" },
        ExpressionAttributeValues: { ":at": at, ":by": by, ":counts": counts },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
