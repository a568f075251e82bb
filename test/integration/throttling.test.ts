// The stage's throttling, as API Gateway applies it before any function runs: past the burst a
// request gets 429 and changes nothing. (Its own runtime in its own file: the functions of one
// test process talk to one runtime's store.)
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { useLocalSystem } from "./local-system.ts";

const local = useLocalSystem({ throttle: { rateLimit: 1, burstLimit: 6 } });

describe("the stage's throttling", () => {
  it("answers 429 past the burst, and a refused request opens no case", async () => {
    const agent = await local.system.token("agent-care-1", ["agents"]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        local.system.request("POST", "/v1/cases", {
          token: agent,
          body: {
            channel: "app",
            text: `第${i}次问运费怎么算`,
            customer: { id: `cust-429-${i}`, tier: "regular" },
          },
        }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 201);
    const throttled = answers.filter((a) => a.status === 429);
    expect(accepted.length + throttled.length).toBe(20);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(7); // the burst, and what a second refilled
    expect(throttled[0]?.body).toEqual({ message: "Too Many Requests" });
    await local.system.runtime.idle();
    await sleep(1100); // a token for the listing
    const listed = await local.system.request("GET", "/v1/cases?limit=100", { token: local.ops });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { caseId: string }) => c.caseId).sort()).toEqual(
      accepted.map((a) => a.body.caseId).sort(),
    );
  });
});
