// Follow-ups (回访) in the `cases` table: one item each, written conditionally on its version.
// Its index entries serve the three ways it is read (infra/data-model.md):
// - gsi1 `FUAGENT#<agent>` (or `FUPOOL#<team>` for the team's pool), by status then due time:
//   an agent's own list, most overdue first;
// - gsi2 `FUTEAM#<team>`, by status then due time: a supervisor's list of the team;
// - gsi4 `FOLLOWUPS#<status>`, by due time: the sweep reads `FOLLOWUPS#scheduled` up to now
//   (what is due, never a Scan), and admins list everything of a status;
// - gsi3 `FUOUTBOX` (sparse), by when to look: a step saved whose event is not published yet (an
//   outcome's FollowUp Completed, the next call's FollowUp Scheduled). The writer publishes, then
//   clears it; the sweep publishes what a crash left there.
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FollowUp, FollowUpStatus, OutcomeResult } from "#shared/domain/follow-up.ts";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { isConditionFailure, putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";
import { queryIndex } from "./index-query.ts";
import { decodeCursor, encodeCursor, InvalidCursorError } from "./cursor.ts";
import { putCustomerFollowUpRef } from "./customer-index.ts";
import { countMatches, dueItems } from "./due-index.ts";

export class FollowUpConflictError extends Error {
  constructor(followUpId: string, expected: number) {
    super(`Follow-up ${followUpId} changed since version ${expected}`);
    this.name = "FollowUpConflictError";
  }
}

const key = (followUpId: string) => ({ pk: `FOLLOWUP#${followUpId}`, sk: "FOLLOWUP" });

const ownerPartition = (fu: Pick<FollowUp, "assignee" | "team">) =>
  fu.assignee ? `FUAGENT#${fu.assignee}` : `FUPOOL#${fu.team ?? "none"}`;

/** A step of a follow-up saved and still to be announced (its event, its timeline entry). */
export interface PendingAnnouncement {
  readonly result: OutcomeResult;
  readonly at: string;
}

/** How long the writer has to announce a step before the sweep does it instead. */
export const ANNOUNCE_GRACE_MS = 2 * 60_000;

function item(fu: FollowUp, outbox?: PendingAnnouncement): Record<string, unknown> {
  const order = `${fu.status}#${fu.dueAt}#${fu.followUpId}`;
  const lookAt = outbox && new Date(Date.parse(outbox.at) + ANNOUNCE_GRACE_MS).toISOString();
  return {
    ...key(fu.followUpId),
    type: "follow-up",
    ...fu,
    ...(outbox ? { outbox, gsi3pk: OUTBOX, gsi3sk: `${lookAt}#${fu.followUpId}` } : {}),
    gsi1pk: ownerPartition(fu),
    gsi1sk: order,
    ...(fu.team ? { gsi2pk: `FUTEAM#${fu.team}`, gsi2sk: order } : {}),
    gsi4pk: `FOLLOWUPS#${fu.status}`,
    gsi4sk: `${fu.dueAt}#${fu.followUpId}`,
  };
}

const STORAGE_KEYS = new Set([
  "pk",
  "sk",
  "type",
  "outbox",
  ...["gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk"],
]);

const OUTBOX = "FUOUTBOX";

function toFollowUp(raw: Record<string, unknown>): FollowUp {
  const fu: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!STORAGE_KEYS.has(k)) fu[k] = v;
  return fu as unknown as FollowUp;
}

/** Creates the follow-up unless it exists (its id is deterministic): false when it did. */
export async function createFollowUp(fu: FollowUp): Promise<boolean> {
  // A follow-up of no case (a sampled delivery) is found by its customer's ref for an erasure.
  if (fu.caseId === null) await putCustomerFollowUpRef(fu.customerId, fu.followUpId, fu.createdAt);
  return putIfAbsent(config.casesTable(), item(fu));
}

/**
 * An erasure: the outcome's comment (the customer's words) becomes `marker`, on the version
 * (bumped, so a writer holding the old one cannot put the comment back). False when the
 * follow-up is at another version or has no comment: read it again.
 */
export async function eraseFollowUpComment(
  followUpId: string,
  expectedVersion: number,
  marker: string,
  at: string,
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: key(followUpId),
        UpdateExpression: "SET outcome.#comment = :marker, #version = :next, updatedAt = :at",
        ConditionExpression: "#version = :v AND attribute_type(outcome.#comment, :string)",
        ExpressionAttributeNames: { "#comment": "comment", "#version": "version" },
        ExpressionAttributeValues: {
          ":marker": marker,
          ":v": expectedVersion,
          ":next": expectedVersion + 1,
          ":at": at,
          ":string": "S",
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function getFollowUp(followUpId: string): Promise<FollowUp | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: config.casesTable(), Key: key(followUpId), ConsistentRead: true }),
  );
  return Item ? toFollowUp(Item) : undefined;
}

