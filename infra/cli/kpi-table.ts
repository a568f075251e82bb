// The KPI table of `npm run -s kpis` and `npm run -s demo`: the answer of GET /v1/kpis as text
// for a terminal. Pure (no I/O). Two layouts: with few groups (the usual `all`, or the four
// teams) the KPIs are the lines and the groups the columns ("tall": every KPI is named in words,
// the backlog by status and every counter shown); with many groups (agents, couriers, outlets)
// one line per group under short two-line headers ("wide", about 150 columns). Ratios are shown
// as percentages with one decimal, NPS as a whole number, `—` where the KPI has no value.

export interface KpiBacklog {
  readonly byStatus: Readonly<Record<string, number>>;
  readonly total: number;
  readonly oldestOpenedAt: string | null;
}

/** One row of GET /v1/kpis; fields the API leaves out count as null. */
export interface KpiRow {
  readonly key: string;
  readonly csat?: number | null;
  readonly avgSatisfaction?: number | null;
  readonly nps?: number | null;
  readonly followUpCoverage?: number | null;
  readonly followUpTimeliness?: number | null;
  readonly followUpMedianHours?: number | null;
  readonly resolutionRate?: number | null;
  readonly firstFollowUpResolution?: number | null;
  readonly suggestionAdoptionRate?: number | null;
  readonly firstResponseMinutesP50?: number | null;
  readonly firstResponseMinutesP90?: number | null;
  readonly acceptanceSecondsP50?: number | null;
  readonly slaAttainment?: number | null;
  readonly complaintRate?: number | null;
  readonly repeatComplaintRate?: number | null;
  readonly damageRate?: number | null;
  readonly lossRate?: number | null;
  readonly backlog?: KpiBacklog | null;
  readonly counts?: Readonly<Record<string, number>> | null;
}

export interface KpiReport {
  readonly from: string;
  readonly to: string;
  readonly groupBy?: string | null;
  readonly rows: readonly KpiRow[];
}

export type KpiLayout = "auto" | "wide" | "tall";

export interface RenderOptions {
  /** The terminal's width; "auto" picks the tall layout only when it fits. Default 160. */
  readonly width?: number;
  /** Default "auto": tall for up to `tallMaxGroups` groups, else wide. */
  readonly layout?: KpiLayout;
  /** Default 6. */
  readonly tallMaxGroups?: number;
}

/** What stands for a KPI without a value (nothing to measure in the period). */
export const NO_VALUE = "—";

type Format = (value: number) => string;
const percent: Format = (v) => (v * 100).toFixed(1);
const oneDecimal: Format = (v) => v.toFixed(1);
const whole: Format = (v) => Math.round(v).toFixed(0);

interface Column {
  /** Two short header lines for the wide layout. */
  readonly head: readonly [string, string];
  /** The line's name in the tall layout. */
  readonly label: string;
  readonly value: (row: KpiRow) => number | null | undefined;
  readonly format: Format;
}

const field =
  (name: Exclude<keyof KpiRow, "key" | "backlog" | "counts">) =>
  (row: KpiRow): number | null | undefined =>
    row[name];
const count = (name: string) => (row: KpiRow) => row.counts?.[name];

