// Runs one part of the bench in a process of its own and prints its figures as one JSON line:
//   node --import tsx test/bench/part.ts <pipeline|growth> [--quick]
// The parts that start a local runtime run so: the functions' SDK clients keep the first
// endpoint they are given, so two runtimes cannot share a process.
import "../integration/quiet.ts";
import { measureGrowth } from "./growth.ts";
import { measurePipelineAndLifecycle } from "./pipeline.ts";

const parts = { pipeline: measurePipelineAndLifecycle, growth: measureGrowth } as const;
const name = process.argv[2] as keyof typeof parts;
const part = parts[name];
if (!part) {
  console.error(`usage: part.ts <${Object.keys(parts).join("|")}> [--quick]`);
  process.exit(2);
}
console.log(JSON.stringify(await part({ quick: process.argv.includes("--quick") })));
process.exit(0);
