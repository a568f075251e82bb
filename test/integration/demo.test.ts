// `npm run -s demo` against the local runtime in this process: one day at a small volume opens
// cases from events and messages, agents resolve them, follow-up calls are recorded — all seen
// through the API — and the KPI table it prints has a value in every column (the CLI's answer
// to a runtime without the KPI API is a unit test of infra/cli/kpis.ts).
import "./quiet.ts";
import { describe, expect, it } from "vitest";
import { type DemoResult, runDemo } from "#infra/cli/demo.ts";
import { KPI_COLUMNS, missingValues, NO_VALUE } from "#infra/cli/kpi-table.ts";
import { runKpis } from "#infra/cli/kpis.ts";
import { useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

describe("npm run -s demo", () => {
  let result: DemoResult;
  let out = "";
  let err = "";

  it("runs a day of work through the runtime", { timeout: 180_000 }, async () => {
    const { system } = local;
    result = await runDemo({
      api: system.url,
      dataDir: system.dataDir,
      days: 1,
      seed: 7,
      perDay: 30,
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
    });
    expect(result.stats.httpErrors, err).toBe(0);
    expect(result.stats.eventsRefused).toBe(0);
    expect(result.stats.events).toBeGreaterThan(30);
    expect(result.stats.messages).toBeGreaterThanOrEqual(8);
    expect(result.stats.resolutions).toBeGreaterThan(0);
    expect(result.stats.followUpsReached).toBeGreaterThan(0);
    expect(out).toContain("Demo: 1 working day(s)");
  });

  it("leaves cases opened, resolved and followed up, as the API shows them", async () => {
    const { system } = local;
    const ops = local.ops;
    const all: any[] = [];
    let cursor: string | null = null;
    do {
      const page = await system.get(
        `/v1/cases?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        ops,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const demoCases = all.filter((c) => !c.waybillNo || c.waybillNo.startsWith("DM"));
    expect(demoCases.length).toBeGreaterThan(10);
    expect(new Set(demoCases.map((c) => c.source))).toEqual(new Set(["event", "feedback"]));
    expect(new Set(demoCases.map((c) => c.team)).size).toBe(4);
    const done = demoCases.filter((c) => ["resolved", "closed"].includes(c.status));
    expect(done.length).toBeGreaterThan(0);
    expect(demoCases.some((c) => c.status === "closed")).toBe(true); // a satisfied follow-up
    expect(demoCases.some((c) => c.sla.firstRespondedAt)).toBe(true);

    const admin = await system.token("admin-demo", ["admins"]);
    const followUps = await system.get("/v1/follow-ups?status=done&limit=100", admin);
    expect(followUps.status).toBe(200);
    expect(followUps.body.items.length).toBeGreaterThan(0);
    expect(followUps.body.items.some((fu: any) => fu.kind === "case")).toBe(true);
    expect(followUps.body.items.every((fu: any) => fu.outcome?.reached === true)).toBe(true);
  });

  it("prints the KPI table with a value in every column", async () => {
    const { system } = local;
    const probe = await system.get(
      `/v1/kpis?from=${result.from}&to=${result.to}`,
      await system.token("ops-probe", ["ops"]),
    );
    let kpisOut = "";
    let kpisErr = "";
    const code = await runKpis(["--from", result.from, "--to", result.to, "--api", system.url], {
      out: (text) => (kpisOut += text),
      err: (text) => (kpisErr += text),
      env: { DATA_DIR: system.dataDir },
    });
    expect(probe.status).toBe(200);
    expect(code, kpisErr).toBe(0);
    expect(result.kpis).not.toBeNull();
    const row = result.kpis?.all.rows[0];
    expect(row?.key).toBe("all");
    expect(missingValues(row as never)).toEqual([]);
    // The printed "all" table: every KPI line has a value.
    const allTable = out.slice(
      out.indexOf("KPIs "),
      out.indexOf("KPIs ", out.indexOf("KPIs ") + 1),
    );
    for (const column of KPI_COLUMNS) {
      const line = allTable.split("\n").find((l) => l.startsWith(column.label));
      expect(line, column.label).toBeDefined();
      expect(line?.endsWith(NO_VALUE), column.label).toBe(false);
    }
    expect(out).toContain("by team");
    expect(kpisOut).toContain("KPIs ");
  });
});