/** Every KPI of a row, in the order they are printed. */
export const KPI_COLUMNS: readonly Column[] = [
  { head: ["CSAT", "%"], label: "CSAT, %", value: field("csat"), format: percent },
  {
    head: ["Avg", "sat"],
    label: "Average satisfaction (1–5)",
    value: field("avgSatisfaction"),
    format: oneDecimal,
  },
  { head: ["NPS", ""], label: "NPS (−100..100)", value: field("nps"), format: whole },
  {
    head: ["Cover", "%"],
    label: "Follow-up coverage, %",
    value: field("followUpCoverage"),
    format: percent,
  },
  {
    head: ["OnTime", "%"],
    label: "Follow-ups on time, %",
    value: field("followUpTimeliness"),
    format: percent,
  },
  {
    head: ["FU h", "p50"],
    label: "Follow-up, median hours",
    value: field("followUpMedianHours"),
    format: oneDecimal,
  },
  {
    head: ["Resolv", "%"],
    label: "Resolution rate, %",
    value: field("resolutionRate"),
    format: percent,
  },
  {
    head: ["1st-FU", "%"],
    label: "Resolved at 1st follow-up, %",
    value: field("firstFollowUpResolution"),
    format: percent,
  },
  {
    head: ["Adopt", "%"],
    label: "Suggestions adopted, %",
    value: field("suggestionAdoptionRate"),
    format: percent,
  },
  {
    head: ["Resp", "p50 m"],
    label: "1st response, minutes p50",
    value: field("firstResponseMinutesP50"),
    format: oneDecimal,
  },
  {
    head: ["Resp", "p90 m"],
    label: "1st response, minutes p90",
    value: field("firstResponseMinutesP90"),
    format: oneDecimal,
  },
  {
    head: ["Accept", "s p50"],
    label: "Acceptance, seconds p50",
    value: field("acceptanceSecondsP50"),
    format: oneDecimal,
  },
  {
    head: ["SLA", "%"],
    label: "SLA attainment, %",
    value: field("slaAttainment"),
    format: percent,
  },
  {
    head: ["Compl", "%"],
    label: "Complaint rate, %",
    value: field("complaintRate"),
    format: percent,
  },
  {
    head: ["Repeat", "%"],
    label: "Repeat complaints, %",
    value: field("repeatComplaintRate"),
    format: percent,
  },
  { head: ["Damage", "%"], label: "Damage rate, %", value: field("damageRate"), format: percent },
  { head: ["Loss", "%"], label: "Loss rate, %", value: field("lossRate"), format: percent },
  {
    head: ["Backlog", "open"],
    label: "Backlog (open cases)",
    value: (row) => row.backlog?.total,
    format: whole,
  },
  { head: ["Opened", ""], label: "Cases opened", value: count("opened"), format: whole },
  { head: ["Deliv", ""], label: "Parcels delivered", value: count("delivered"), format: whole },
];

/** Counters the tall layout adds after the KPIs, when the API has them (`--json` shows all). */
const EXTRA_COUNTS: readonly (readonly [string, string])[] = [
  ["resolved", "Cases resolved"],
  ["complaints", "Complaints"],
  ["repeatComplaints", "Repeat complaints"],
  ["followUpsDue", "Follow-ups due"],
  ["followedUp", "Follow-ups made"],
  ["followUpsUnreachable", "Customers unreachable"],
];

export function formatValue(value: number | null | undefined, format: Format): string {
  return typeof value === "number" && Number.isFinite(value) ? format(value) : NO_VALUE;
}

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x300 && code < 0x370)) continue; // control, combining marks
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

const padLeft = (text: string, width: number) =>
  " ".repeat(Math.max(0, width - displayWidth(text))) + text;
const padRight = (text: string, width: number) =>
  text + " ".repeat(Math.max(0, width - displayWidth(text)));

const GAP = "  ";

/** The title line: period and grouping. */
export function kpiTitle(report: KpiReport): string {
  const period = report.from === report.to ? report.from : `${report.from} … ${report.to}`;
  return `KPIs ${period}${report.groupBy ? `, by ${report.groupBy}` : ""}`;
}

/** The whole table as text (a title line, the table, a final newline). */
export function renderKpiTable(report: KpiReport, options: RenderOptions = {}): string {
  const width = options.width ?? 160;
  const title = kpiTitle(report);
  if (report.rows.length === 0) return `${title}\n(no data for this period)\n`;
  const layout = chooseLayout(report, options.layout ?? "auto", width, options.tallMaxGroups ?? 6);
  // The wide layout closes up its columns when two spaces between them would not fit.
  const wide = () => {
    const spaced = wideLines(report, "  ");
    return Math.max(...spaced.map(displayWidth)) <= width ? spaced : wideLines(report, " ");
  };
  const lines = layout === "tall" ? tallLines(report) : wide();
  return `${title}\n${lines.map((line) => line.trimEnd()).join("\n")}\n`;
}

/** The layout "auto" stands for: tall for few groups when it fits the width, else wide. */
export function chooseLayout(
  report: KpiReport,
  layout: KpiLayout,
  width = 160,
  tallMaxGroups = 6,
): "wide" | "tall" {
  if (layout !== "auto") return layout;
  if (report.rows.length > tallMaxGroups) return "wide";
  return Math.max(...tallLines(report).map(displayWidth)) <= width ? "tall" : "wide";
}

