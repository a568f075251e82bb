// The embedded store (dynalite, in memory) in a process of its own, for the growth benchmark:
// in AWS the store is another service, and in the local runtime's one process its 100,000 items
// and its work share the thread and the heap with the API it is measured through. Prints its
// endpoint on the first line of stdout; stops on SIGTERM or when its parent goes. Over IPC it
// answers "gc" (a full collection, before each filter) and "pauses" (the longest garbage
// collection pause since the last "gc", ms).
//
//   node --expose-gc --import tsx test/bench/store-process.ts
import { tmpdir } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { startEmbeddedDynamo } from "#infra/local/dynamo-server.ts";

const store = await startEmbeddedDynamo(tmpdir(), true);
let maxPauseMs = 0;
/** Pauses are counted from here (the forced collection's own entry arrives after it). */
let since = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if (entry.startTime >= since) maxPauseMs = Math.max(maxPauseMs, entry.duration);
}).observe({ entryTypes: ["gc"] });

process.on("message", (message) => {
  if (message === "gc") {
    (globalThis as { gc?: () => void }).gc?.();
    maxPauseMs = 0;
    since = performance.now();
    process.send?.({ gc: true });
  } else if (message === "pauses") process.send?.({ maxPauseMs });
});
process.stdout.write(`${store.endpoint}\n`);
const stop = () => void store.close().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("disconnect", stop);
