// `npm run -s redrive -- <queue>`: moves the dead letters of a queue back to it, in the running
// local runtime of the same DATA_DIR (default .data/). Prints what moved as one JSON line.
// In AWS: `aws sqs start-message-move-task --source-arn <the queue's DLQ ARN>` (README).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { queues } from "../topology.ts";
import { DATA_FILES } from "./data-files.ts";

const name = process.argv[2];
const names = queues.map((q) => q.name);
if (!name || !names.includes(name)) {
  console.error(`Usage: npm run -s redrive -- <queue>, one of: ${names.join(", ")}`);
  process.exit(2);
}
const dataDir = resolve(process.env.DATA_DIR || ".data");
let url: string;
try {
  url = (JSON.parse(readFileSync(join(dataDir, DATA_FILES.runtime), "utf8")) as { url: string })
    .url;
} catch {
  console.error(
    `No local runtime is running on ${dataDir}: start it with npm start (same DATA_DIR)`,
  );
  process.exit(1);
}
const response = await fetch(`${url}/_local/queues/${name}/redrive`, { method: "POST" }).catch(
  () => undefined,
);
if (!response?.ok) {
  console.error(
    `The local runtime at ${url} did not redrive ${name}: ${response ? `${response.status} ${await response.text()}` : "not reachable (is it still running?)"}`,
  );
  process.exit(1);
}
console.log(await response.text());
