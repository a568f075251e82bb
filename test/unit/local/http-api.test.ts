// API Gateway's route matching and result rules, as the local HTTP API applies them, and the
// CORS and security headers of the local server's answers.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "#functions/api/http.ts";
import {
  corsResponseHeaders,
  DEFAULT_LOCAL_FRONTEND_ORIGIN,
  frontendOriginsFrom,
  isPreflight,
  normalizeResult,
  preflightHeaders,
} from "#infra/local/http-api.ts";
import type { LocalBus } from "#infra/local/bus.ts";
import { createLocalServer } from "#infra/local/server.ts";
import { matchRoute, methodsAt } from "#infra/route-matching.ts";
import type { RouteSpec } from "#infra/topology.ts";

const routes: RouteSpec[] = [
  { method: "GET", path: "/v1/cases/{caseId}", function: "api", auth: true },
  { method: "GET", path: "/v1/cases/export", function: "api", auth: true },
  { method: "GET", path: "/v1/cases", function: "api", auth: true },
];

describe("matchRoute", () => {
  it("prefers an exact segment to a path parameter", () => {
    expect(matchRoute(routes, "GET", "/v1/cases/export")?.route.path).toBe("/v1/cases/export");
    expect(matchRoute(routes, "GET", "/v1/cases/CS-1")).toMatchObject({
      pathParameters: { caseId: "CS-1" },
    });
  });

  it("decodes path parameters and refuses other methods and lengths", () => {
    expect(matchRoute(routes, "GET", "/v1/cases/a%20b")?.pathParameters).toEqual({ caseId: "a b" });
    expect(matchRoute(routes, "DELETE", "/v1/cases/CS-1")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/v1/cases/CS-1/timeline")).toBeUndefined();
  });
});

describe("methodsAt (the Allow header of a 405)", () => {
  const withWrites: RouteSpec[] = [
    ...routes,
    { method: "PATCH", path: "/v1/cases/{caseId}", function: "api", auth: true },
    { method: "POST", path: "/v1/cases", function: "api", auth: true },
  ];

  it("lists every method served at a path, parameters matching any segment", () => {
    expect(methodsAt(withWrites, "/v1/cases/CS-1")).toEqual(["GET", "PATCH"]);
    expect(methodsAt(withWrites, "/v1/cases/export")).toEqual(["GET", "PATCH"]);
    expect(methodsAt(withWrites, "/v1/cases")).toEqual(["GET", "POST"]);
  });

  it("is empty for a path no route has", () => {
    expect(methodsAt(withWrites, "/v1/cases/CS-1/nothing")).toEqual([]);
    expect(methodsAt(withWrites, "/v2/cases")).toEqual([]);
  });
});

describe("normalizeResult", () => {
  it("keeps a structured result", () => {
    const result = normalizeResult({ statusCode: 201, headers: { etag: '"1"' }, body: "{}" });
    expect(result).toMatchObject({ statusCode: 201, headers: { etag: '"1"' } });
    expect(result.body.toString()).toBe("{}");
  });

  it("turns a string or a plain object into a 200 JSON body, as payload 2.0 does", () => {
    // API Gateway's documented example: a function returning "Hello from Lambda!" answers that text.
    expect(normalizeResult("hello").body.toString()).toBe("hello");
    expect(normalizeResult({ ok: true }).body.toString()).toBe('{"ok":true}');
    expect(normalizeResult({ ok: true })).toMatchObject({
      statusCode: 200,
      headers: { "content-type": "application/json" },
    });
  });
});

describe("CORS, locally", () => {
  const origins = ["http://localhost:5173"];

  it("allows the Vite dev server unless FRONTEND_ORIGIN says otherwise (empty: none)", () => {
    expect(DEFAULT_LOCAL_FRONTEND_ORIGIN).toBe("http://localhost:5173");
    expect(frontendOriginsFrom(undefined)).toEqual(["http://localhost:5173"]);
    expect(frontendOriginsFrom("")).toEqual([]);
    expect(frontendOriginsFrom("https://a.example, http://localhost:4173/")).toEqual([
      "https://a.example",
      "http://localhost:4173",
    ]);
  });

  it("knows a preflight: OPTIONS with an Origin and the method it asks for", () => {
    const asking = { origin: "http://localhost:5173", "access-control-request-method": "PATCH" };
    expect(isPreflight("OPTIONS", asking)).toBe(true);
    expect(isPreflight("OPTIONS", { origin: "http://localhost:5173" })).toBe(false);
    expect(isPreflight("GET", asking)).toBe(false);
  });

  it("answers the allowed origin's preflight with what the API accepts, another's with nothing", () => {
    expect(preflightHeaders(origins, { origin: "http://localhost:5173" })).toEqual({
      "access-control-allow-origin": "http://localhost:5173",
      "access-control-allow-methods": "GET,POST,PATCH,PUT",
      "access-control-allow-headers": "authorization,content-type,if-match,idempotency-key",
      "access-control-max-age": "600",
      vary: "origin",
    });
    expect(preflightHeaders(origins, { origin: "https://evil.example" })).toEqual({
      vary: "origin",
    });
  });

  it("lets the allowed origin's scripts read the response and its ETag", () => {
    expect(corsResponseHeaders(origins, { origin: "http://localhost:5173" })).toEqual({
      "access-control-allow-origin": "http://localhost:5173",
      "access-control-expose-headers": "etag,location",
      vary: "origin",
    });
    expect(corsResponseHeaders(origins, { origin: "https://evil.example" })).toEqual({
      vary: "origin",
    });
    expect(corsResponseHeaders(origins, {})).toEqual({ vary: "origin" });
    expect(corsResponseHeaders([], { origin: "http://localhost:5173" })).toEqual({});
  });
});

describe("the local server's own answers", () => {
  let server: Server;
  let url = "";
  const invoked: unknown[] = [];

  beforeAll(async () => {
    server = createLocalServer({
      routes: [
        { method: "GET", path: "/health", function: "api-read", auth: false },
        { method: "GET", path: "/v1/cases", function: "api-read", auth: true },
      ],
      functions: (name) => ({
        name,
        invoke: async (event) => {
          invoked.push(event);
          // `$default` (no route matched) goes to the unmatched-route function, which says 404.
          const unmatched = (event as { routeKey?: string }).routeKey === "$default";
          return {
            statusCode: unmatched ? 404 : 200,
            headers: { "content-type": "application/json" },
            body: "{}",
          };
        },
      }),
      bus: {} as LocalBus,
      functionsPath: "/_functions/secret",
      deadLetterQueue: () => undefined,
      verifyToken: async () => null,
      now: () => new Date("2026-11-23T00:00:00Z"),
      advanceClock: async () => new Date(),
      queueReport: () => ({}),
      redrive: () => undefined,
      log: () => undefined,
      frontendOrigins: ["http://localhost:5173"],
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const preflight = (origin: string) =>
    fetch(`${url}/v1/cases`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });

  it("answer a preflight from the allowed origin with 204 and the CORS headers, without a function", async () => {
    const response = await preflight("http://localhost:5173");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(response.headers.get("access-control-allow-methods")).toContain("GET");
    expect(invoked).toHaveLength(0);
  });

  it("allow no other origin", async () => {
    const response = await preflight("https://evil.example");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const get = await fetch(`${url}/health`, { headers: { origin: "https://evil.example" } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("send a request no route matches to the `$default` function, without claims", async () => {
    const response = await fetch(`${url}/v1/nothing-here?x=1`, { method: "DELETE" });
    expect(response.status).toBe(404);
    expect(invoked.at(-1)).toMatchObject({
      routeKey: "$default",
      rawPath: "/v1/nothing-here",
      requestContext: { http: { method: "DELETE" }, authorizer: { jwt: { claims: {} } } },
    });
  });

  it("carry the security headers and the allowed origin's CORS headers, 401 and 404 too", async () => {
    const origin = { origin: "http://localhost:5173" };
    for (const [path, status] of [
      ["/health", 200],
      ["/v1/cases", 401],
      ["/v1/nothing-here", 404],
    ] as const) {
      const response = await fetch(`${url}${path}`, { headers: origin });
      expect(response.status, path).toBe(status);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(response.headers.get(name), `${path}: ${name}`).toBe(value);
      expect(response.headers.get("access-control-allow-origin"), path).toBe(
        "http://localhost:5173",
      );
      expect(response.headers.get("access-control-expose-headers"), path).toBe("etag,location");
    }
  });
});
