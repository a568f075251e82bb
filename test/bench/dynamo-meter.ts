// A meter in front of the embedded store, for the bench: every DynamoDB call the local runtime
// and its functions make goes through it and is counted — calls per operation, and the capacity
// units DynamoDB on-demand would bill for it, indexes included (dynalite's own ConsumedCapacity
// leaves the indexes out, so the meter works them out from the item before and after the write).
//
// Billing rules applied (DynamoDB developer guide, "Read/write capacity mode"):
// - a write costs ceil(size / 1 KB) write units of the larger of the item before and after, also
//   when its condition fails (then of the item as it is); a delete, of the deleted item;
// - each global secondary index whose keys the item has before or after: a put of the new
//   entry, a delete of the old one, or both when its keys change; a put when an attribute the
//   entry holds (the keys and the index's projection, infra/topology.ts) changes; nothing when
//   neither image is in the index or the entry is unchanged. An entry is billed at its own size;
// - a strongly consistent read costs ceil(size / 4 KB) read units, an eventually consistent one
//   half; a Query the sum of the items it read (before any filter), per 4 KB, rounded up once.
// With measuring off it only counts calls and forwards the bytes (no extra reads): cheap
// enough for the throughput run.
import { createServer, type IncomingMessage, request as httpRequest, Agent } from "node:http";
import { listenOnLoopback } from "#infra/local/dynamo-server.ts";
import { tables } from "#infra/topology.ts";

export interface MeterCounts {
  /** Calls per operation (PutItem, Query, …). */
  readonly calls: Record<string, number>;
  /** Item writes (a batch counts each item), failed conditions included. */
  readonly writes: number;
  /** Of which failed their condition. */
  readonly failedConditions: number;
  readonly reads: number;
  readonly writeUnits: number;
  /** Of the write units, those of index entries. */
  readonly indexWriteUnits: number;
  readonly readUnits: number;
  /** Write units per item type (`type` attribute: case, timeline, guard, kpi-fact, …). */
  readonly writeUnitsByType: Record<string, number>;
}

export interface DynamoMeter {
  readonly endpoint: string;
  /** Capacity measuring on or off (off: calls counted, bytes forwarded). */
  measure(on: boolean): void;
  counts(): MeterCounts;
  reset(): void;
  close(): Promise<void>;
}

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

const WRITE_OPS = new Set(["PutItem", "UpdateItem", "DeleteItem"]);

