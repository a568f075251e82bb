// `npm run -s kpis` (infra/cli/kpis.ts): its flags, where it finds the runtime, and what it says
// and exits with — against a small stand-in for the runtime (an HTTP server in this process
// answering /_local/clock and /v1/kpis) and the local signing key of a temporary DATA_DIR.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiUrlOf,
  DEFAULT_API,
  isDate,
  NO_KPI_API,
  parseKpiArgs,
  runKpis,
  UsageError,
} from "#infra/cli/kpis.ts";
import { issueToken } from "#infra/local/local-auth.ts";

describe("the flags", () => {
  it("default to nothing: today's dates come from the runtime's clock", () => {
    expect(parseKpiArgs([])).toEqual({ json: false, help: false });
  });

  it("take the period, a grouping, the API and --json", () => {
    expect(
      parseKpiArgs([
        "--from",
        "2026-12-02",
        "--to",
        "2026-12-04",
        "--group-by",
        "team",
        "--api",
        "http://127.0.0.1:3300/",
        "--json",
      ]),
    ).toEqual({
      from: "2026-12-02",
      to: "2026-12-04",
      groupBy: "team",
      api: "http://127.0.0.1:3300",
      json: true,
      help: false,
    });
    expect(parseKpiArgs(["--to=2026-12-04"]).to).toBe("2026-12-04");
    for (const group of ["category", "channel", "agent", "outlet", "courier", "region"])
      expect(parseKpiArgs(["--group-by", group]).groupBy).toBe(group);
  });

  it.each([
    [["--from", "2026-13-01"], /--from must be a date as YYYY-MM-DD/],
    [["--to", "2026-02-30"], /--to must be a date/],
    [["--from", "12/02/2026"], /--from must be a date/],
    [["--from", "2026-12-04", "--to", "2026-12-02"], /is after --to/],
    [["--group-by", "weekday"], /--group-by must be one of team, category, channel/],
    [["--api", "localhost:3000"], /--api must be/],
    [["--api", "ftp://127.0.0.1"], /--api must be an http\(s\) URL/],
    [["--since", "2026-12-01"], /Unknown option '--since'/],
    [["extra"], /Unexpected argument 'extra'/],
    [["--from"], /--from/],
  ])("refuse %j", (argv, message) => {
    expect(() => parseKpiArgs(argv)).toThrow(UsageError);
    expect(() => parseKpiArgs(argv)).toThrow(message);
  });

  it("know a real date", () => {
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2026-02-29")).toBe(false);
    expect(isDate("2026-1-01")).toBe(false);
  });
});

describe("finding the runtime", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpis-cli-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("takes --api first, then DATA_DIR's runtime.json, else port 3000", async () => {
    expect(apiUrlOf(undefined, dir)).toBe(DEFAULT_API);
    await writeFile(join(dir, "runtime.json"), JSON.stringify({ url: "http://127.0.0.1:4123" }));
    expect(apiUrlOf(undefined, dir)).toBe("http://127.0.0.1:4123");
    expect(apiUrlOf("http://127.0.0.1:5000/", dir)).toBe("http://127.0.0.1:5000");
  });
});

// ---- the command against a stand-in runtime -------------------------------------------------

interface Seen {
  url: string;
  authorization: string | undefined;
}

/** A stand-in runtime: the clock at 2026-12-03 20:30 Shanghai; /v1/kpis as `kpis` says. */
async function fakeRuntime(kpis: (url: URL, request: IncomingMessage) => [number, unknown]) {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    seen.push({ url: request.url ?? "", authorization: request.headers.authorization });
    const [status, body] =
      url.pathname === "/_local/clock"
        ? [200, { now: "2026-12-03T12:30:00.000Z" }]
        : url.pathname === "/v1/kpis"
          ? kpis(url, request)
          : [404, { message: "Not Found" }];
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function run(argv: string[], dataDir: string) {
  let out = "";
  let err = "";
  const code = await runKpis(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: { DATA_DIR: dataDir },
  });
  return { code, out, err };
}

const ROW = {
  key: "all",
  csat: 0.8,
  avgSatisfaction: 4.2,
  nps: 40,
  followUpCoverage: 0.9,
  followUpTimeliness: 1,
  followUpMedianHours: 2.3,
  resolutionRate: 0.9,
  firstFollowUpResolution: 0.85,
  suggestionAdoptionRate: 0.5,
  firstResponseMinutesP50: 15,
  firstResponseMinutesP90: 45,
  acceptanceSecondsP50: 2,
  slaAttainment: 0.95,
  complaintRate: 0.02,
  repeatComplaintRate: 0.2,
  damageRate: 0.03,
  lossRate: 0.005,
  backlog: { byStatus: { in_progress: 2 }, total: 2, oldestOpenedAt: null },
  counts: { opened: 10, delivered: 200 },
};

