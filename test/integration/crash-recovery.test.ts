// Nothing acknowledged is lost: the runtime (`npm start`'s process) is killed with SIGKILL, or
// stopped with SIGTERM, while events are being acknowledged; restarted on the same DATA_DIR it
// has exactly one case per waybill and problem for every acknowledged event, none stuck in
// `new`, and every dead letter with its reason.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterEach, describe, expect, it } from "vitest";
import { issueToken } from "#infra/local/local-auth.ts";
import { categoryForEvent } from "#shared/domain/classify-event.ts";
import { drain, json, type Started, start } from "./processes.ts";
import { type ScenarioEvent, scenario } from "./scenario.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

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
