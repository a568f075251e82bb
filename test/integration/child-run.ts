// Runs a scenario script (fault-scenario.ts, replay-scenario.ts) in a process of its own, for a
// run that needs its own in-memory store (the functions of one process share one), and returns
// the JSON result it wrote:
//   node --import tsx <script> '<options as JSON>' <out.json>
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function runInChild<T>(script: string, options: unknown): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "courier-care-child-"));
  const out = join(dir, "result.json");
  try {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", script, JSON.stringify(options), out],
      {
        cwd: ROOT,
        // Its own store: never this process's (whose endpoint the environment may carry).
        env: Object.fromEntries(
          Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_ENDPOINT_URL")),
        ),
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr?.on(
      "data",
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)),
    );
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`${script} exited with ${code}:\n${stderr}`);
    return JSON.parse(await readFile(out, "utf8")) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