describe("npm run -s kpis", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "kpis-run-"));
    await issueToken(dataDir, { sub: "x", groups: [] }); // creates the local signing key
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("prints the table of today (Shanghai, on the runtime's clock) with an ops token", async () => {
    const runtime = await fakeRuntime((url) => [
      200,
      {
        from: url.searchParams.get("from"),
        to: url.searchParams.get("to"),
        groupBy: null,
        rows: [ROW],
      },
    ]);
    try {
      const { code, out, err } = await run(["--api", runtime.url], dataDir);
      expect(err).toBe("");
      expect(code).toBe(0);
      expect(out.split("\n")[0]).toBe("KPIs 2026-12-03");
      expect(out).toMatch(/CSAT, %\s+80\.0/);
      const call = runtime.seen.find((s) => s.url.startsWith("/v1/kpis"));
      expect(call?.url).toBe("/v1/kpis?from=2026-12-03&to=2026-12-03");
      const token = call?.authorization?.replace(/^Bearer /, "") ?? "";
      const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
      expect(claims["cognito:groups"]).toEqual(["ops"]);
    } finally {
      await runtime.close();
    }
  });

  it("passes the period and the grouping on, and prints the JSON with --json", async () => {
    const answer = { from: "2026-12-01", to: "2026-12-02", groupBy: "team", rows: [ROW] };
    const runtime = await fakeRuntime(() => [200, answer]);
    try {
      const argv = ["--from", "2026-12-01", "--to", "2026-12-02", "--group-by", "team"];
      const { code, out } = await run([...argv, "--api", runtime.url, "--json"], dataDir);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual(answer);
      expect(runtime.seen.map((s) => s.url)).toEqual([
        "/v1/kpis?from=2026-12-01&to=2026-12-02&groupBy=team",
      ]);
    } finally {
      await runtime.close();
    }
  });

  it("says clearly when the runtime has no KPI API yet (404), and exits 1", async () => {
    const runtime = await fakeRuntime(() => [404, { message: "Not Found" }]);
    try {
      const { code, out, err } = await run(["--api", runtime.url], dataDir);
      expect(code).toBe(1);
      expect(out).toBe("");
      expect(err).toContain(NO_KPI_API);
      expect(err).toContain("the runtime has no KPI API yet");
    } finally {
      await runtime.close();
    }
  });

  it("shows the API's problem details when it refuses (400), and exits 1", async () => {
    const runtime = await fakeRuntime(() => [
      400,
      {
        status: 400,
        title: "Bad Request",
        detail: "The query string is not valid",
        errors: [{ path: "to", message: "at most 366 days" }],
      },
    ]);
    try {
      const { code, err } = await run(["--api", runtime.url, "--from", "2020-01-01"], dataDir);
      expect(code).toBe(1);
      expect(err).toContain(
        "400 Bad Request — The query string is not valid (to: at most 366 days)",
      );
    } finally {
      await runtime.close();
    }
  });

  it("tells how to fix a token the runtime refuses (another DATA_DIR)", async () => {
    const runtime = await fakeRuntime(() => [401, { message: "Unauthorized" }]);
    try {
      const { code, err } = await run(["--api", runtime.url], dataDir);
      expect(code).toBe(1);
      expect(err).toMatch(/refused the token .* use the DATA_DIR of that npm start/);
    } finally {
      await runtime.close();
    }
  });

  it("says to start the runtime when nothing answers", async () => {
    const runtime = await fakeRuntime(() => [200, {}]);
    await runtime.close(); // the port is free now
    const { code, err } = await run(["--api", runtime.url], dataDir);
    expect(code).toBe(1);
    expect(err).toContain(`No local runtime answers at ${runtime.url}`);
    expect(err).toContain("start it with npm start");
  });

  it("says which DATA_DIR lacks the signing key", async () => {
    const empty = await mkdtemp(join(tmpdir(), "kpis-nokey-"));
    const runtime = await fakeRuntime(() => [200, { rows: [] }]);
    try {
      const { code, err } = await run(["--api", runtime.url], empty);
      expect(code).toBe(1);
      expect(err).toContain(`No local signing key in ${empty}`);
    } finally {
      await runtime.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("prints the usage and exits 2 on bad flags, 0 on --help", async () => {
    const bad = await run(["--group-by", "nope"], dataDir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Usage: npm run -s kpis");
    const help = await run(["--help"], dataDir);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: npm run -s kpis");
  });
});
