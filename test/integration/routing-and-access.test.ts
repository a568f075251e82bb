// Capacity limits and the team queue, and who may read what through the HTTP API.
import { beforeAll, describe, expect, it } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

describe("when the team is full", () => {
  it("assigns up to capacity (fewest open cases first), then queues the rest visibly", async () => {
    // The default organisation's claims team: two agents on shift, capacity 5 each.
    const waybills = Array.from({ length: 11 }, () => newWaybill("CAP"));
    for (let i = 0; i < waybills.length; i += 10) {
      await local.system.publish(
        waybills
          .slice(i, i + 10)
          .map((w) => ({ detailType: "Parcel Damaged", detail: damaged(w) })),
      );
    }
    await local.system.runtime.idle();

    const claims = await local.system.get("/v1/cases?team=claims&limit=100", local.ops);
    const mine = (claims.body.items as any[]).filter((c) => waybills.includes(c.waybillNo));
    const byAgent = new Map<string, number>();
    for (const c of mine.filter((c) => c.status === "assigned"))
      byAgent.set(c.assignee, (byAgent.get(c.assignee) ?? 0) + 1);
    expect(Object.fromEntries(byAgent)).toEqual({ "agent-claims-1": 5, "agent-claims-2": 5 });

    const queued = await local.system.get("/v1/cases?team=claims&status=queued", local.ops);
    expect(queued.body.items).toHaveLength(1);
    expect(queued.body.items[0]).toMatchObject({
      status: "queued",
      assignee: null,
      team: "claims",
    });
  });
});

describe("the local clock", () => {
  it("moves forward by an ISO-8601 duration and refuses anything else", async () => {
    const before = (await (await fetch(`${local.system.url}/_local/clock`)).json()) as {
      now: string;
    };
    const advanced = await fetch(`${local.system.url}/_local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "PT2H" }),
    });
    expect(advanced.status).toBe(200);
    const { now } = (await advanced.json()) as { now: string };
    expect(Date.parse(now) - Date.parse(before.now)).toBeGreaterThanOrEqual(2 * 3600e3);
    expect(Date.parse(now) - Date.parse(before.now)).toBeLessThan(2 * 3600e3 + 60e3);

    const refused = await fetch(`${local.system.url}/_local/clock`, {
      method: "POST",
      body: '{"advance":"2 hours"}',
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/ISO-8601/);
  });
});

describe("the case API", () => {
  let waybillNo: string;
  let caseId: string;

  beforeAll(async () => {
    waybillNo = newWaybill("API");
    await local.system.publish([
      {
        detailType: "Parcel Delayed",
        detail: {
          ...damaged(waybillNo),
          promisedAt: "2026-11-23T18:00:00+08:00",
          reason: "hub backlog",
        },
      },
    ]);
    await local.system.runtime.idle();
    caseId = (await local.system.get(`/v1/cases?waybillNo=${waybillNo}`, local.ops)).body.items[0]
      .caseId;
  });

  it("refuses /v1 without a valid token", async () => {
    expect((await local.system.get("/v1/cases")).status).toBe(401);
    expect((await local.system.get("/v1/cases", "not-a-jwt")).status).toBe(401);
    expect((await local.system.get(`/v1/cases/${caseId}`, `${local.ops}x`)).status).toBe(401);
  });

  it("answers /health without a token", async () => {
    expect(await local.system.get("/health")).toMatchObject({
      status: 200,
      body: { status: "ok" },
    });
  });

  it("returns one case with its version as ETag", async () => {
    const response = await local.system.get(`/v1/cases/${caseId}`, local.ops);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      caseId,
      waybillNo,
      category: "delay",
      team: "delivery-ops",
    });
    expect(response.headers.get("etag")).toBe(`"${response.body.version}"`);
  });

  it("answers an unknown case with a problem document", async () => {
    const response = await local.system.get("/v1/cases/CS-0000000000000000", local.ops);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, title: "Not Found" });
  });

  it("lets an agent read their own team's cases but not another team's", async () => {
    const delivery = await local.system.token("agent-delivery-2", ["agents"]);
    const billing = await local.system.token("agent-billing-1", ["agents"]);
    expect((await local.system.get(`/v1/cases/${caseId}`, delivery)).status).toBe(200);
    expect((await local.system.get(`/v1/cases/${caseId}`, billing)).status).toBe(403);
    const listed = await local.system.get(`/v1/cases?waybillNo=${waybillNo}`, billing);
    expect(listed.body.items).toHaveLength(0);
    expect(
      (await local.system.get("/v1/cases?team=delivery-ops", billing)).body.items,
    ).toHaveLength(0);
  });

  it("lets a supervisor read the teams they supervise", async () => {
    const supervisor = await local.system.token("sup-delivery", ["supervisors"]);
    const response = await local.system.get(`/v1/cases?waybillNo=${waybillNo}`, supervisor);
    expect(response.body.items).toHaveLength(1);
  });

  it("filters by status, team and assignee", async () => {
    const found = (await local.system.get(`/v1/cases/${caseId}`, local.ops)).body;
    const byAssignee = await local.system.get(
      `/v1/cases?assignee=${found.assignee}&status=assigned&limit=100`,
      local.ops,
    );
    expect(byAssignee.body.items.map((c: any) => c.caseId)).toContain(caseId);
    const otherStatus = await local.system.get(
      `/v1/cases?assignee=${found.assignee}&status=resolved`,
      local.ops,
    );
    expect(otherStatus.body.items).toHaveLength(0);
  });

  it("pages through results with a cursor, each case once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/cases?team=claims&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await local.system.get(query, local.ops);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.items.map((c: any) => c.caseId));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await local.system.get("/v1/cases?team=claims&limit=100", local.ops);
    expect(seen.sort()).toEqual(all.body.items.map((c: any) => c.caseId).sort());
  });

  it("rejects bad query parameters with field errors", async () => {
    const response = await local.system.get("/v1/cases?status=open&limit=1000", local.ops);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: any) => e.path).sort()).toEqual(["limit", "status"]);
    const badCursor = await local.system.get("/v1/cases?cursor=abc", local.ops);
    expect(badCursor.status).toBe(400);
  });

  it("lists every team's cases for ops without filters, newest first", async () => {
    const response = await local.system.get("/v1/cases?limit=100", local.ops);
    const created = (response.body.items as any[]).map((c) => c.createdAt);
    expect(created.length).toBeGreaterThanOrEqual(12);
    expect([...created].sort().reverse()).toEqual(created);
  });
});
