// Every answer of the API carries the security headers: each route of the topology (served by
// `api` or `api-read`) with a 2xx or a problem, and the runtime's own 401 and 404, as a browser
// on the front end's origin sees them (with its CORS headers).
import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "#functions/api/http.ts";
import { routes } from "#infra/topology.ts";
import { newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();
const ORIGIN = "http://localhost:5173"; // the local default of FRONTEND_ORIGIN

/** A route's path with made-up parameters (no such case, follow-up, team…). */
const pathOf = (template: string) => template.replace(/\{(\w+)\}/g, (_, name) => `none-${name}`);

function expectSecurityHeaders(headers: Headers, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    expect(headers.get(name), `${what}: ${name}`).toBe(value);
  expect(headers.get("access-control-allow-origin"), what).toBe(ORIGIN);
}

describe("security headers", () => {
  it("come with every route's answer, successes and problems alike", async () => {
    const admin = await local.system.token("admin-1", ["admins", "ops"]);
    const statuses = new Set<number>();
    for (const route of routes) {
      const what = `${route.method} ${route.path}`;
      const response = await local.system.request(route.method, pathOf(route.path), {
        headers: { origin: ORIGIN },
        ...(route.auth ? { token: admin } : {}),
        ...(route.method === "GET" ? {} : { body: {} }),
      });
      expect(response.status, what).toBeLessThan(500);
      statuses.add(response.status);
      expectSecurityHeaders(response.headers, what);
      if (response.status >= 400)
        expect(response.headers.get("content-type"), what).toMatch(/^application\/problem\+json/);
    }
    // Both kinds were seen: answers (200) and problems (400/404/…).
    expect([...statuses].some((s) => s < 300)).toBe(true);
    expect([...statuses].some((s) => s >= 400)).toBe(true);
  });

  it("come with a found case and its ETag, which a script on the front end may read", async () => {
    const agent = await local.system.token("agent-care-1", ["agents"]);
    const created = await local.system.request("POST", "/v1/cases", {
      token: agent,
      headers: { origin: ORIGIN },
      body: {
        channel: "phone",
        text: "包裹三天了还没送到",
        waybillNo: newWaybill("SEC"),
        customer: { id: "cust-sec-1", phone: "13987654321", tier: "regular" },
      },
    });
    expect([200, 201]).toContain(created.status);
    expectSecurityHeaders(created.headers, "POST /v1/cases");
    const found = await local.system.request("GET", `/v1/cases/${created.body.caseId}`, {
      token: local.ops,
      headers: { origin: ORIGIN },
    });
    expect(found.status).toBe(200);
    expectSecurityHeaders(found.headers, "GET /v1/cases/{caseId}");
    expect(found.headers.get("etag")).toMatch(/^"\d+"$/);
    expect(found.headers.get("access-control-expose-headers")).toContain("etag");
    await local.system.runtime.idle(); // the new case's classification and assignment settle
  });

  it("come with the runtime's own 401 and 404", async () => {
    const unauthorized = await local.system.request("GET", "/v1/cases", {
      headers: { origin: ORIGIN },
    });
    expect(unauthorized.status).toBe(401);
    expectSecurityHeaders(unauthorized.headers, "401");
    const bad = await local.system.request("GET", "/v1/cases", {
      token: "not-a-token",
      headers: { origin: ORIGIN },
    });
    expect(bad.status).toBe(401);
    expectSecurityHeaders(bad.headers, "401 (bad token)");
    const missing = await local.system.request("GET", "/v1/no-such-route", {
      token: local.ops,
      headers: { origin: ORIGIN },
    });
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers, "404");
  });

  it("come with the answer to a preflight from the front end's origin", async () => {
    const response = await local.system.request("OPTIONS", "/v1/cases/CS-1", {
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization,if-match,content-type",
      },
    });
    expect(response.status).toBe(204);
    expectSecurityHeaders(response.headers, "preflight");
    expect(response.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(response.headers.get("access-control-allow-headers")).toContain("if-match");
  });
});
