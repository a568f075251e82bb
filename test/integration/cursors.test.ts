// Pagination cursors through the HTTP API: paging through every case once; a cursor refused
// (400 problem+json) when it comes back with another caller, another filter, another route or
// another case's timeline, when it was forged or altered, and after 24 hours; and a cursor
// still good after the runtime restarted on the same data.
import "./quiet.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "#infra/local/local-auth.ts";
import { type CaseQuery, listCases } from "#shared/adapters/case-store.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import { drain, json, start } from "./processes.ts";

const local = useLocalSystem();
const CASES = 7;
const waybills = Array.from({ length: CASES }, () => newWaybill("CUR"));
const q = (cursor: string) => `cursor=${encodeURIComponent(cursor)}`;

/** A 400 refusing the cursor, as problem+json. */
function expectRefused(response: { status: number; headers: Headers; body: any }) {
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status: 400,
    detail: expect.stringMatching(/^The cursor is not one this API returned/),
  });
}

/** The nextCursor of the first page of `path` (which must have a next page). */
async function firstCursor(path: string, token = local.ops): Promise<string> {
  const page = await local.system.get(path, token);
  expect(page.status).toBe(200);
  expect(page.body.nextCursor).toEqual(expect.any(String));
  return page.body.nextCursor as string;
}

beforeAll(async () => {
  await local.system.publish(
    waybills.map((w) => ({ detailType: "Parcel Damaged", detail: damaged(w) })),
  );
  await local.system.runtime.idle();
});

describe("paging through GET /v1/cases", () => {
  it("gives every case once, whatever the page size from page to page", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const limit = pages % 2 === 0 ? 2 : 3;
      const path: string = `/v1/cases?limit=${limit}${cursor ? `&${q(cursor)}` : ""}`;
      const page = await local.system.get(path, local.ops);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.body.items.map((c: any) => c.caseId));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await local.system.get("/v1/cases?limit=100", local.ops);
    expect(all.body.items).toHaveLength(CASES);
    expect(seen.sort()).toEqual(all.body.items.map((c: any) => c.caseId).sort());
  });

  it("refuses the cursor of another caller, even one who may read the same cases", async () => {
    const cursor = await firstCursor("/v1/cases?team=claims&limit=2");
    const other = await local.system.token("ops-2", ["ops"]);
    expectRefused(await local.system.get(`/v1/cases?team=claims&limit=2&${q(cursor)}`, other));
    // …while its own caller goes on, parameters in any order.
    const next = await local.system.get(`/v1/cases?${q(cursor)}&limit=2&team=claims`, local.ops);
    expect(next.status).toBe(200);
  });

  it("refuses the cursor with another filter, or none", async () => {
    const cursor = await firstCursor("/v1/cases?team=claims&limit=2");
    for (const filters of ["team=billing", "team=claims&status=assigned", "category=damage", ""])
      expectRefused(await local.system.get(`/v1/cases?${filters}&limit=2&${q(cursor)}`, local.ops));
  });

  it("refuses a forged or altered cursor", async () => {
    const cursor = await firstCursor("/v1/cases?limit=2");
    const [payload, mac] = cursor.split(".") as [string, string];
    const position = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const forged = { index: "gsi2", key: { ...position.key, gsi2pk: "TEAM#billing" } };
    for (const raw of [
      b64(forged), // the unsigned kind this API used to issue
      `${b64({ ...forged, exp: position.exp })}.${mac}`, // another index, the old signature
      `${b64({ ...position, exp: position.exp + 86_400 })}.${mac}`, // a longer life
      `${payload}.${mac.slice(0, -2)}`,
      `${payload}x.${mac}`,
    ])
      expectRefused(await local.system.get(`/v1/cases?limit=2&${q(raw)}`, local.ops));
  });

  it("refuses a cursor of GET /v1/cases on GET /v1/follow-ups", async () => {
    const cursor = await firstCursor("/v1/cases?limit=2");
    expectRefused(await local.system.get(`/v1/follow-ups?limit=2&${q(cursor)}`, local.ops));
  });
});

