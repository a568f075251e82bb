// The HTTP API as API Gateway (HTTP API, payload format 2.0) presents it to a function:
// route matching, JWT authorization on protected routes, the event and result shapes, and CORS
// for the front end's origin (as the CDK app's corsPreflight configures it).
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import type { JWTPayload } from "jose";
import type { MatchedRoute } from "../route-matching.ts";
import { cors } from "../topology.ts";

/** API Gateway hands JWT claims to the function as strings; arrays become "[a b]". */
function claimsAsApiGatewayDoes(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value)
      ? `[${value.join(" ")}]`
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
  }
  return claims;
}

export function apiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  /** The route and its parameters; undefined for `$default` (a request no route matches). */
  matched: MatchedRoute | undefined,
  claims: JWTPayload | null,
  now: Date,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const routeKey = matched ? `${matched.route.method} ${matched.route.path}` : "$default";
  const pathParameters = matched?.pathParameters ?? {};
  const isText =
    body.length === 0 || /json|text|xml|urlencoded/.test(headers["content-type"] ?? "");
  return {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: "",
        integrationLatency: 0,
        jwt: { claims: claims ? claimsAsApiGatewayDoes(claims) : {}, scopes: [] },
      },
    },
    ...(body.length ? { body: isText ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: !isText,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** Payload 2.0 result rules: a string or a non-structured object is a 200 JSON body. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export function normalizeResult(result: unknown): HttpResponse {
  if (typeof result === "object" && result !== null && "statusCode" in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const raw = structured.body ?? "";
    return {
      statusCode: structured.statusCode ?? 200,
      headers: Object.fromEntries(
        Object.entries(structured.headers ?? {}).map(([k, v]) => [k, String(v)]),
      ),
      body: structured.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8"),
    };
  }
  const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: Buffer.from(body),
  };
}

/** Where `npm run dev` of a Vite front end serves: allowed locally unless FRONTEND_ORIGIN says otherwise. */
export const DEFAULT_LOCAL_FRONTEND_ORIGIN = "http://localhost:5173";

/** FRONTEND_ORIGIN: unset, the Vite dev server's origin; empty, no CORS; else comma-separated origins. */
export function frontendOriginsFrom(value: string | undefined): string[] {
  if (value === undefined) return [DEFAULT_LOCAL_FRONTEND_ORIGIN];
  return value
    .split(",")
    .map((origin) => origin.trim().replace(/\/$/, ""))
    .filter((origin) => origin !== "");
}

type RequestHeaders = IncomingMessage["headers"];

const allowedOrigin = (origins: readonly string[], headers: RequestHeaders) => {
  const origin = headers.origin;
  return typeof origin === "string" && origins.includes(origin) ? origin : undefined;
};

/** A browser's CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string | undefined, headers: RequestHeaders): boolean {
  return (
    method === "OPTIONS" &&
    typeof headers.origin === "string" &&
    typeof headers["access-control-request-method"] === "string"
  );
}

/**
 * The headers of the answer (204) to a preflight: what the API allows when the origin is one of
 * `origins`, nothing of CORS otherwise (the browser then refuses the request), as API Gateway does.
 */
export function preflightHeaders(
  origins: readonly string[],
  headers: RequestHeaders,
): Record<string, string> {
  const origin = allowedOrigin(origins, headers);
  if (!origin) return { vary: "origin" };
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": cors.allowMethods().join(","),
    "access-control-allow-headers": cors.allowHeaders.join(","),
    "access-control-max-age": String(cors.maxAgeSeconds),
    vary: "origin",
  };
}

/** CORS headers of an actual response: the origin, if allowed, and the headers a script may read. */
export function corsResponseHeaders(
  origins: readonly string[],
  headers: RequestHeaders,
): Record<string, string> {
  const origin = allowedOrigin(origins, headers);
  if (!origin) return origins.length > 0 ? { vary: "origin" } : {};
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": cors.exposeHeaders.join(","),
    vary: "origin",
  };
}
