// `npm start`: the whole system locally. PORT (default 3000) and DATA_DIR (default .data/).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { queues } from "../topology.ts";
import {
  type FunctionFaults,
  parseFunctionFaults,
  resolveFunctionFaults,
} from "./function-faults.ts";
import { startLocalRuntime } from "./runtime.ts";

const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR || ".data");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}
const functionFaults = faultsFromEnv();

claimDataDir(dataDir);
const runtime = await startLocalRuntime({
  port,
  dataDir,
  ...(process.env.ORG_FILE ? { organisationFile: resolve(process.env.ORG_FILE) } : {}),
  ...functionFaults,
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE")
    console.error(`Port ${port} is in use: stop the other process or set PORT`);
  else if (error.message?.includes("LOCK"))
    console.error(`${dataDir} is in use by another local runtime`);
  else console.error(error);
  process.exit(1);
});
console.log(`courier-care local runtime ready on ${runtime.url} (data in ${dataDir})`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("stopping…");
    // A handler that never returns must not keep the process: what was acknowledged is journaled.
    setTimeout(() => {
      console.error(
        "stopping took over 15 s: exiting; unfinished messages are delivered after restart",
      );
      process.exit(1);
    }, 15_000).unref();
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

/**
 * LOCAL_FAULTS=intake:throw=0.2,*:timeout=0.05 (README "Faults"), LOCAL_FAULTS_SEED=<integer>:
 * the runtime's function faults, checked here so that a typo stops the start with exit code 2.
 */
function faultsFromEnv(): { functionFaults?: FunctionFaults; faultSeed?: number } {
  const text = process.env.LOCAL_FAULTS ?? "";
  const seedText = process.env.LOCAL_FAULTS_SEED ?? "";
  try {
    const faults = parseFunctionFaults(text);
    resolveFunctionFaults(
      faults,
      queues.map((q) => q.consumer),
    );
    const seed = Number(seedText);
    if (seedText !== "" && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff))
      throw new RangeError(`LOCAL_FAULTS_SEED must be an integer from 0 to 4294967295`);
    return {
      ...(text.trim() ? { functionFaults: faults } : {}),
      ...(seedText !== "" ? { faultSeed: seed } : {}),
    };
  } catch (error) {
    console.error(`LOCAL_FAULTS: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** One runtime per data directory (the embedded store locks its files): say so instead of crashing. */
function claimDataDir(dir: string): void {
  const pidFile = join(dir, "runtime.pid");
  try {
    const pid = Number(readFileSync(pidFile, "utf8"));
    process.kill(pid, 0); // throws when no such process
    console.error(
      `${dir} is in use by another local runtime (pid ${pid}): stop it or set DATA_DIR`,
    );
    process.exit(1);
  } catch {
    // no pid file, or its process is gone
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(pidFile, String(process.pid));
  process.on("exit", () => rmSync(pidFile, { force: true }));
}