export async function startDynamoMeter(
  storeEndpoint: string,
  options: { measure: boolean },
): Promise<DynamoMeter> {
  let measure = options.measure;
  const store = new URL(storeEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const keysOf = new Map(
    tables.map((t) => [
      t.name,
      {
        key: [t.partitionKey, ...(t.sortKey ? [t.sortKey] : [])],
        indexes: t.indexes.map((i) => ({
          keys: [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])],
          // What an index entry holds: the table's and the index's keys, and its projection.
          held: [
            t.partitionKey,
            ...(t.sortKey ? [t.sortKey] : []),
            i.partitionKey,
            ...(i.sortKey ? [i.sortKey] : []),
            ...i.projected,
          ],
        })),
      },
    ]),
  );
  let counts = empty();

  const send = (
    headers: IncomingMessage["headers"],
    target: string,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: store.hostname,
          port: store.port,
          method: "POST",
          path: "/",
          headers: {
            ...headers,
            "x-amz-target": target,
            host: store.host,
            "content-length": body.length,
          },
          agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (c: Buffer) => chunks.push(c));
          answer.on("end", () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });

  /** The item as it is now (a consistent GetItem the meter makes; not counted). */
  const current = async (
    headers: IncomingMessage["headers"],
    tableName: string,
    key: Item,
  ): Promise<Item | undefined> => {
    const answer = await send(
      headers,
      "DynamoDB_20120810.GetItem",
      Buffer.from(JSON.stringify({ TableName: tableName, Key: key, ConsistentRead: true })),
    );
    if (answer.status !== 200) return undefined;
    return (JSON.parse(answer.body.toString("utf8")) as { Item?: Item }).Item;
  };

  const keyOf = (tableName: string, item: Item): Item => {
    const spec = keysOf.get(tableName);
    return Object.fromEntries((spec?.key ?? []).map((k) => [k, item[k] as AttributeValue]));
  };

  const chargeWrite = (
    tableName: string,
    before?: Item,
    after?: Item,
    failed = false,
    kind?: string,
  ) => {
    counts.writes++;
    if (failed) counts.failedConditions++;
    const table = units(Math.max(sizeOf(before), sizeOf(after)), 1024);
    let index = 0;
    if (!failed)
      for (const { keys, held } of keysOf.get(tableName)?.indexes ?? []) {
        const inBefore = before !== undefined && keys.every((k) => before[k] !== undefined);
        const inAfter = after !== undefined && keys.every((k) => after[k] !== undefined);
        const differ = (names: readonly string[]) =>
          names.some((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]));
        const moved = inBefore && inAfter && differ(keys);
        const entry = (item: Item) => sizeOf(pick(item, held));
        // An entry is written only when the item enters, leaves or moves in the index, or when
        // an attribute it holds changes.
        if (inBefore && (!inAfter || moved)) index += units(entry(before), 1024);
        if (inAfter && (!inBefore || moved || differ(held))) index += units(entry(after), 1024);
      }
    counts.writeUnits += Math.max(table, 1) + index;
    counts.indexWriteUnits += index;
    const type = kind ?? String((after ?? before)?.type?.S ?? "other");
    counts.writeUnitsByType[type] =
      (counts.writeUnitsByType[type] ?? 0) + Math.max(table, 1) + index;
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      handle(request, Buffer.concat(chunks))
        .then((answer) => {
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        })
        .catch(() => {
          if (!response.headersSent) response.writeHead(502);
          response.end();
        });
    });
  });

  async function handle(request: IncomingMessage, body: Buffer) {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.indexOf(".") + 1);
    counts.calls[operation] = (counts.calls[operation] ?? 0) + 1;
    if (!measure) return send(request.headers, target, body);
    const input = JSON.parse(body.toString("utf8") || "{}") as Record<string, any>;
    const tableName = String(input.TableName ?? "");

    if (WRITE_OPS.has(operation)) {
      const key: Item = operation === "PutItem" ? keyOf(tableName, input.Item) : input.Key;
      const before = await current(request.headers, tableName, key);
      const answer = await send(request.headers, target, body);
      const failed =
        answer.status === 400 && answer.body.toString("utf8").includes("ConditionalCheckFailed");
      if (answer.status === 200 || failed) {
        const after =
          failed || operation === "DeleteItem"
            ? failed
              ? before
              : undefined
            : operation === "PutItem"
              ? (input.Item as Item)
              : await current(request.headers, tableName, key);
        // A KPI item's marks removed on their own (kpi-store.ts flushMarks), apart from the adds.
        const markRemoval = String(input.UpdateExpression ?? "").startsWith("REMOVE marks.");
        chargeWrite(tableName, before, after, failed, markRemoval ? "kpi-mark-removal" : undefined);
      }
      return answer;
    }
    if (operation === "BatchWriteItem") {
      const requests = Object.entries(input.RequestItems ?? {}) as [string, any[]][];
      const befores = new Map<string, Item | undefined>();
      for (const [table, items] of requests)
        for (const r of items) {
          const key = r.PutRequest ? keyOf(table, r.PutRequest.Item) : r.DeleteRequest.Key;
          befores.set(
            `${table} ${JSON.stringify(key)}`,
            await current(request.headers, table, key),
          );
        }
      const answer = await send(request.headers, target, body);
      if (answer.status === 200)
        for (const [table, items] of requests)
          for (const r of items) {
            const key = r.PutRequest ? keyOf(table, r.PutRequest.Item) : r.DeleteRequest.Key;
            chargeWrite(table, befores.get(`${table} ${JSON.stringify(key)}`), r.PutRequest?.Item);
          }
      return answer;
    }
    // Reads: dynalite works out what was read; the meter asks for it.
    const counted = { ...input, ReturnConsumedCapacity: "TOTAL" };
    const answer = await send(request.headers, target, Buffer.from(JSON.stringify(counted)));
    if (answer.status === 200) {
      const output = JSON.parse(answer.body.toString("utf8")) as Record<string, any>;
      const consumed = ([] as { CapacityUnits?: number }[]).concat(output.ConsumedCapacity ?? []);
      counts.readUnits += consumed.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      counts.reads +=
        operation === "BatchGetItem"
          ? Object.values(output.Responses ?? {}).reduce(
              (n: number, r) => n + (r as unknown[]).length,
              0,
            )
          : operation === "Query" || operation === "Scan"
            ? Number(output.ScannedCount ?? 0)
            : 1;
    }
    return answer;
  }

  const listening = await listenOnLoopback(server, () => agent.destroy());
  return {
    endpoint: listening.endpoint,
    measure: (on) => {
      measure = on;
    },
    counts: () => structuredClone(counts),
    reset: () => {
      counts = empty();
    },
    close: () => listening.close(),
  };
}

function empty() {
  return {
    calls: {} as Record<string, number>,
    writes: 0,
    failedConditions: 0,
    reads: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    readUnits: 0,
    writeUnitsByType: {} as Record<string, number>,
  };
}

const units = (bytes: number, per: number) => Math.ceil(bytes / per);

/** An item's size as DynamoDB counts it: attribute names plus values (UTF-8), roughly. */
const pick = (item: Item, names: readonly string[]): Item =>
  Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]])) as Item;

export function sizeOf(item: Item | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? ["NULL", true];
  switch (type) {
    case "S":
      return Buffer.byteLength(String(v));
    case "N":
      return Math.ceil(String(v).replace(/^-/, "").length / 2) + 1;
    case "B":
      return Buffer.from(String(v), "base64").length;
    case "BOOL":
    case "NULL":
      return 1;
    case "SS":
      return (v as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    case "NS":
      return (v as string[]).reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
    case "L":
      return 3 + (v as AttributeValue[]).reduce((n, e) => n + 1 + valueSize(e), 0);
    case "M":
      return (
        3 +
        Object.entries(v as Record<string, AttributeValue>).reduce(
          (n, [k, e]) => n + Buffer.byteLength(k) + 1 + valueSize(e),
          0,
        )
      );
    default:
      return 0;
  }
}
