// The KPI table of `npm run -s kpis` and `npm run -s demo` (infra/cli/kpi-table.ts): values and
// `—` for what has none, the two layouts and when each is chosen, widths and alignment.
import { describe, expect, it } from "vitest";
import {
  chooseLayout,
  displayWidth,
  KPI_COLUMNS,
  type KpiReport,
  type KpiRow,
  missingValues,
  NO_VALUE,
  renderKpiTable,
} from "#infra/cli/kpi-table.ts";

function row(key: string, overrides: Partial<KpiRow> = {}): KpiRow {
  return {
    key,
    csat: 0.8667,
    avgSatisfaction: 4.333,
    nps: 42.857,
    followUpCoverage: 0.9,
    followUpTimeliness: 1,
    followUpMedianHours: 2.25,
    resolutionRate: 0.875,
    firstFollowUpResolution: 0.8,
    suggestionAdoptionRate: 0.5,
    firstResponseMinutesP50: 15.06,
    firstResponseMinutesP90: 45.04,
    acceptanceSecondsP50: 0.04,
    slaAttainment: 0.9125,
    complaintRate: 0.0204,
    repeatComplaintRate: 0.25,
    damageRate: 0.0271,
    lossRate: 0.0051,
    backlog: {
      byStatus: { new: 0, queued: 1, in_progress: 3, waiting: 0 },
      total: 4,
      oldestOpenedAt: "2026-12-02T01:00:00.000Z",
    },
    counts: { opened: 75, resolved: 70, delivered: 589, complaints: 12, satisfactionSum: 99 },
    ...overrides,
  };
}

const report = (rows: KpiRow[], groupBy: string | null = null): KpiReport => ({
  from: "2026-12-02",
  to: "2026-12-04",
  groupBy,
  rows,
});

const lineOf = (text: string, label: string) =>
  text.split("\n").find((line) => line.startsWith(label)) ?? "";

const AGENTS = [
  "agent-delivery-1",
  "agent-delivery-2",
  "agent-claims-1",
  "agent-claims-2",
  "agent-billing-1",
  "agent-care-1",
  "agent-care-2",
  "agent-care-3",
];

