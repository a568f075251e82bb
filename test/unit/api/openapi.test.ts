// The OpenAPI document (GET /openapi.json) is valid OpenAPI 3.1, describes every route of the
// topology and nothing else, with its answers; write routes take closed bodies; and every
// schema of an answer compiles as JSON Schema 2020-12 (the integration tests validate with them).
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { openApiDocument, routeDocs } from "#functions/api/openapi.ts";
import { routes } from "#infra/topology.ts";
import { expectDocumentedAnswer, responseSchemaPointer } from "../../integration/openapi-check.ts";

type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, unknown>; headers?: object }>;
};

const document = openApiDocument();
const operationOf = (method: string, path: string) =>
  document.paths[path]?.[method.toLowerCase()] as Operation | undefined;
const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1, every $ref resolving", async () => {
    const validator = new Validator({ strict: false });
    const result = await validator.validate(
      structuredClone(document) as unknown as Record<string, unknown>,
    );
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it("is built once, on first use", () => {
    expect(openApiDocument()).toBe(document);
  });

  it("documents every route of the topology, with a success and its problems", () => {
    const undocumented = routes.filter((route) => !operationOf(route.method, route.path));
    expect(undocumented.map(key), "routes without documentation").toEqual([]);
    for (const route of routes) {
      const statuses = Object.keys(operationOf(route.method, route.path)?.responses ?? {});
      expect(
        statuses.some((s) => s.startsWith("2")),
        `${key(route)}: a 2xx`,
      ).toBe(true);
      if (route.auth) expect(statuses, `${key(route)}: 401`).toContain("401");
    }
  });

  it("documents nothing that is not a route (no stale documentation)", () => {
    const real = new Set(routes.map(key));
    expect(Object.keys(routeDocs).filter((k) => !real.has(k))).toEqual([]);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((k) => !real.has(k))).toEqual([]);
    expect(documented).toHaveLength(routes.length);
  });

  it("has one operationId per operation", () => {
    const ids = routes.map((route) => operationOf(route.method, route.path)?.operationId);
    expect(new Set(ids).size).toBe(routes.length);
  });

  it("asks for the bearer JWT on /v1 and on nothing else", () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    });
    for (const route of routes) {
      const { security } = operationOf(route.method, route.path) as Operation;
      expect(security, key(route)).toEqual(route.auth ? [{ bearerAuth: [] }] : []);
      expect(route.auth, key(route)).toBe(route.path.startsWith("/v1/"));
    }
  });

  it("documents each write's JSON body, closed to other fields", () => {
    for (const route of routes.filter((r) => r.method !== "GET")) {
      const body = operationOf(route.method, route.path)?.requestBody;
      expect(body?.required, key(route)).toBe(true);
      const schema = body?.content["application/json"]?.schema;
      expect(schema, key(route)).toMatchObject({ type: "object", additionalProperties: false });
      for (const status of ["413", "415"])
        expect(Object.keys(operationOf(route.method, route.path)?.responses ?? {})).toContain(
          status,
        );
    }
  });

  it("documents If-Match where the answer has an ETag to send back", () => {
    const required = (method: string, path: string) =>
      operationOf(method, path)?.parameters?.find((p) => p.name === "If-Match")?.required;
    expect(required("PATCH", "/v1/cases/{caseId}")).toBe(true);
    expect(required("POST", "/v1/cases/{caseId}/resolve")).toBe(true);
    expect(required("POST", "/v1/follow-ups/{followUpId}/outcome")).toBe(true);
    expect(required("PUT", "/v1/teams/{teamId}")).toBe(false);
    expect(operationOf("POST", "/v1/cases/{caseId}/resolve")?.responses).toHaveProperty("428");
    expect(operationOf("POST", "/v1/cases")?.parameters?.map((p) => `${p.in} ${p.name}`)).toContain(
      "header Idempotency-Key",
    );
    expect(operationOf("GET", "/v1/cases/{caseId}")?.responses["200"]?.headers).toHaveProperty(
      "ETag",
    );
  });

  it("describes the cursor pagination of the lists", () => {
    for (const path of ["/v1/cases", "/v1/cases/{caseId}/timeline", "/v1/follow-ups"]) {
      const names = operationOf("GET", path)?.parameters?.map((p) => p.name);
      expect(names, path).toEqual(expect.arrayContaining(["limit", "cursor"]));
    }
    expect(document.components.schemas).toMatchObject({
      CasePage: { required: ["items", "nextCursor"] },
    });
  });

  it("answers errors as problem details with the fields that failed", () => {
    expect(document.components.schemas).toMatchObject({
      Problem: {
        required: ["type", "status", "title", "detail"],
        properties: {
          errors: {
            items: { required: ["path", "message"], additionalProperties: false },
          },
        },
      },
    });
    const problems = operationOf("POST", "/v1/cases")?.responses["400"]?.content;
    expect(Object.keys(problems ?? {})).toEqual(["application/problem+json"]);
    const unauthorized = operationOf("GET", "/v1/cases")?.responses["401"]?.content;
    expect(Object.keys(unauthorized ?? {})).toContain("application/json");
  });

  it("has schemas for every answer that compile as JSON Schema 2020-12", () => {
    let compiled = 0;
    for (const route of routes) {
      for (const [status, response] of Object.entries(
        operationOf(route.method, route.path)?.responses ?? {},
      )) {
        for (const contentType of Object.keys(response.content ?? {})) {
          expect(responseSchemaPointer(route, Number(status), contentType)).toHaveProperty(
            "pointer",
          );
          // A body no schema accepts (an array is never an answer): the check throws for it,
          // which compiles the schema first.
          const path = route.path.replace(/\{\w+\}/g, "x");
          expect(() =>
            expectDocumentedAnswer(route.method, path, {
              status: Number(status),
              headers: new Headers({ "content-type": contentType }),
              body: [],
            }),
          ).toThrow(/outside its documented schema/);
          compiled += 1;
        }
      }
    }
    expect(compiled).toBeGreaterThan(routes.length * 2);
  });

  it("refuses an undocumented status, naming the route", () => {
    expect(() =>
      expectDocumentedAnswer("GET", "/v1/teams", {
        status: 418,
        headers: new Headers({ "content-type": "application/problem+json" }),
        body: {},
      }),
    ).toThrow(/GET \/v1\/teams .*answered 418.*not documented/);
    expect(() =>
      expectDocumentedAnswer("GET", "/health", {
        status: 200,
        headers: new Headers({ "content-type": "application/json; charset=utf-8" }),
        body: { status: "ok" },
      }),
    ).not.toThrow();
  });
});
