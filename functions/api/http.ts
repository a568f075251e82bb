// JSON responses and RFC 9457 problem details for the HTTP API.
import type { APIGatewayProxyResultV2 } from "aws-lambda";
import type { FieldError } from "#shared/adapters/validation.ts";

export type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

/**
 * On every response of the API (both builders below; the local runtime adds them to its own
 * answers too): HTTPS only, no sniffing, no caching of personal data, nothing to render or frame.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** An error the client can act on; becomes an application/problem+json response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    /** Headers the answer carries too (e.g. `allow` on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = "HttpError";
  }
}

export function problem(error: HttpError, instance?: string): HttpResult {
  return {
    statusCode: error.status,
    headers: {
      "content-type": "application/problem+json; charset=utf-8",
      ...SECURITY_HEADERS,
      ...error.headers,
    },
    body: JSON.stringify({
      type: "about:blank",
      status: error.status,
      title: error.title,
      detail: error.detail,
      ...(instance ? { instance } : {}),
      ...(error.errors ? { errors: error.errors } : {}),
    }),
  };
}
