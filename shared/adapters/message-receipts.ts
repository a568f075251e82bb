// A customer's message sent again with its Idempotency-Key (a channel retrying) is the same
// message: it keeps the instant it was first received. Its timeline entry, the repeat-complaint
// window and the case's last customer message are then decided as for the first attempt, so a
// retry attaches nothing twice and cannot turn into a repeat complaint once the case is resolved.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { putIfAbsent } from "./conditional-writes.ts";
import { config } from "./config.ts";

/** How long a receipt outlives its message (DynamoDB TTL `expiresAt`): longer than any retry. */
export const RECEIPT_RETENTION_DAYS = 7;

/** When the message was first received: `now` for a first attempt, else the first's instant. */
export async function firstReceivedAt(messageId: string, now: Date): Promise<Date> {
  const key = { pk: `MESSAGE#${messageId}`, sk: "RECEIPT" };
  const receipt = {
    ...key,
    type: "message-receipt",
    messageId,
    receivedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + RECEIPT_RETENTION_DAYS * 86_400,
  };
  if (await putIfAbsent(config.casesTable(), receipt)) return now;
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: config.casesTable(), Key: key, ConsistentRead: true }),
  );
  return typeof Item?.receivedAt === "string" ? new Date(Item.receivedAt) : now;
}
