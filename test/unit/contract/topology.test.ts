// The topology is consistent: everything it names exists, and the timings follow AWS guidance.
import { describe, expect, it } from "vitest";
import {
  functionSpec,
  functions,
  queues,
  routes,
  rules,
  tableAccessOf,
  tables,
  UPSTREAM_DETAIL_TYPES,
} from "#infra/topology.ts";
import { implementations } from "#functions/api/handler.ts";

describe("the topology", () => {
  it("names only functions and queues that exist", () => {
    for (const queue of queues) expect(() => functionSpec(queue.consumer)).not.toThrow();
    for (const rule of rules()) expect(queues.map((q) => q.name)).toContain(rule.targetQueue);
    for (const route of routes) expect(() => functionSpec(route.function)).not.toThrow();
    for (const fn of functions) {
      for (const table of Object.keys(fn.access))
        expect(tables.map((t) => t.name)).toContain(table);
      expect(tableAccessOf(fn)).toHaveLength(Object.keys(fn.access).length);
    }
  });

  it("sends every GET to a function that cannot write or publish, and nothing else there", () => {
    // A GET that writes (say an audited read, which adds a timeline entry) belongs on `api`:
    // name it here, with the reason.
    const writingGets = new Set<string>([
      // Audited reads of the customer's full contact: the `contact-read` timeline entry is
      // written before the data leaves (functions/api/use-cases/read-contact.ts).
      "GET /v1/cases/{caseId}/contact",
      "GET /v1/follow-ups/{followUpId}/contact",
    ]);
    const readOnly = (name: string) => {
      const spec = functionSpec(name);
      return !spec.publishes && tableAccessOf(spec).every(([, access]) => access === "read");
    };
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      expect(readOnly(route.function), `${key} → ${route.function}`).toBe(
        route.method === "GET" && !writingGets.has(key),
      );
    }
  });

  it("routes every upstream detail type to intake, from the configured source", () => {
    const intake = rules("acme.tms").find((rule) => rule.targetQueue === "intake");
    expect(intake?.pattern).toEqual({
      source: ["acme.tms"],
      "detail-type": [...UPSTREAM_DETAIL_TYPES],
    });
  });

  it("gives each queue a visibility timeout of at least 6 × its consumer's timeout", () => {
    for (const queue of queues) {
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        6 * functionSpec(queue.consumer).timeoutSeconds,
      );
    }
  });

  it("has an implementation for every authenticated api route, and no route without one", () => {
    const declared = routes
      .filter((r) => functionSpec(r.function).entry === "functions/api/handler.ts" && r.auth)
      .map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(implementations).sort()).toEqual(declared.sort());
  });
});
