// API Gateway's route matching and result rules, as the local HTTP API applies them.
import { describe, expect, it } from "vitest";
import { matchRoute, normalizeResult } from "#infra/local/http-api.ts";
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
