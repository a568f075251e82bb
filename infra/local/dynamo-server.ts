// The embedded DynamoDB-compatible store (dynalite, LevelDB files under the data directory),
// and table creation from the topology — the same key schema the CDK app deploys.
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import type { TableSpec } from "../topology.ts";
import { DATA_FILES } from "./data-files.ts";

export interface EmbeddedDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on a free loopback port; `inMemory` keeps nothing on disk (tests). */
export async function startEmbeddedDynamo(
  dataDir: string,
  inMemory = false,
): Promise<EmbeddedDynamo> {
  const path = join(dataDir, DATA_FILES.dynamodb);
  if (!inMemory) await mkdir(path, { recursive: true });
  const server = dynalite({
    ...(inMemory ? {} : { path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  return listenOnLoopback(server);
}

/**
 * Listens on a free loopback port: the endpoint, and a close that also drops kept-alive
 * connections (then `onClose`). The embedded store and the fault proxy in front of it share it.
 */
export async function listenOnLoopback(
  server: Server,
  onClose: () => void = () => undefined,
): Promise<EmbeddedDynamo> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        onClose();
      }),
  };
}

/** Creates each table unless it exists. `names` maps a logical table name to its physical one. */
export async function ensureTables(
  endpoint: string,
  specs: readonly TableSpec[],
  names: (logical: string) => string,
): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    for (const spec of specs) {
      try {
        await client.send(new CreateTableCommand(createTableInput(spec, names(spec.name))));
      } catch (error) {
        if (!(
          error instanceof ResourceInUseException ||
          (error as Error).name === "ResourceInUseException"
        ))
          throw error;
      }
      // A new table is CREATING for a moment (dynalite too): nothing may use it before ACTIVE.
      await waitUntilTableExists(
        { client, minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 30 },
        { TableName: names(spec.name) },
      );
    }
  } finally {
    client.destroy();
  }
}

/** A client for the runtime's own use of the store (tables, start-up recovery), not the handlers'. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? "us-east-1",
    ...(process.env.AWS_ACCESS_KEY_ID
      ? {}
      : { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
  });
}

export function createTableInput(spec: TableSpec, tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>([spec.partitionKey]);
  if (spec.sortKey) attributes.add(spec.sortKey);
  for (const index of spec.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attributes].map((name) => ({
      AttributeName: name,
      AttributeType: "S",
    })),
    KeySchema: [
      { AttributeName: spec.partitionKey, KeyType: "HASH" },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: "RANGE" as const }] : []),
    ],
    ...(spec.indexes.length
      ? {
          GlobalSecondaryIndexes: spec.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" as const },
              { AttributeName: index.sortKey, KeyType: "RANGE" as const },
            ],
            Projection: {
              ProjectionType: "INCLUDE" as const,
              NonKeyAttributes: [...index.projected],
            },
          })),
        }
      : {}),
  };
}
