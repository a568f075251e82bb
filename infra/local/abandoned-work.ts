// At start, before any queue delivers: idempotency records left "in progress" belong to handlers
// of a process that is gone (one runtime per data directory), so they are released. In AWS such a
// record expires after the function's timeout, which is shorter than the queue's visibility
// timeout, so the message's next delivery takes over; locally the clock can be moved faster than
// that (POST /_local/clock), and a redelivery finding the record still in progress would fail
// until the message dead-letters. A Scan, but only here, once at start, never on an event path.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { localDynamoClient } from "./dynamo-server.ts";

export async function releaseAbandonedIdempotencyRecords(
  endpoint: string,
  tableName: string,
): Promise<number> {
  const client = localDynamoClient(endpoint);
  let released = 0;
  try {
    let startKey: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: "#status = :inProgress",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":inProgress": { S: "INPROGRESS" } },
          ProjectionExpression: "id",
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          await client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: { id: item.id as { S: string } },
              ConditionExpression: "#status = :inProgress",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: { ":inProgress": { S: "INPROGRESS" } },
            }),
          );
          released++;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return released;
}
