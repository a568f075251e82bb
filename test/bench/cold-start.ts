// Cold start per function, for the bench: each function bundled as the CDK app bundles it
// (infra/cdk/care-function.ts: NodejsFunction with esbuild, ESM, minified, the AWS SDK inside),
// then its size and its module init, i.e. the time `await import()` of the bundle takes in a
// fresh node process: the part of a Lambda cold start the code controls. Two references are
// measured in the same run, bundled the same way: an empty handler (what init costs with no code)
// and, per function, the SDK-only floor (a bundle importing just the SDK clients that function's
// bundle contains), so `initMs ÷ floorInitMs` says what our code and its other dependencies add
// on top of the SDK we cannot do without.
//
// Runs are sequential (no two children compete for the 2 cores), medians over `samples` rounds,
// the order of the bundles reversed every other round so that cache effects spread evenly.
// Quick mode: 3 rounds, and initMsWithSourceMaps from the first round only (a single run each).
// Full mode: 9 rounds, with and without source maps.
//   node --import tsx test/bench/cold-start.ts [--quick]
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type BuildOptions } from "esbuild";
import { functions } from "#infra/topology.ts";

export interface ColdStartResult {
  /** Minified bundle size per function name, in KB (1 KB = 1024 bytes), without the source map. */
  readonly bundleKb: Record<string, number>;
  /** Median module init per function, in ms (import of the bundle in a fresh node process). */
  readonly initMs: Record<string, number>;
  /** The same with NODE_OPTIONS=--enable-source-maps (deployed so until the bench showed its cost). */
  readonly initMsWithSourceMaps: Record<string, number>;
  /** An empty handler bundled the same way. */
  readonly emptyInitMs: number;
  readonly emptyBundleKb: number;
  /** Per function: a bundle importing just the AWS SDK clients that function's code uses. */
  readonly floorInitMs: Record<string, number>;
  readonly floorBundleKb: Record<string, number>;
  /** initMs ÷ floorInitMs per function. */
  readonly initFloorRatio: Record<string, number>;
  readonly samples: number;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** NodejsFunction's esbuild options for a CareFunction (keep in step with care-function.ts). */
const CDK_BUNDLING: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // bundleAwsSDK: true, so nothing is external.
  mainFields: ["module", "main"],
  banner: {
    js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  },
};

/** The SDK packages the functions use, each with the client it exports (the floor touches it). */
const SDK_CLIENTS: Record<string, string> = {
  "@aws-sdk/client-dynamodb": "DynamoDBClient",
  "@aws-sdk/lib-dynamodb": "DynamoDBDocumentClient",
  "@aws-sdk/client-eventbridge": "EventBridgeClient",
  "@aws-sdk/client-sqs": "SQSClient",
};

/** Import-time configuration only: the SQS consumers build their idempotency store at import. */
const CHILD_ENV = {
  AWS_REGION: "us-east-1",
  POWERTOOLS_SERVICE_NAME: "courier-care",
  IDEMPOTENCY_TABLE_NAME: "courier-care-idempotency",
};

const CHILD_SCRIPT = `import { pathToFileURL } from "node:url";
const start = performance.now();
await import(pathToFileURL(process.argv[1]).href);
console.log(performance.now() - start);`;

interface Bundle {
  readonly file: string;
  readonly kb: number;
  /** The SDK packages with code in the bundle, sorted. */
  readonly sdk: readonly string[];
}

async function bundle(
  dir: string,
  name: string,
  input: { entry: string } | { source: string },
): Promise<Bundle> {
  const file = join(dir, `${name}.mjs`);
  const result = await build({
    ...CDK_BUNDLING,
    ...("entry" in input
      ? { entryPoints: [join(ROOT, input.entry)] }
      : { stdin: { contents: input.source, resolveDir: ROOT, sourcefile: `${name}.js` } }),
    absWorkingDir: ROOT,
    outfile: file,
    metafile: true,
    logLevel: "warning",
  });
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(".mjs"));
  if (!output) throw new Error(`esbuild wrote no .mjs for ${name}`);
  const sdk = new Set<string>();
  for (const [path, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const pkg = /node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)\//.exec(path)?.[1];
    if (!pkg || bytesInOutput === 0) continue;
    if (!SDK_CLIENTS[pkg]) throw new Error(`${name} bundles ${pkg}: add its client to SDK_CLIENTS`);
    sdk.add(pkg);
  }
  return { file, kb: output[1].bytes / 1024, sdk: [...sdk].sort() };
}

/** A handler that imports the given SDK packages' clients and keeps them (no tree-shaking). */
function floorSource(packages: readonly string[]): string {
  const clients = packages.map((pkg) => SDK_CLIENTS[pkg] as string);
  return [
    ...packages.map((pkg, i) => `import { ${clients[i]} } from "${pkg}";`),
    `export const clients = [${clients.join(", ")}];`,
    "export const handler = async () => clients.length;",
  ].join("\n");
}

