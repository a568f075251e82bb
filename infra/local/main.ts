// `npm start`: the whole system locally. PORT (default 3000) and DATA_DIR (default .data/).
import { resolve } from "node:path";
import { startLocalRuntime } from "./runtime.ts";

const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR || ".data");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}

const runtime = await startLocalRuntime({
  port,
  dataDir,
  ...(process.env.ORG_FILE ? { organisationFile: resolve(process.env.ORG_FILE) } : {}),
});
console.log(`courier-care local runtime ready on ${runtime.url} (data in ${dataDir})`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("stopping…");
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