function keyHeader(report: KpiReport): string {
  return report.groupBy ?? "group";
}

function wideLines(report: KpiReport, gap: string): string[] {
  const keyWidth = Math.max(
    displayWidth(keyHeader(report)),
    ...report.rows.map((r) => displayWidth(r.key)),
  );
  const cells = report.rows.map((row) =>
    KPI_COLUMNS.map((column) => formatValue(column.value(row), column.format)),
  );
  const widths = KPI_COLUMNS.map((column, i) =>
    Math.max(
      displayWidth(column.head[0]),
      displayWidth(column.head[1]),
      ...cells.map((row) => displayWidth(row[i] as string)),
    ),
  );
  const line = (key: string, values: readonly string[]) =>
    [padRight(key, keyWidth), ...values.map((v, i) => padLeft(v, widths[i] as number))].join(gap);
  return [
    line(
      keyHeader(report),
      KPI_COLUMNS.map((c) => c.head[0]),
    ),
    line(
      "",
      KPI_COLUMNS.map((c) => c.head[1]),
    ),
    line(
      "─".repeat(keyWidth),
      widths.map((w) => "─".repeat(w)),
    ),
    ...report.rows.map((row, i) => line(row.key, cells[i] as string[])),
  ];
}

function tallLines(report: KpiReport): string[] {
  const rows = report.rows;
  const table: [string, string[]][] = KPI_COLUMNS.map((column) => [
    column.label,
    rows.map((row) => formatValue(column.value(row), column.format)),
  ]);

  // The backlog by status and its oldest case, then every counter not shown above.
  const statuses = unionOfKeys(rows.map((r) => r.backlog?.byStatus)).filter((status) =>
    rows.some((r) => (r.backlog?.byStatus[status] ?? 0) > 0),
  );
  const backlogAt = table.findIndex(([label]) => label.startsWith("Backlog"));
  const backlogLines: [string, string[]][] = statuses.map((status) => [
    `  ${status}`,
    rows.map((row) => (row.backlog ? String(row.backlog.byStatus[status] ?? 0) : NO_VALUE)),
  ]);
  if (rows.some((r) => r.backlog?.oldestOpenedAt))
    backlogLines.push([
      "  oldest opened (Shanghai)",
      rows.map((row) => shanghaiMinute(row.backlog?.oldestOpenedAt)),
    ]);
  table.splice(backlogAt + 1, 0, ...backlogLines);
  const counters = unionOfKeys(rows.map((r) => r.counts));
  for (const [name, label] of EXTRA_COUNTS)
    if (counters.includes(name))
      table.push([label, rows.map((row) => formatValue(row.counts?.[name], whole))]);

  const labelWidth = Math.max(
    displayWidth(keyHeader(report)),
    ...table.map(([label]) => displayWidth(label)),
  );
  const widths = rows.map((row, i) =>
    Math.max(6, displayWidth(row.key), ...table.map(([, values]) => displayWidth(values[i] ?? ""))),
  );
  const line = (label: string, values: readonly string[]) =>
    [padRight(label, labelWidth), ...values.map((v, i) => padLeft(v, widths[i] as number))].join(
      GAP,
    );
  return [
    line(
      keyHeader(report),
      rows.map((r) => r.key),
    ),
    "─".repeat(labelWidth + widths.reduce((sum, w) => sum + w + GAP.length, 0)),
    ...table.map(([label, values]) => line(label, values)),
  ];
}

function unionOfKeys(records: readonly (Readonly<Record<string, unknown>> | null | undefined)[]) {
  const keys: string[] = [];
  for (const record of records)
    for (const key of Object.keys(record ?? {})) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/** "2026-12-02 09:14" in Asia/Shanghai (UTC+8 all year), or `—`. */
function shanghaiMinute(iso: string | null | undefined): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return NO_VALUE;
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** The KPI columns (short names) a row has no value for: empty when every column has one. */
export function missingValues(row: KpiRow): string[] {
  return KPI_COLUMNS.filter(
    (column) => formatValue(column.value(row), column.format) === NO_VALUE,
  ).map((column) => column.label);
}
