// `npm run -s kpis -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by team|…] [--api URL] [--json]`:
// the KPI table of the running local runtime (GET /v1/kpis), readable in a terminal (kpi-table.ts);
// `--json` prints the API's answer as it is. The dates default to today in Asia/Shanghai on the
// runtime's clock (GET /_local/clock, which POST /_local/clock moves). The API is the one in
// $DATA_DIR/runtime.json (the runtime of the same DATA_DIR, default .data), else --api, else
// http://127.0.0.1:3000; the ops token is signed with the local key of DATA_DIR, as
// `npm run -s token` does. Exit codes: 0 done, 1 the runtime or the API failed, 2 bad flags.
//
// Also the small client of the local runtime that `npm run -s demo` (demo.ts) uses.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { KPI_GROUPS, type KpiGroup } from "#shared/domain/kpi-facts.ts";
import { DATA_FILES } from "../local/data-files.ts";
import { issueToken } from "../local/local-auth.ts";
import { isEntryPoint } from "./entry-point.ts";
import { type KpiReport, renderKpiTable } from "./kpi-table.ts";

export { KPI_GROUPS, type KpiGroup };

export const DEFAULT_API = "http://127.0.0.1:3000";

export const KPIS_USAGE = `Usage: npm run -s kpis -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by GROUP] [--api URL] [--json]
  --from, --to   the period, Asia/Shanghai dates (default: today on the runtime's clock)
  --group-by     one of ${KPI_GROUPS.join(", ")} (default: one row, "all")
  --api          the runtime's URL (default: from $DATA_DIR/runtime.json, else ${DEFAULT_API})
  --json         print the API's JSON answer instead of the table
The ops token is signed with the local key in DATA_DIR (default .data), as npm run -s token does.`;

/** The runtime has no GET /v1/kpis (it answers 404): said as such by both commands. */
export const NO_KPI_API = "the runtime has no KPI API yet (GET /v1/kpis answers 404)";

/** Bad flags: the message, then the usage; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The runtime does not answer, or refuses our token: nothing to do but say how to fix it. */
export class RuntimeError extends Error {
  override readonly name = "RuntimeError";
}

export interface Problem {
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { path: string; message: string }[];
  readonly message?: string;
}

/** The API answered with an error status: what was asked, the status and the problem details. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly what: string,
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(`${what} → ${status} ${describeProblem(problem)}`);
  }
}

export class NoKpiApiError extends Error {
  override readonly name = "NoKpiApiError";
  constructor() {
    super(NO_KPI_API);
  }
}

export function describeProblem(problem: Problem | null | undefined): string {
  if (!problem) return "(no problem details)";
  const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
  const text = [problem.title ?? problem.message, problem.detail].filter(Boolean).join(" — ");
  return [text, fields && `(${fields})`].filter(Boolean).join(" ") || "(no problem details)";
}

// ---- flags ----------------------------------------------------------------------------------

export interface KpiArgs {
  readonly from?: string;
  readonly to?: string;
  readonly groupBy?: KpiGroup;
  readonly api?: string;
  readonly json: boolean;
  readonly help: boolean;
}

/** A real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(text);
}

export function checkApiUrl(api: string): string {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new UsageError(`--api must be a URL such as ${DEFAULT_API}, got "${api}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--api must be an http(s) URL, got "${api}"`);
  return api.replace(/\/+$/, "");
}

/** The flags of `npm run -s kpis` (argv without node and the script); UsageError when wrong. */
export function parseKpiArgs(argv: readonly string[]): KpiArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        from: { type: "string" },
        to: { type: "string" },
        "group-by": { type: "string" },
        api: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const flag of ["from", "to"] as const) {
    const value = values[flag];
    if (value !== undefined && !isDate(value))
      throw new UsageError(`--${flag} must be a date as YYYY-MM-DD, got "${value}"`);
  }
  if (values.from && values.to && values.from > values.to)
    throw new UsageError(`--from (${values.from}) is after --to (${values.to})`);
  const groupBy = values["group-by"];
  if (groupBy !== undefined && !(KPI_GROUPS as readonly string[]).includes(groupBy))
    throw new UsageError(`--group-by must be one of ${KPI_GROUPS.join(", ")}, got "${groupBy}"`);
  return {
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(groupBy ? { groupBy: groupBy as KpiGroup } : {}),
    ...(values.api !== undefined ? { api: checkApiUrl(values.api) } : {}),
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

// ---- the local runtime ---------------------------------------------------------------------

export function dataDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DATA_DIR || ".data");
}

