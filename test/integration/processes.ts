// Runs the local runtime as its own process (`npm start`, or the node process npm execs), so a
// test can kill it (SIGKILL) or stop it (SIGTERM) and start it again on the same data.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

export interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** `npm start` itself (SIGTERM goes to npm), or the node process npm execs (SIGKILL reaches it). */
export async function start(dataDir: string, via: "npm" | "node"): Promise<Started> {
  const [command, args] =
    via === "npm"
      ? ["npm", ["start", "--silent"]]
      : [process.execPath, ["--import", "tsx", "infra/local/main.ts"]];
  const child = spawn(command as string, args as string[], {
    cwd: ROOT,
    // Its own store: never an in-process test system's (whose endpoint this process may carry).
    env: {
      ...withoutLocalEndpoints(process.env),
      DATA_DIR: dataDir,
      PORT: "0",
      POWERTOOLS_LOG_LEVEL: "ERROR",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready on (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1] as string);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited with ${code} before ready:\n${output}`)));
  });
  return { child, url, exited };
}

export async function json(url: string, init?: RequestInit & { token?: string }) {
  const response = await fetch(url, {
    ...init,
    headers: init?.token ? { authorization: `Bearer ${init.token}` } : {},
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<any>;
}

/** Until every queue is empty: moves the clock past visibility timeouts for messages whose handler died. */
export async function drain(url: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const report = (await json(`${url}/_local/queues`)) as Record<string, any>;
    const pending = Object.values(report).reduce(
      (sum, q) => sum + q.visible + q.inFlight + q.delayed,
      0,
    );
    if (pending === 0) return report;
    if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(report)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // A record left in progress by a killed handler expires after the function's timeout (20 s
    // of real time); the message then comes back after its visibility timeout (runtime clock).
    await fetch(`${url}/_local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "PT3M" }),
    });
  }
}

function withoutLocalEndpoints(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith("AWS_ENDPOINT_URL")),
  );
}
