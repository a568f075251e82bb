// Configuration from the environment, read once and validated: a missing variable fails at
// start-up with its name, not later with `undefined` in a DynamoDB call.
import { DEFAULT_BUS_NAME, DEFAULT_UPSTREAM_SOURCE, envNames } from "#infra/topology.ts";

/** The key that signs pagination cursors (cursor.ts): the stack's secret, or the local runtime's. */
export const CURSOR_KEY_VARIABLE = "CURSOR_KEY";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

export const config = {
  casesTable: () => required(envNames.tableName("cases")),
  idempotencyTable: () => required(envNames.tableName("idempotency")),
  eventBusName: () => process.env[envNames.eventBusName] || DEFAULT_BUS_NAME,
  upstreamSource: () => process.env[envNames.upstreamSource] || DEFAULT_UPSTREAM_SOURCE,
  deadLetterQueueUrl: (queue: string) => required(envNames.deadLetterQueueUrl(queue)),
  severeDeclaredValueCny: () => numberOr("SEVERE_DECLARED_VALUE_CNY", 500),
  /** A delivery resolves an open, event-only delay case of its waybill ("delivered"); "false" turns it off. */
  autoResolveOnDelivery: () => process.env.AUTO_RESOLVE_ON_DELIVERY !== "false",
  /** HMAC key of the pagination cursors, at least 32 characters; undefined when unset. */
  cursorKey: () => process.env[CURSOR_KEY_VARIABLE] || undefined,
};

function numberOr(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value))
    throw new Error(`Environment variable ${name} must be a number, got "${raw}"`);
  return value;
}