/** --api, else the URL in DATA_DIR's runtime.json (written while `npm start` runs), else :3000. */
export function apiUrlOf(api: string | undefined, dataDir: string): string {
  if (api) return checkApiUrl(api);
  try {
    const runtime = JSON.parse(readFileSync(join(dataDir, DATA_FILES.runtime), "utf8")) as {
      url?: unknown;
    };
    if (typeof runtime.url === "string") return runtime.url.replace(/\/+$/, "");
  } catch {
    // not running on this DATA_DIR (or never was): the default port
  }
  return DEFAULT_API;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * The running local runtime over HTTP, with tokens signed by the local key of its data
 * directory (infra/local/local-auth.ts). Connection failures and refused tokens are
 * RuntimeErrors that say how to fix them; other answers are returned as they are.
 */
export class LocalRuntimeClient {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    readonly url: string,
    readonly dataDir: string,
  ) {}

  /** A token for `sub` in `groups` (cached), signed with the data directory's local key. */
  token(sub: string, groups: readonly string[]): Promise<string> {
    const key = `${sub}|${groups.join(",")}`;
    let token = this.tokens.get(key);
    if (!token) {
      if (!existsSync(join(this.dataDir, "local-auth", "signing-key.json")))
        throw new RuntimeError(
          `No local signing key in ${this.dataDir}: run this with the DATA_DIR of npm start`,
        );
      token = issueToken(this.dataDir, { sub, groups });
      this.tokens.set(key, token);
    }
    return token;
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] ??= "application/json";
    let response: Response;
    try {
      // Throttled (429, the stage's rate limit): wait and send again, as any client should.
      for (let attempt = 0; ; attempt += 1) {
        response = await fetch(`${this.url}${path}`, {
          method,
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          signal: AbortSignal.timeout(120_000),
        });
        if (response.status !== 429 || attempt === THROTTLED_RETRIES) break;
        await response.arrayBuffer();
        await sleep(50 * 2 ** attempt);
      }
    } catch (error) {
      throw new RuntimeError(
        `No local runtime answers at ${this.url} (${causeOf(error)}): start it with npm start ` +
          `(same DATA_DIR), or name it with --api`,
      );
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { detail: text.slice(0, 300) };
    }
    if (response.status === 401)
      throw new RuntimeError(
        `The runtime at ${this.url} refused the token signed with the key in ${this.dataDir}: ` +
          `use the DATA_DIR of that npm start`,
      );
    return { status: response.status, headers: response.headers, body };
  }

  /** A JSON call that must succeed (2xx): its body, else an ApiError with the problem details. */
  async call<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const answer = await this.request(method, path, options);
    if (answer.status >= 400)
      throw new ApiError(`${method} ${path}`, answer.status, answer.body as Problem | null);
    return answer.body as T;
  }

  /** The runtime's clock (GET /_local/clock). */
  async now(): Promise<Date> {
    const { now } = await this.call<{ now: string }>("GET", "/_local/clock");
    return new Date(now);
  }
}

/** Tries after a 429, 50 ms doubling: about 6 s in all before the 429 is the answer. */
const THROTTLED_RETRIES = 7;

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The date in Asia/Shanghai (UTC+8 all year) of an instant, YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** GET /v1/kpis as ops; NoKpiApiError when the runtime has no such route (404). */
export async function fetchKpis(
  client: LocalRuntimeClient,
  query: { from: string; to: string; groupBy?: KpiGroup },
): Promise<KpiReport> {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.groupBy) params.set("groupBy", query.groupBy);
  const path = `/v1/kpis?${params}`;
  const answer = await client.request("GET", path, {
    token: await client.token("ops-kpis", ["ops"]),
  });
  if (answer.status === 404) throw new NoKpiApiError();
  if (answer.status >= 400)
    throw new ApiError(`GET ${path}`, answer.status, answer.body as Problem | null);
  const report = answer.body as KpiReport | null;
  if (!report || !Array.isArray(report.rows))
    throw new ApiError(`GET ${path}`, answer.status, {
      title: "Unexpected answer",
      detail: "no rows in the answer",
    });
  return report;
}

// ---- the command ----------------------------------------------------------------------------

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Terminal width for the table. */
  readonly columns?: number;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
};

/** `npm run -s kpis` with these flags: what it prints, and its exit code. */
export async function runKpis(argv: readonly string[], io: Io = processIo): Promise<number> {
  let args: KpiArgs;
  try {
    args = parseKpiArgs(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${KPIS_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.out(`${KPIS_USAGE}\n`);
    return 0;
  }
  const dataDir = dataDirOf(io.env);
  const client = new LocalRuntimeClient(apiUrlOf(args.api, dataDir), dataDir);
  try {
    let from = args.from;
    let to = args.to;
    if (!from || !to) {
      const today = shanghaiDate(await client.now());
      from ??= to && to < today ? to : today;
      to ??= from > today ? from : today;
    }
    const report = await fetchKpis(client, {
      from,
      to,
      ...(args.groupBy ? { groupBy: args.groupBy } : {}),
    });
    io.out(
      args.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderKpiTable(report, { width: Math.max(80, io.columns ?? 160) }),
    );
    return 0;
  } catch (error) {
    if (error instanceof NoKpiApiError) {
      io.err(`${client.url}: ${NO_KPI_API}\n`);
      return 1;
    }
    if (error instanceof RuntimeError || error instanceof ApiError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await runKpis(process.argv.slice(2));
