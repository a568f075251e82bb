// The query every sweep makes: the items of a sparse index partition sorted by when to look at
// them (`<ISO instant>#<id>`), up to `now`, the earliest first. Never a Scan: a sweep reads only
// what is due, whatever lies further ahead.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { config } from "./config.ts";

export async function dueItems(
  index: "gsi3" | "gsi4",
  partition: string,
  now: Date,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: config.casesTable(),
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk AND ${index}sk < :due`,
      ExpressionAttributeValues: { ":pk": partition, ":due": `${now.toISOString()}~` },
      Limit: limit,
    }),
  );
  return Items ?? [];
}