/**
 * Replaces the follow-up with `next` if it is still at `expectedVersion`; with `outbox`, the step
 * is kept as still to be announced until `clearOutbox`.
 */
export async function saveFollowUp(
  next: FollowUp,
  expectedVersion: number,
  outbox?: PendingAnnouncement,
): Promise<FollowUp> {
  const saved: FollowUp = { ...next, version: expectedVersion + 1 };
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: config.casesTable(),
        Item: item(saved, outbox),
        ConditionExpression: "#version = :expected",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":expected": expectedVersion },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error))
      throw new FollowUpConflictError(next.followUpId, expectedVersion);
    throw error;
  }
  return saved;
}

/** The step of version `version` is announced (a later version keeps its own outbox). */
export async function clearOutbox(followUpId: string, version: number): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: key(followUpId),
        UpdateExpression: "REMOVE outbox, gsi3pk, gsi3sk",
        ConditionExpression: "#version = :v AND attribute_exists(outbox)",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":v": version },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Steps saved but not announced within the grace period (their writer died), oldest first. */
export async function unannouncedFollowUps(
  now: Date,
  limit: number,
): Promise<{ followUp: FollowUp; outbox: PendingAnnouncement }[]> {
  return (await dueItems("gsi3", OUTBOX, now, limit)).map((raw) => ({
    followUp: toFollowUp(raw),
    outbox: raw.outbox as PendingAnnouncement,
  }));
}

/** Scheduled follow-ups whose call is due at `now`, the most overdue first. */
export async function dueFollowUps(now: Date, limit: number): Promise<FollowUp[]> {
  return (await dueItems("gsi4", "FOLLOWUPS#scheduled", now, limit)).map(toFollowUp);
}

/** Follow-up calls `due` since before `before` (overdue), counted on gsi4 (keys only). */
export function countDueSince(before: Date): Promise<number> {
  return countMatches({
    IndexName: "gsi4",
    KeyConditionExpression: "gsi4pk = :pk AND gsi4sk < :before",
    ExpressionAttributeValues: { ":pk": "FOLLOWUPS#due", ":before": before.toISOString() },
  });
}

export interface FollowUpQuery {
  readonly status?: FollowUpStatus;
  /** An agent's own follow-ups. */
  readonly assignee?: string;
  /** With `pool: true`, the team's pool; else every follow-up of the team. */
  readonly team?: string;
  readonly pool?: boolean;
}

export interface FollowUpPage {
  readonly items: FollowUp[];
  readonly nextCursor: string | null;
}

/**
 * One page of follow-ups, most overdue first within a status (status order when none is
 * given): an agent's (gsi1), a team's pool (gsi1) or whole team (gsi2); without either, one
 * status across all teams (gsi4; `status` is then required).
 */
export async function listFollowUps(
  query: FollowUpQuery,
  limit: number,
  cursor?: string,
  /** What the cursors are bound to (cursor.ts `cursorBinding`): the route's caller and query. */
  cursorBinding?: string,
): Promise<FollowUpPage> {
  const plan = planOf(query);
  const start = cursor ? decodeCursor(cursor, cursorBinding) : undefined;
  if (start && start.index !== plan.index) throw new InvalidCursorError();
  const { items, lastKey } = await queryIndex({
    TableName: config.casesTable(),
    IndexName: plan.index,
    KeyConditionExpression: plan.condition,
    ExpressionAttributeValues: plan.values,
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start.key } : {}),
  });
  return {
    items: items.map(toFollowUp),
    nextCursor: lastKey
      ? encodeCursor(
          {
            index: plan.index,
            key: Object.fromEntries(Object.entries(lastKey).map(([k, v]) => [k, String(v)])),
          },
          cursorBinding,
        )
      : null,
  };
}

function planOf(query: FollowUpQuery): {
  index: "gsi1" | "gsi2" | "gsi4";
  condition: string;
  values: Record<string, string>;
} {
  const prefix: Record<string, string> = query.status ? { ":status": `${query.status}#` } : {};
  const sortCondition = query.status ? " AND begins_with(#sk, :status)" : "";
  if (query.assignee || (query.team && query.pool)) {
    const pk = query.assignee ? `FUAGENT#${query.assignee}` : `FUPOOL#${query.team}`;
    return {
      index: "gsi1",
      condition: `gsi1pk = :pk${sortCondition.replace("#sk", "gsi1sk")}`,
      values: { ":pk": pk, ...prefix },
    };
  }
  if (query.team)
    return {
      index: "gsi2",
      condition: `gsi2pk = :pk${sortCondition.replace("#sk", "gsi2sk")}`,
      values: { ":pk": `FUTEAM#${query.team}`, ...prefix },
    };
  if (!query.status) throw new RangeError("Name a status, a team or an assignee");
  return {
    index: "gsi4",
    condition: "gsi4pk = :pk",
    values: { ":pk": `FOLLOWUPS#${query.status}` },
  };
}