describe("a listing with a read budget", () => {
  /** Every page of a listing straight from the store, with a budget of `budget` items read. */
  async function pages(query: Partial<CaseQuery>, budget: number) {
    const all: { items: string[]; next: boolean }[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCases(
        { allowedTeams: null, limit: 100, cursorBinding: "budget-test", ...query, cursor },
        new Date(),
        budget,
      );
      all.push({ items: page.items.map((c) => c.caseId), next: page.nextCursor !== null });
      cursor = page.nextCursor ?? undefined;
    } while (cursor && all.length < 50);
    return all;
  }

  it("answers a page with a cursor when a filter without its own index reads past it, and misses nothing", async () => {
    // No price case: the read stops every 3 items with an empty page and a cursor, then ends.
    const none = await pages({ category: "price" }, 3);
    expect(none.length).toBeGreaterThan(2);
    expect(none.every((p) => p.items.length === 0)).toBe(true);
    expect(none.at(-1)?.next).toBe(false);
    // Every damage case, once, across pages of at most what 3 items read can find.
    const damage = await pages({ category: "damage" }, 3);
    const found = damage.flatMap((p) => p.items);
    expect(damage.length).toBeGreaterThan(2);
    expect(new Set(found).size).toBe(found.length);
    const all = await local.system.get("/v1/cases?category=damage&limit=100", local.ops);
    expect(found.sort()).toEqual(all.body.items.map((c: any) => c.caseId).sort());
  });
});

describe("paging through a case's timeline", () => {
  it("refuses the cursor of one case's timeline on another's", async () => {
    const [a, b] = await Promise.all(waybills.slice(0, 2).map((w) => local.casesOf(w)));
    const caseA = a?.[0]?.caseId as string;
    const caseB = b?.[0]?.caseId as string;
    const cursor = await firstCursor(`/v1/cases/${caseA}/timeline?limit=1`);
    const own = await local.system.get(
      `/v1/cases/${caseA}/timeline?limit=1&${q(cursor)}`,
      local.ops,
    );
    expect(own.status).toBe(200);
    expectRefused(
      await local.system.get(`/v1/cases/${caseB}/timeline?limit=1&${q(cursor)}`, local.ops),
    );
    expectRefused(await local.system.get(`/v1/cases?limit=1&${q(cursor)}`, local.ops));
  });
});

describe("a cursor across a restart", () => {
  let dataDir = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "courier-care-cursor-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("still gives the next page from a runtime restarted on the same data", async () => {
    const ops = await issueToken(dataDir, { sub: "ops-1", groups: ["ops"] });
    const first = await start(dataDir, "node");
    const client = new EventBridgeClient({
      endpoint: first.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const restartWaybills = Array.from({ length: 3 }, () => newWaybill("CRS"));
    await client.send(
      new PutEventsCommand({
        Entries: restartWaybills.map((w) => ({
          EventBusName: "courier-service",
          Source: "courier.orders",
          DetailType: "Parcel Damaged",
          Detail: JSON.stringify(damaged(w)),
        })),
      }),
    );
    client.destroy();
    await drain(first.url);
    const page1 = await json(`${first.url}/v1/cases?limit=2`, { token: ops });
    expect(page1.items).toHaveLength(2);
    first.child.kill("SIGTERM");
    await first.exited;

    const second = await start(dataDir, "node");
    const page2 = await json(`${second.url}/v1/cases?limit=2&${q(page1.nextCursor)}`, {
      token: ops,
    });
    const seen = [...page1.items, ...page2.items].map((c: any) => c.waybillNo);
    expect(seen.sort()).toEqual([...restartWaybills].sort());
    expect(page2.nextCursor).toBeNull();
    second.child.kill("SIGTERM");
    await second.exited;
  });
});

// Last in this file: it moves the runtime clock a day on.
describe("a cursor's life", () => {
  it("ends 24 hours after it was issued", async () => {
    const cursor = await firstCursor("/v1/cases?limit=2");
    // The same caller, with a token of the runtime's new time (tokens live 12 h).
    const ops = () => local.system.token("ops-1", ["ops"]);
    await local.system.advance("PT23H");
    expect((await local.system.get(`/v1/cases?limit=2&${q(cursor)}`, await ops())).status).toBe(
      200,
    );
    await local.system.advance("PT1H");
    expectRefused(await local.system.get(`/v1/cases?limit=2&${q(cursor)}`, await ops()));
  });
});
