// What a route receives, and query-string validation with field-level errors.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type * as z from "zod";
import { fieldErrors } from "#shared/adapters/validation.ts";
import type { Caller } from "./caller.ts";
import { HttpError } from "./http.ts";

export interface ApiRequest {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly caller: Caller;
}

export function parseQuery<S extends z.ZodType>(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  schema: S,
): z.output<S> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    throw new HttpError(
      400,
      "Bad Request",
      "The query string is not valid",
      fieldErrors(result.error),
    );
  }
  return result.data;
}

/** The largest JSON body a write accepts (a message text is at most 4,000 characters). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The JSON body, validated: 415 unless it is JSON, 413 when too large, 400 when it does not
 * parse or fails the schema (with the field paths). Nothing has been read or written yet.
 */
export function parseBody<S extends z.ZodType>(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  schema: S,
): z.output<S> {
  const contentType = (event.headers?.["content-type"] ?? "").toLowerCase();
  if (!/^application\/([\w.+-]+\+)?json\b/.test(contentType))
    throw new HttpError(415, "Unsupported Media Type", "The body must be application/json");
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? "", "base64").toString("utf8")
    : (event.body ?? "");
  if (Buffer.byteLength(raw, "utf8") > MAX_BODY_BYTES)
    throw new HttpError(
      413,
      "Content Too Large",
      `The body is larger than ${MAX_BODY_BYTES} bytes`,
    );
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, "Bad Request", "The body is not valid JSON");
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HttpError(400, "Bad Request", "The body is not valid", fieldErrors(result.error));
  return result.data;
}

/** The version an `If-Match` header names (`"3"` or `W/"3"`): 428 without one, 400 if malformed. */
export function requiredIfMatch(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  etag = "the case's ETag (from GET /v1/cases/{caseId})",
): number {
  const header = event.headers?.["if-match"];
  if (!header) throw new HttpError(428, "Precondition Required", `Send If-Match with ${etag}`);
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match)
    throw new HttpError(400, "Bad Request", 'If-Match must be an ETag of this API, like "3"');
  return Number(match[1]);
}

/** An optional `Idempotency-Key` header (a client's retry of the same write sends the same key). */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): string | null {
  const key = event.headers?.["idempotency-key"];
  if (key === undefined) return null;
  if (!/^[A-Za-z0-9._:-]{8,128}$/.test(key))
    throw new HttpError(
      400,
      "Bad Request",
      "Idempotency-Key must be 8–128 characters of letters, digits, '.', '_', ':' or '-'",
    );
  return key;
}

/** A path parameter in its format, checked before anything is read (400 with its path otherwise). */
export function pathId(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  name: string,
  format: RegExp,
  rule: string,
): string {
  const value = event.pathParameters?.[name] ?? "";
  if (!format.test(value))
    throw new HttpError(400, "Bad Request", `The ${name} in the path is not valid`, [
      { path: name, message: rule },
    ]);
  return value;
}

export const CASE_ID = /^CS-[0-9A-Z]{12,26}$/;

/** The `{caseId}` of the path, checked by its format before any store access. */
export function caseIdParam(event: APIGatewayProxyEventV2WithJWTAuthorizer): string {
  return pathId(event, "caseId", CASE_ID, "a case id like CS-7K2M9Q4R1T8B");
}
