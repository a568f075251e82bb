// A scheduled follow-up survives the runtime's death: killed with SIGKILL between scheduling
// and due, and stopped with SIGTERM after it became due, the runtime restarted on the same data
// makes the call due exactly once (one FollowUp Due entry, one version step), at its time.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterEach, describe, expect, it } from "vitest";
import { issueToken } from "#infra/local/local-auth.ts";
import { damaged, newWaybill } from "./local-system.ts";
import { drain, json, start } from "./processes.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function publishDamage(url: string, waybillNo: string, occurredAt: string) {
  const client = new EventBridgeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: "courier-service",
          Source: "courier.orders",
          DetailType: "Parcel Damaged",
          Detail: JSON.stringify(damaged(waybillNo, { occurredAt })),
        },
      ],
    }),
  );
  client.destroy();
}

async function clockOf(url: string): Promise<Date> {
  return new Date((await json(`${url}/_local/clock`)).now as string);
}

async function advance(url: string, ms: number) {
  const response = await fetch(`${url}/_local/clock`, {
    method: "POST",
    body: JSON.stringify({ advance: `PT${Math.ceil(ms / 1000)}S` }),
  });
  expect(response.status).toBe(200);
}

describe("a follow-up across restarts", () => {
  it("is made due once after a SIGKILL before its time and a SIGTERM after", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "courier-care-fu-"));
    dirs.push(dataDir);
    const ops = await issueToken(dataDir, { sub: "ops-1", groups: ["ops"] });
    const waybillNo = newWaybill("FUK");

    const first = await start(dataDir, "node");
    await publishDamage(first.url, waybillNo, (await clockOf(first.url)).toISOString());
    await drain(first.url);
    const [opened] = (await json(`${first.url}/v1/cases?waybillNo=${waybillNo}`, { token: ops }))
      .items;
    const agent = await issueToken(dataDir, { sub: opened.assignee, groups: ["agents"] });
    const resolved = await fetch(`${first.url}/v1/cases/${opened.caseId}/resolve`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${agent}`,
        "content-type": "application/json",
        "if-match": `"${opened.version}"`,
      },
      body: JSON.stringify({ resolution: "Compensation paid" }),
    });
    expect(resolved.status).toBe(200);
    await drain(first.url);
    const [scheduled] = (
      await json(`${first.url}/v1/follow-ups?status=scheduled`, { token: agent })
    ).items;
    expect(scheduled).toMatchObject({ caseId: opened.caseId, status: "scheduled" });
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await start(dataDir, "node");
    const kept = await json(`${second.url}/v1/follow-ups/${scheduled.followUpId}`, { token: ops });
    expect(kept).toEqual(scheduled);
    await advance(second.url, Date.parse(scheduled.dueAt) - (await clockOf(second.url)).getTime());
    await advance(second.url, 61_000);
    await drain(second.url);
    const due = await json(`${second.url}/v1/follow-ups/${scheduled.followUpId}`, { token: ops });
    expect(due).toMatchObject({ status: "due", version: scheduled.version + 1 });
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const third = await start(dataDir, "node");
    await advance(third.url, 5 * 60_000);
    await drain(third.url);
    const after = await json(`${third.url}/v1/follow-ups/${scheduled.followUpId}`, { token: ops });
    expect(after).toMatchObject({ status: "due", version: scheduled.version + 1 });
    const timeline = await json(`${third.url}/v1/cases/${opened.caseId}/timeline?limit=100`, {
      token: ops,
    });
    const kinds = timeline.items.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === "follow-up-scheduled")).toHaveLength(1);
    expect(kinds.filter((k: string) => k === "follow-up-due")).toHaveLength(1);
    third.child.kill("SIGTERM");
    await third.exited;
  }, 120_000);
});
