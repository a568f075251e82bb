// Index queries that answer with whole items. The `cases` table's indexes hold the keys and the
// few attributes the listings filter on (infra/topology.ts `projected`), not the items: a save
// that changes none of those writes no index, and an index entry is a fraction of its item (one
// write unit where a whole case took two). So a query of an index is followed by one
// BatchGetItem (strongly consistent) of the items it found, in the index's order.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { config } from "./config.ts";

type Item = Record<string, unknown>;

export interface IndexPage {
  /** The items, read from the table; one deleted since the index answered is left out. */
  readonly items: Item[];
  /** The index entry of each of those items (its keys as the index had them), for cursors. */
  readonly entries: Item[];
  readonly lastKey?: Record<string, unknown>;
  /** Index entries read (before any filter). */
  readonly scanned: number;
}

/** Runs the Query (with its IndexName) and reads the items it names from the table. */
export async function queryIndex(input: QueryCommandInput): Promise<IndexPage> {
  const page = await dynamoDocumentClient().send(new QueryCommand(input));
  const found = await itemsByKey(page.Items ?? []);
  const entries = (page.Items ?? []).filter((e) => found.has(idOf(e)));
  return {
    items: entries.map((e) => found.get(idOf(e)) as Item),
    entries,
    ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}),
    scanned: page.ScannedCount ?? page.Items?.length ?? 0,
  };
}

const idOf = (item: Item) => `${String(item.pk)}|${String(item.sk)}`;

/** The items of these keys (or entries) that exist, in their order. */
export async function itemsOf(entries: readonly Item[]): Promise<Item[]> {
  const found = await itemsByKey(entries);
  return entries.flatMap((e): Item[] => {
    const item = found.get(idOf(e));
    return item ? [item] : [];
  });
}

/** BatchGetItem of the entries' items, 100 keys a request, unprocessed keys asked again. */
async function itemsByKey(entries: readonly Item[]): Promise<Map<string, Item>> {
  const table = config.casesTable();
  const found = new Map<string, Item>();
  const keys = [...new Map(entries.map((e) => [idOf(e), { pk: e.pk, sk: e.sk }])).values()];
  for (let i = 0; i < keys.length; i += 100) {
    let batch: Item[] | undefined = keys.slice(i, i + 100);
    for (let attempt = 0; batch && batch.length > 0; attempt++) {
      if (attempt === 5) throw new Error("BatchGetItem left keys unprocessed after 5 attempts");
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput =
        await dynamoDocumentClient().send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: batch, ConsistentRead: true } },
          }),
        );
      for (const item of Responses?.[table] ?? []) found.set(idOf(item), item);
      batch = UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}
