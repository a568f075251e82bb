// What the API answers to a request no route matches (API Gateway's `$default` route): a method
// a path does not serve (405 with Allow), a path no route has (404), both problem+json.
import { describe, expect, it } from "vitest";
import { methodsAt } from "#infra/route-matching.ts";
import { routes } from "#infra/topology.ts";
import { useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const pathOf = (template: string) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => `some-${name}`);

describe("a method a route's path does not serve", () => {
  it("is 405 with the methods it does serve, for every path of the topology, token or not", async () => {
    const admin = await local.system.token("admin-1", ["admins"]);
    let checked = 0;
    for (const path of new Set(routes.map((r) => r.path))) {
      const allowed = methodsAt(routes, pathOf(path));
      for (const method of METHODS.filter((m) => !allowed.includes(m))) {
        for (const token of [admin, undefined]) {
          const response = await local.system.request(method, pathOf(path), {
            ...(token ? { token } : {}),
            ...(method === "GET" ? {} : { body: { anything: true } }),
          });
          const what = `${method} ${path}`;
          expect(response.status, what).toBe(405);
          expect(response.headers.get("allow"), what).toBe(allowed.join(", "));
          expect(response.headers.get("content-type"), what).toMatch(/^application\/problem\+json/);
          expect(response.body, what).toMatchObject({ status: 405, title: "Method Not Allowed" });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("changes nothing: DELETE of a case leaves it as it was", async () => {
    const agent = await local.system.token("agent-care-1", ["agents"]);
    const created = await local.system.request("POST", "/v1/cases", {
      token: agent,
      body: {
        channel: "app",
        text: "我想问一下运费",
        customer: { id: "cust-405", tier: "regular" },
      },
    });
    expect(created.status).toBe(201);
    await local.system.runtime.idle();
    const before = await local.readCase(created.body.caseId);
    const deleted = await local.system.request("DELETE", `/v1/cases/${created.body.caseId}`, {
      token: await local.system.token("admin-1", ["admins"]),
    });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get("allow")).toBe("GET, PATCH");
    expect(await local.readCase(created.body.caseId)).toEqual(before);
  });
});

describe("a path no route has", () => {
  it.each(["/v2/cases", "/v1/cases/CS-7K2M9Q4R1T8B/nothing", "/v1", "/"])(
    "%s is a 404 problem",
    async (path) => {
      const response = await local.system.request("GET", path, { token: local.ops });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, title: "Not Found" });
      expect(response.headers.get("allow")).toBeNull();
    },
  );
});
