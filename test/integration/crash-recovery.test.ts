// Nothing acknowledged is lost: the runtime (`npm start`'s process) is killed with SIGKILL, or
// stopped with SIGTERM, while events are being acknowledged; restarted on the same DATA_DIR it
// has exactly one case per waybill and problem for every acknowledged event, none stuck in
// `new`, and every dead letter with its reason.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterEach, describe, expect, it } from "vitest";
import { issueToken } from "#infra/local/local-auth.ts";
import { categoryForEvent } from "#shared/domain/classify-event.ts";
import { type ScenarioEvent, scenario } from "./scenario.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const running: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** `npm start` itself (SIGTERM goes to npm), or the node process npm execs (SIGKILL reaches it). */
async function start(dataDir: string, via: "npm" | "node"): Promise<Started> {
  const [command, args] =
    via === "npm"
      ? ["npm", ["start", "--silent"]]
      : [process.execPath, ["--import", "tsx", "infra/local/main.ts"]];
  const child = spawn(command as string, args as string[], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", POWERTOOLS_LOG_LEVEL: "ERROR" },
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

/** Valid events plus schema-invalid ones (they must end in the intake DLQ with a reason). */
function events(tag: string): ScenarioEvent[] {
  return scenario(90, 7, tag).map((event, i) =>
    i % 15 === 7 ? { ...event, detail: { ...event.detail, waybillNo: "bad" } } : event,
  );
}

/** Publishes five entries per request until `stopAfter` requests were acknowledged, then stops the runtime mid-request. */
async function publishAndInterrupt(
  target: Started,
  sequence: readonly ScenarioEvent[],
  stopAfter: number,
  interrupt: () => void,
) {
  const client = new EventBridgeClient({
    endpoint: target.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  const acknowledged: ScenarioEvent[] = [];
  try {
    for (let i = 0, requests = 0; i < sequence.length; i += 5, requests++) {
      const batch = sequence.slice(i, i + 5);
      const sent = client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: "courier-service",
            Source: "courier.orders",
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if (requests === stopAfter) interrupt(); // while this request is on its way
      const result = await sent.catch(() => undefined);
      if (!result) break;
      result.Entries?.forEach((entry, n) => {
        if (entry.EventId) acknowledged.push(batch[n] as ScenarioEvent);
      });
    }
  } finally {
    client.destroy();
  }
  return acknowledged;
}

async function json(url: string, init?: RequestInit & { token?: string }) {
  const response = await fetch(url, {
    ...init,
    headers: init?.token ? { authorization: `Bearer ${init.token}` } : {},
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<any>;
}

/** Until every queue is empty: moves the clock past visibility timeouts for messages whose handler died. */
async function drain(url: string) {
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

async function checkRecovered(
  dataDir: string,
  url: string,
  acknowledged: readonly ScenarioEvent[],
) {
  const report = await drain(url);
  const token = await issueToken(dataDir, { sub: "ops-1", groups: ["ops"] });
  const expected = new Set<string>();
  for (const { detailType, detail } of acknowledged) {
    const category = categoryForEvent(detailType, detail.attempt as number | undefined);
    if (category && detail.waybillNo !== "bad") expected.add(`${detail.waybillNo}/${category}`);
  }
  for (const waybillNo of new Set([...expected].map((key) => key.split("/")[0]))) {
    const { items } = await json(`${url}/v1/cases?waybillNo=${waybillNo}`, { token });
    const keys = items.map((c: any) => `${c.waybillNo}/${c.category}`);
    expect(new Set(keys).size, `one case per problem of ${waybillNo}`).toBe(keys.length);
    for (const c of items) expect(["assigned", "queued"]).toContain(c.status);
    for (const key of expected) if (key.startsWith(`${waybillNo}/`)) expect(keys).toContain(key);
  }
  const invalid = acknowledged.filter((e) => e.detail.waybillNo === "bad");
  expect(invalid.length).toBeGreaterThan(0);
  const deadLetters = report.intake.deadLetterMessages as { body: string; reason: string }[];
  for (const event of invalid) {
    const letter = deadLetters.find((d) => d.body.includes(event.detail.eventId as string));
    expect(letter?.reason, `dead letter of ${event.detail.eventId}`).toMatch(/failed its schema/);
  }
  return expected.size;
}

describe("the local runtime, interrupted while acknowledging events", () => {
  it("loses nothing it acknowledged when killed with SIGKILL", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "courier-care-crash-"));
    dirs.push(dataDir);
    const first = await start(dataDir, "node");
    const acknowledged = await publishAndInterrupt(first, events("KL"), 8, () =>
      first.child.kill("SIGKILL"),
    );
    await first.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const second = await start(dataDir, "node");
    expect(await checkRecovered(dataDir, second.url, acknowledged)).toBeGreaterThan(10);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 240_000);

  it("stops cleanly on SIGTERM to the npm start process, exits 0, and resumes after restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "courier-care-term-"));
    dirs.push(dataDir);
    const first = await start(dataDir, "npm");
    const acknowledged = await publishAndInterrupt(first, events("TM"), 8, () =>
      first.child.kill("SIGTERM"),
    );
    expect(await first.exited).toBe(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const second = await start(dataDir, "npm");
    expect(await checkRecovered(dataDir, second.url, acknowledged)).toBeGreaterThan(10);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 240_000);
});
