// npm run bench (and `npm run -s bench -- --quick`): one run measures, prints a table, and ends
// with one JSON line of the figures (contract §4). Ratios are taken within the run: this 2-core
// machine is noisy, so compare figures of one run with each other, not across runs.
//   - pipeline: upstream events → assigned cases per second through the local runtime, next to the
//     embedded store's raw write rate for as many writes (efficiency = their ratio); DynamoDB
//     writes, reads and capacity units per case (dynamo-meter.ts), to assigned and over the full
//     lifecycle, and the cost per million cases from them (cost.ts);
//   - growth: p50/p99 of the list filters and a case read, small store against large (growth.ts);
//   - cold start: bundle size and module init per function against an empty handler and the
//     SDK-only floor (cold-start.ts);
//   - classifier throughput (classifier.ts).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { measureClassifier } from "./classifier.ts";
import { measureColdStarts } from "./cold-start.ts";
import { costModel, PARCELS_PER_CASE } from "./cost.ts";
import type { GrowthResult } from "./growth.ts";
import type { DeliveryResult, LifecycleResult, PipelineResult } from "./pipeline.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const quick = process.argv.includes("--quick");
const started = performance.now();

/** A part that starts a local runtime, in a process of its own (part.ts). */
function runPart<T>(name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/bench/part.ts", name, ...(quick ? ["--quick"] : [])],
      {
        cwd: ROOT,
        env: Object.fromEntries(
          Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_ENDPOINT_URL")),
        ),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    child.once("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`bench part ${name} exited with ${code}:\n${err}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench part ${name} printed no JSON:\n${out.slice(-2000)}`));
      }
    });
  });
}

const seconds = () => Math.round((performance.now() - started) / 100) / 10;
const log = (line: string) => console.log(line);

log(`courier-care bench (${quick ? "quick" : "full"}), ${new Date().toISOString()}`);
const { pipeline, lifecycle, deliveries } = await runPart<{
  pipeline: PipelineResult;
  lifecycle: LifecycleResult;
  deliveries: DeliveryResult;
}>("pipeline");
const cost = costModel(lifecycle, deliveries);
log(`\npipeline (${seconds()} s)`);
log(
  `  ${pipeline.cases} cases in ${pipeline.pipelineSeconds} s: ${pipeline.pipelineCasesPerSec} cases/s`,
);
log(`  store raw writes ${pipeline.storeWritesPerSec}/s; efficiency ${pipeline.efficiency}`);
log(`  per case to assigned: ${describe(lifecycle.toAssigned)}`);
log(`  per case, full lifecycle: ${describe(lifecycle.lifecycle)}`);
log(`  write units by item type: ${JSON.stringify(lifecycle.lifecycle.writeUnitsByType)}`);
log(`  bus events per case: ${JSON.stringify(lifecycle.busEvents)}`);
log(
  `  queue messages per case: ${JSON.stringify(lifecycle.queueMessages)}; API requests ${lifecycle.apiRequests}`,
);
log(`\ncost per million cases, full lifecycle (${cost.prices.source})`);
log(
  `  peak (600,000 a day): ${cost.peak.usdPerMillionCases} USD ${JSON.stringify(cost.peak.byService)}`,
);
log(
  `  low (10,000 a day):   ${cost.low.usdPerMillionCases} USD ${JSON.stringify(cost.low.byService)}`,
);
log(
  `\ndelivered parcels without a case (${deliveries.parcels}): per parcel ${describe(deliveries.perParcel)}`,
);
log(`  write units by item type: ${JSON.stringify(deliveries.perParcel.writeUnitsByType)}`);
log(
  `  per million parcels: ${cost.deliveries.usdPerMillionCases} USD ${JSON.stringify(cost.deliveries.byService)}`,
);
log(
  `  a million cases with their ${PARCELS_PER_CASE} parcels each: ${cost.usdPerMillionCasesWithDeliveries} USD at peak`,
);

const growth = await runPart<GrowthResult>("growth");
log(`\ngrowth (${seconds()} s): p99 ratio ${growth.p99GrowthRatio} (worst ${growth.worstFilter})`);
log(`  ${growth.sizes.small} against ${growth.sizes.large} cases stored`);
for (const row of growth.filters)
  log(
    `  ${row.filter.padEnd(34)} p50/p99 ${row.small.p50Ms}/${row.small.p99Ms} ms → ${row.large.p50Ms}/${row.large.p99Ms} ms  ×${row.ratio}`,
  );

const cold = await measureColdStarts({ quick });
log(`\ncold start (${seconds()} s): empty handler ${cold.emptyInitMs} ms`);
for (const name of Object.keys(cold.bundleKb))
  log(
    `  ${name.padEnd(16)} ${String(cold.bundleKb[name]).padStart(7)} KB  init ${String(cold.initMs[name]).padStart(6)} ms (maps ${cold.initMsWithSourceMaps[name]} ms)  floor ${cold.floorInitMs[name]} ms  ×${cold.initFloorRatio[name]}`,
  );

const classifier = await measureClassifier({ quick });
log(`\nclassifier (${seconds()} s): ${classifier.classifierMsgsPerSec} messages/s`);

const figures = {
  quick,
  at: new Date().toISOString(),
  seconds: seconds(),
  pipelineCasesPerSec: pipeline.pipelineCasesPerSec,
  storeWritesPerSec: pipeline.storeWritesPerSec,
  efficiency: pipeline.efficiency,
  writesPerCase: lifecycle.toAssigned.writes,
  readsPerCase: lifecycle.toAssigned.reads,
  writeUnitsPerCase: lifecycle.toAssigned.writeUnits,
  lifecycleWritesPerCase: lifecycle.lifecycle.writes,
  lifecycleWriteUnitsPerCase: lifecycle.lifecycle.writeUnits,
  lifecycleReadUnitsPerCase: lifecycle.lifecycle.readUnits,
  usdPerMillionCases: cost.peak.usdPerMillionCases,
  usdPerMillionCasesLowTraffic: cost.low.usdPerMillionCases,
  usdPerMillionParcels: cost.deliveries.usdPerMillionCases,
  usdPerMillionCasesWithDeliveries: cost.usdPerMillionCasesWithDeliveries,
  queueP99MsSmall: growth.queueP99MsSmall,
  queueP99MsLarge: growth.queueP99MsLarge,
  p99GrowthRatio: growth.p99GrowthRatio,
  bundleKb: cold.bundleKb,
  initMs: cold.initMs,
  emptyInitMs: cold.emptyInitMs,
  initFloorRatio: cold.initFloorRatio,
  classifierMsgsPerSec: classifier.classifierMsgsPerSec,
};
console.log(JSON.stringify(figures));
process.exit(0);

function describe(p: LifecycleResult["toAssigned"]): string {
  return `${p.writes} writes (${p.writeUnits} WRU, ${p.indexWriteUnits} of them indexes), ${p.reads} items read (${p.readUnits} RRU), calls ${JSON.stringify(p.calls)}`;
}
