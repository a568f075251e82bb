// Nothing a client sends gives a 5xx: fast-check sends arbitrary path parameters, query strings,
// headers and bodies to every route of the topology, with and without valid tokens of every
// role, and every answer is below 500 (and a problem+json or JSON body).
import "./quiet.ts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useLocalSystem } from "./local-system.ts";
import { routes } from "#infra/topology.ts";

const local = useLocalSystem();

const ROLES = ["agents", "supervisors", "ops", "admins"] as const;
const USERS: Record<(typeof ROLES)[number], string> = {
  agents: "agent-claims-1",
  supervisors: "sup-claims",
  ops: "ops-1",
  admins: "admin-1",
};

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("CS-7K2M9Q4R1T8B", "FU-7K2M9Q4R1T8B-1", "claims", "agent-claims-1", "damage"),
  fc.string({ minLength: 3000, maxLength: 3100 }),
  fc.constantFrom("%", "%E0%A4%A", "..", "%2F", "%00", "null", "-1", "💥"),
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "0",
    "-1",
    "101",
    "1e309",
    "2026-02-30",
    "2026-12-01",
    "due",
    "team",
    "x".repeat(3000),
  ),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom("", "{", "null", '{"reached":true,"satisfaction":"5"}', "x".repeat(20_000)),
  fc
    .record({
      text: fc.string(),
      channel: fc.string(),
      reached: fc.boolean(),
      enabled: fc.anything(),
    })
    .map((v) => JSON.stringify(v)),
);

function fill(path: string, values: string[]): string {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () =>
    encodeURIComponent(values[i++] ?? "x").replace(/%25/g, "%"),
  );
}

describe("every route, anything a client sends", () => {
  it("never answers 5xx", async () => {
    const seen = new Set<number>();
    const tokens = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await local.system.token(USERS[r], [r])])),
    ) as Record<(typeof ROLES)[number], string>;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            "status",
            "limit",
            "cursor",
            "from",
            "to",
            "groupBy",
            "team",
            "assignee",
            "by",
            "waybillNo",
            "category",
            "x",
          ),
          queryValue,
          { maxKeys: 4 },
        ),
        fc.option(fc.constantFrom(...ROLES), { nil: undefined }),
        fc.option(body, { nil: undefined }),
        fc.dictionary(
          fc.constantFrom("if-match", "idempotency-key", "content-type", "origin"),
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.constantFrom('"1"', 'W/"2"', "application/json", "text/plain"),
          ),
          { maxKeys: 3 },
        ),
        async (route, params, query, role, payload, headers) => {
          const search = new URLSearchParams(query).toString();
          const path = `${fill(route.path, params)}${search ? `?${search}` : ""}`;
          const response = await local.system.request(route.method, path, {
            ...(role ? { token: tokens[role] } : {}),
            ...(payload !== undefined && route.method !== "GET" ? { body: payload } : {}),
            headers: { "content-type": "application/json", ...headers },
          });
          seen.add(response.status);
          expect(
            response.status,
            `${route.method} ${path}: ${JSON.stringify(response.body)}`,
          ).toBeLessThan(500);
        },
      ),
      { numRuns: Number(process.env.API_FUZZ_RUNS ?? 300) },
    );
    // The requests reached the routes' own checks, not only the authorizer.
    for (const status of [200, 400, 401, 403, 404])
      expect(seen, `a ${status} among ${[...seen]}`).toContain(status);
  }, 240_000);
});