describe("the tall layout (KPIs as lines, groups as columns)", () => {
  const text = renderKpiTable(report([row("all")]));

  it("is what one group (all) gets, under a title with the period", () => {
    expect(text.split("\n")[0]).toBe("KPIs 2026-12-02 … 2026-12-04");
    expect(chooseLayout(report([row("all")]), "auto")).toBe("tall");
    for (const column of KPI_COLUMNS) expect(lineOf(text, column.label)).not.toBe("");
  });

  it("shows ratios as percentages with one decimal, NPS whole, durations with one decimal", () => {
    expect(lineOf(text, "CSAT, %").trim().split(/\s+/).at(-1)).toBe("86.7");
    expect(lineOf(text, "Follow-ups on time, %").endsWith("100.0")).toBe(true);
    expect(lineOf(text, "Loss rate, %").endsWith("0.5")).toBe(true);
    expect(lineOf(text, "NPS").endsWith(" 43")).toBe(true);
    expect(lineOf(text, "Average satisfaction").endsWith("4.3")).toBe(true);
    expect(lineOf(text, "1st response, minutes p90").endsWith("45.0")).toBe(true);
    expect(lineOf(text, "Acceptance, seconds p50").endsWith("0.0")).toBe(true);
    expect(lineOf(text, "Backlog (open cases)").endsWith(" 4")).toBe(true);
    expect(lineOf(text, "Parcels delivered").endsWith("589")).toBe(true);
  });

  it("breaks the backlog down by the statuses that have cases, with the oldest in Shanghai time", () => {
    expect(lineOf(text, "  in_progress").endsWith("3")).toBe(true);
    expect(lineOf(text, "  queued").endsWith("1")).toBe(true);
    expect(lineOf(text, "  waiting")).toBe(""); // no case waits in any group
    expect(lineOf(text, "  oldest opened (Shanghai)").endsWith("2026-12-02 09:00")).toBe(true);
  });

  it("adds the counters a reader needs, not the internal sums (--json has those)", () => {
    expect(lineOf(text, "Cases resolved").endsWith("70")).toBe(true);
    expect(lineOf(text, "Complaints").endsWith("12")).toBe(true);
    expect(text).not.toContain("satisfactionSum");
  });

  it("puts — where a KPI has no value: null, missing, or not a number", () => {
    const sparse = renderKpiTable(
      report(
        [
          row("billing", { csat: null, nps: null, backlog: null, counts: null }),
          { key: "claims" }, // nothing but the key
        ],
        "team",
      ),
    );
    const csat = lineOf(sparse, "CSAT, %").split(/\s{2,}/);
    expect(csat.slice(1)).toEqual([NO_VALUE, NO_VALUE]);
    expect(
      lineOf(sparse, "Backlog (open cases)")
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual([NO_VALUE, NO_VALUE]);
    expect(
      lineOf(sparse, "Average satisfaction")
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual(["4.3", NO_VALUE]);
    expect(missingValues({ key: "claims" })).toHaveLength(KPI_COLUMNS.length);
    expect(missingValues(row("all"))).toEqual([]);
    expect(missingValues(row("all", { lossRate: Number.NaN }))).toEqual(["Loss rate, %"]);
  });

  it("right-aligns every group's column under its key", () => {
    const teams = renderKpiTable(
      report(
        ["billing", "claims", "customer-care", "delivery-ops"].map((k) => row(k)),
        "team",
      ),
    );
    const lines = teams.split("\n").filter(Boolean);
    expect(lines[0]).toBe("KPIs 2026-12-02 … 2026-12-04, by team");
    const header = lines[1] as string;
    expect(header.startsWith("team")).toBe(true);
    // Each value ends where its group's name ends.
    const ends = ["billing", "claims", "customer-care", "delivery-ops"].map(
      (k) => header.indexOf(k) + k.length,
    );
    for (const label of ["CSAT, %", "NPS", "Parcels delivered"]) {
      const line = lineOf(teams, label);
      for (const end of ends) expect(line[end - 1]).toMatch(/\d/);
    }
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(160);
  });
});

describe("the wide layout (one line per group)", () => {
  const eight = report(
    AGENTS.map((k) => row(k)),
    "agent",
  );

  it("is chosen for more than six groups, or when the tall one is too wide", () => {
    expect(chooseLayout(eight, "auto")).toBe("wide");
    const six = report(
      AGENTS.slice(0, 6).map((k) => row(k)),
      "agent",
    );
    expect(chooseLayout(six, "auto", 160)).toBe("tall");
    expect(chooseLayout(six, "auto", 100)).toBe("wide");
    expect(chooseLayout(report([row("all")]), "wide")).toBe("wide");
    expect(chooseLayout(eight, "tall")).toBe("tall");
  });

  it("fits 160 columns with agent ids and the widest values, every line as wide as the header", () => {
    const widest = report(
      AGENTS.map((k) =>
        row(k, {
          csat: 1,
          followUpCoverage: 1,
          slaAttainment: 1,
          lossRate: 1,
          nps: -100,
          counts: { opened: 12345, delivered: 99999 },
          backlog: { byStatus: {}, total: 1234, oldestOpenedAt: null },
        }),
      ),
      "agent",
    );
    for (const table of [renderKpiTable(eight), renderKpiTable(widest)]) {
      const lines = table.split("\n").filter(Boolean);
      expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(160);
      // title, two header lines, a rule, a line per agent
      expect(lines).toHaveLength(4 + AGENTS.length);
      expect(lines[1]?.startsWith("agent ")).toBe(true);
      expect(lines[3]).toMatch(/^─+( +─+)+$/);
      const width = displayWidth(lines[3] as string);
      for (const line of lines.slice(4)) expect(displayWidth(line)).toBe(width);
    }
  });

  it("has one short header per KPI and — for the values missing", () => {
    const text = renderKpiTable(
      report([row("courier-sh01"), row("courier-sh02", { csat: null, backlog: null })], "courier"),
      { layout: "wide" },
    );
    const [, head1, head2, , first, second] = text.split("\n");
    for (const name of ["CSAT", "NPS", "Cover", "OnTime", "SLA", "Damage", "Loss", "Backlog"])
      expect(head1).toContain(name);
    expect(head2).toContain("p50 m");
    expect(first?.split(/\s+/)).toHaveLength(1 + KPI_COLUMNS.length);
    expect(first?.split(/\s+/)[1]).toBe("86.7");
    const cells = second?.split(/\s+/) ?? [];
    expect(cells[1]).toBe(NO_VALUE);
    expect(cells[KPI_COLUMNS.findIndex((c) => c.head[0] === "Backlog") + 1]).toBe(NO_VALUE);
  });

  it("counts wide characters twice when aligning (a region named in Chinese)", () => {
    expect(displayWidth("上海")).toBe(4);
    expect(displayWidth("Shanghai")).toBe(8);
    expect(displayWidth(NO_VALUE)).toBe(1);
    const text = renderKpiTable(report([row("上海"), row("Hangzhou")], "region"), {
      layout: "wide",
    });
    const [, , , , a, b] = text.split("\n");
    expect(displayWidth(a as string)).toBe(displayWidth(b as string));
  });
});

describe("edge cases", () => {
  it("says so when the period has no rows", () => {
    expect(renderKpiTable(report([], "agent"))).toBe(
      "KPIs 2026-12-02 … 2026-12-04, by agent\n(no data for this period)\n",
    );
  });

  it("names a one-day period once", () => {
    const text = renderKpiTable({ from: "2026-12-02", to: "2026-12-02", rows: [row("all")] });
    expect(text.startsWith("KPIs 2026-12-02\n")).toBe(true);
  });

  it("leaves no trailing spaces and ends with a newline", () => {
    for (const layout of ["wide", "tall"] as const) {
      const text = renderKpiTable(report([row("all", { csat: null })]), { layout });
      expect(text.endsWith("\n")).toBe(true);
      for (const line of text.split("\n")) expect(line).toBe(line.trimEnd());
    }
  });
});
