// Opaque pagination cursors: where the next page starts (the index and the key it resumes at),
// with an expiry, signed with HMAC-SHA256 under CURSOR_KEY over the payload and a binding — the
// caller, the route and the query's filters (cursorBinding). A cursor that was altered,
// truncated, forged, expired, or comes from another caller or another query is refused with
// InvalidCursorError (400), never a DynamoDB exception. Signed, not encrypted: the payload is
// readable base64url JSON (nothing in it is secret from the caller: the keys of an item of the
// page they asked for); what the signature guarantees is that only this API wrote it, for them.
// Token: base64url(JSON payload) "." base64url(HMAC(key, payload "|" binding)).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { clock } from "./clock.ts";
import { config, CURSOR_KEY_VARIABLE } from "./config.ts";

const cursorSchema = z.strictObject({
  index: z.enum(["gsi1", "gsi2", "gsi3", "gsi4", "timeline"]),
  key: z.record(z.string(), z.string()),
  bucket: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
});

/** The payload: the page position and when it stops being accepted (epoch seconds). */
const payloadSchema = cursorSchema.extend({ exp: z.number().int().positive() });

export type Cursor = z.infer<typeof cursorSchema>;

/** How long a cursor is accepted after it was issued (by the clock of clock.ts). */
export const CURSOR_TTL_MS = 24 * 60 * 60 * 1000;

/** Nothing this module issues comes near it (the routes accept 2,048 characters). */
const MAX_CURSOR_LENGTH = 4096;
const MIN_KEY_LENGTH = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The binding of a caller of no route: internal paging (a merge copying a timeline). */
const UNBOUND = "";

export class InvalidCursorError extends Error {
  constructor() {
    super("The cursor is not one this API returned (use nextCursor from the previous page as is)");
    this.name = "InvalidCursorError";
  }
}

/**
 * What a route's cursors are bound to: the caller, the route with its path parameters
 * (`GET /v1/cases/CS-…/timeline`) and the query's parameters, `cursor` and `limit` aside (a
 * caller may change the page size from page to page, nothing else). Parameter order and absent
 * values do not matter.
 */
export function cursorBinding(
  userId: string,
  route: string,
  query: Readonly<Record<string, unknown>>,
): string {
  const filters = Object.entries(query)
    .filter(([name, value]) => name !== "cursor" && name !== "limit" && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([userId, route, filters]);
}

export function encodeCursor(cursor: Cursor, binding: string = UNBOUND): string {
  const exp = Math.floor((clock.now().getTime() + CURSOR_TTL_MS) / 1000);
  const payload = Buffer.from(JSON.stringify({ ...cursor, exp })).toString("base64url");
  return `${payload}.${mac(cursorKey(), payload, binding)}`;
}

/** The position a cursor names, if this API issued it for this binding and it has not expired. */
export function decodeCursor(raw: string, binding: string = UNBOUND): Cursor {
  const key = cursorKey(); // outside the refusal: a missing key is a fault of ours (500), not a 400
  const position = verified(raw, binding, key);
  if (!position) throw new InvalidCursorError();
  return position;
}

function verified(raw: unknown, binding: string, key: Buffer): Cursor | undefined {
  if (typeof raw !== "string" || raw.length > MAX_CURSOR_LENGTH) return undefined;
  const parts = raw.split(".");
  if (parts.length !== 2) return undefined;
  const [payload, signature] = parts as [string, string];
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return undefined;
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(key, payload, binding));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.exp * 1000 <= clock.now().getTime()) return undefined;
  const { exp: _exp, ...position } = parsed.data;
  return position;
}

function mac(key: Buffer, payload: string, binding: string): string {
  // The payload is base64url (no "|"), so payload and binding cannot be shifted into each other.
  return createHmac("sha256", key).update(`${payload}|${binding}`).digest("base64url");
}

let processKey: Buffer | undefined;

/**
 * CURSOR_KEY (the stack and the local runtime set it). Outside Lambda without it (unit tests,
 * a script calling a store) a random key for this process stands in; in Lambda it is required.
 */
function cursorKey(): Buffer {
  const configured = config.cursorKey();
  if (configured !== undefined) {
    if (configured.length < MIN_KEY_LENGTH)
      throw new Error(`${CURSOR_KEY_VARIABLE} must be at least ${MIN_KEY_LENGTH} characters`);
    return Buffer.from(configured, "utf8");
  }
  if (process.env.AWS_LAMBDA_FUNCTION_NAME)
    throw new Error(`Missing environment variable ${CURSOR_KEY_VARIABLE}`);
  return (processKey ??= randomBytes(32));
}
