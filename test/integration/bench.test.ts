// The quick bench (issue 12): `npm run -s bench -- --quick` runs within a minute here and ends
// with one JSON line of the figures contract §4 names. It checks that it runs and reports, not
// what the figures are (speed is for the bench itself, never for a test).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NUMBERS = [
  "pipelineCasesPerSec",
  "storeWritesPerSec",
  "efficiency",
  "writesPerCase",
  "readsPerCase",
  "usdPerMillionCases",
  "usdPerMillionParcels",
  "usdPerMillionCasesWithDeliveries",
  "queueP99MsSmall",
  "queueP99MsLarge",
  "p99GrowthRatio",
  "emptyInitMs",
  "classifierMsgsPerSec",
] as const;
const PER_FUNCTION = ["bundleKb", "initMs", "initFloorRatio"] as const;

describe("npm run -s bench -- --quick", () => {
  it("prints its figures, the last line one JSON object with every figure of the contract", async () => {
    const child = spawn("npm", ["run", "-s", "bench", "--", "--quick"], {
      cwd: ROOT,
      env: Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_ENDPOINT_URL")),
      ),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, err).toBe(0);

    const lines = out.trim().split("\n");
    expect(lines.length).toBeGreaterThan(5); // the table comes first
    const figures = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    for (const name of NUMBERS) {
      expect(typeof figures[name], name).toBe("number");
      expect(Number.isFinite(figures[name]), name).toBe(true);
    }
    for (const name of PER_FUNCTION) {
      const perFunction = figures[name] as Record<string, number>;
      expect(Object.keys(perFunction).sort(), name).toContain("intake");
      for (const value of Object.values(perFunction)) expect(value).toBeGreaterThan(0);
    }
  }, 180_000);
});