const run = promisify(execFile);

/** Module init of one bundle in a fresh node process, in ms. */
async function importMs(file: string, sourceMaps: boolean): Promise<number> {
  const { NODE_OPTIONS: _parentOptions, ...parentEnv } = process.env;
  const env = {
    ...parentEnv,
    ...CHILD_ENV,
    ...(sourceMaps ? { NODE_OPTIONS: "--enable-source-maps" } : {}),
  };
  try {
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", CHILD_SCRIPT, file],
      { env, maxBuffer: 64 * 1024 * 1024 },
    );
    const ms = Number(stdout.trim().split("\n").at(-1));
    if (!Number.isFinite(ms)) throw new Error(`unexpected output: ${stdout.slice(-300)}`);
    return ms;
  } catch (error) {
    // A minified bundle's error quotes its one huge line: keep the end, where the message is.
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`importing ${file} failed:\n${stderr.slice(-2000)}`);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round = (value: number, decimals = 1) => Math.round(value * 10 ** decimals) / 10 ** decimals;

export async function measureColdStarts(options: { quick: boolean }): Promise<ColdStartResult> {
  const samples = options.quick ? 3 : 9;
  const dir = await mkdtemp(join(tmpdir(), "courier-care-cold-start-"));
  try {
    // Each distinct entry once (api and api-read share one), named after its first function.
    const entries = [...new Map(functions.map((f) => [f.entry, f.name])).entries()];
    const [empty, entryBundles] = await Promise.all([
      bundle(dir, "empty", { source: "export const handler = async () => {};" }),
      Promise.all(entries.map(([entry, name]) => bundle(dir, name, { entry }))),
    ]);
    const byEntry = new Map(entries.map(([entry], i) => [entry, entryBundles[i] as Bundle]));
    // One floor per distinct set of SDK packages.
    const floorKeys = [...new Set(entryBundles.map((b) => b.sdk.join("+")))];
    const floorBundles = await Promise.all(
      floorKeys.map((key, i) =>
        bundle(dir, `floor-${i}`, { source: floorSource(key ? key.split("+") : []) }),
      ),
    );
    const floorOf = (b: Bundle) => floorBundles[floorKeys.indexOf(b.sdk.join("+"))] as Bundle;

    const all = [empty, ...entryBundles, ...floorBundles];
    const plain = new Map<Bundle, number[]>(all.map((b) => [b, []]));
    const withMaps = new Map<Bundle, number[]>(all.map((b) => [b, []]));
    for (let r = 0; r < samples; r++) {
      for (const b of r % 2 ? [...all].reverse() : all) {
        plain.get(b)?.push(await importMs(b.file, false));
        if (!options.quick || r === 0) withMaps.get(b)?.push(await importMs(b.file, true));
      }
    }
    const ms = (b: Bundle, runs = plain) => median(runs.get(b) ?? []);

    const perFunction = (value: (b: Bundle) => number, decimals = 1) =>
      Object.fromEntries(
        functions.map((f) => [f.name, round(value(byEntry.get(f.entry) as Bundle), decimals)]),
      );
    return {
      bundleKb: perFunction((b) => b.kb),
      initMs: perFunction((b) => ms(b)),
      initMsWithSourceMaps: perFunction((b) => ms(b, withMaps)),
      emptyInitMs: round(ms(empty)),
      emptyBundleKb: round(empty.kb),
      floorInitMs: perFunction((b) => ms(floorOf(b))),
      floorBundleKb: perFunction((b) => floorOf(b).kb),
      initFloorRatio: perFunction((b) => ms(b) / ms(floorOf(b)), 2),
      samples,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- as a script -------------------------------------------------------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  const started = performance.now();
  const result = await measureColdStarts({ quick });
  const seconds = (performance.now() - started) / 1000;
  const header = [
    "function",
    "bundle KB",
    "init ms",
    "+maps ms",
    "floor KB",
    "floor ms",
    "÷ floor",
  ];
  const fixed = (value: number | undefined, decimals = 1) => value?.toFixed(decimals) ?? "–";
  const rows = [
    ...functions.map(({ name }) => [
      name,
      fixed(result.bundleKb[name]),
      fixed(result.initMs[name]),
      fixed(result.initMsWithSourceMaps[name]),
      fixed(result.floorBundleKb[name]),
      fixed(result.floorInitMs[name]),
      fixed(result.initFloorRatio[name], 2),
    ]),
    ["(empty handler)", fixed(result.emptyBundleKb), fixed(result.emptyInitMs), "", "", "", ""],
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  console.log(
    `Cold start, bundled as the CDK app bundles it (${quick ? "quick" : "full"}: median of ${result.samples}${quick ? ", +maps from 1 run" : ""}; ${seconds.toFixed(1)} s)`,
  );
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(JSON.stringify(result, null, 2));
}
