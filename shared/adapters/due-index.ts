// The index queries the sweeps and the counters share: the items of a sparse index partition
// sorted by when to look at them (`<ISO instant>#<id>`), up to `now`, the earliest first; and
// how many items a query matches. Never a Scan: a sweep reads only what is due.
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { config } from "./config.ts";
import { queryIndex } from "./index-query.ts";

export async function dueItems(
  index: "gsi3" | "gsi4",
  partition: string,
  now: Date,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const { items } = await queryIndex({
    TableName: config.casesTable(),
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk AND ${index}sk < :due`,
    ExpressionAttributeValues: { ":pk": partition, ":due": `${now.toISOString()}~` },
    Limit: limit,
  });
  return items;
}

/** How many items the query matches, every page counted (`Select: COUNT` reads keys only). */
export async function countMatches(
  query: Omit<QueryCommandInput, "TableName" | "Select" | "ExclusiveStartKey">,
): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: config.casesTable(),
        ...query,
        Select: "COUNT",
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}
