// No customer's phone number or name reaches a log line: a whole day of work — exceptions whose
// descriptions carry the customer's number, messages and notes that quote it, responses, a
// resolution, a follow-up whose comment repeats it, the audited reads of the full contact and
// an admin's erasure — with every log at DEBUG, and every line the process and the runtime write
// captured; the canary number, ID-card number and name appear in none.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const PHONE = "13912345678";
const NAME = "Zhao Canary";
const ID_CARD = "11010519800101003X";
const lines: string[] = [];
const local = useLocalSystem({ log: (line) => lines.push(line) });

const originalOut = process.stdout.write.bind(process.stdout);
const originalErr = process.stderr.write.bind(process.stderr);
beforeAll(() => {
  const capture =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = capture(originalOut) as typeof process.stdout.write;
  process.stderr.write = capture(originalErr) as typeof process.stderr.write;
});
afterAll(() => {
  process.stdout.write = originalOut;
  process.stderr.write = originalErr;
});

describe("logs", () => {
  it("never carry a customer's phone number or name", async () => {
    const customer = { id: "cust-canary", name: NAME, phone: PHONE, tier: "regular" };
    const waybillNo = newWaybill("LOG");
    const at = (await local.system.now()).toISOString();
    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(waybillNo, {
          occurredAt: at,
          customer,
          description: `外箱破损，客户${NAME}（身份证${ID_CARD}）要求回电 ${PHONE}`,
        }),
      },
      // Invalid (no occurredAt): rejected to the DLQ with a reason, still never logged with data.
      {
        detailType: "Parcel Lost",
        detail: { eventId: `evt-${waybillNo}-bad`, waybillNo, customer, lastLocation: PHONE },
      },
    ]);
    await local.system.runtime.idle();
    const agentToken = await local.system.token("agent-care-1", ["agents"]);
    const message = await local.system.request("POST", "/v1/cases", {
      token: agentToken,
      body: {
        channel: "phone",
        text: `我是${NAME}，电话 ${PHONE}，快递员态度很差，我要投诉！`,
        waybillNo,
        customer,
      },
    });
    expect(message.status).toBe(201);
    await local.system.runtime.idle();
    const [damage] = (await local.casesOf(waybillNo)).filter(
      (c: { category: string }) => c.category === "damage",
    );
    const agent = await local.system.token(damage.assignee, ["agents"]);
    // The full contact, read by the case's agent (audited), and refused to another agent.
    expect((await local.system.get(`/v1/cases/${damage.caseId}/contact`, agent)).status).toBe(200);
    expect((await local.system.get(`/v1/cases/${damage.caseId}/contact`, agentToken)).status).toBe(
      403,
    );
    for (const [path, body] of [
      ["notes", { text: `customer ${NAME} (ID ${ID_CARD}) asked to be called on ${PHONE}` }],
      ["responses", { text: `您好 ${NAME}，我们会致电 ${PHONE}` }],
      ["resolve", { resolution: `paid; confirmed by phone ${PHONE}` }],
    ] as const) {
      const response = await local.act(damage.caseId, path, agent, body);
      expect(response.status).toBe(200);
    }
    await local.system.runtime.idle();
    await local.system.advance("P1D");
    await local.system.runtime.idle();
    const due = await local.system.get("/v1/follow-ups?status=due", agent);
    const [fu] = due.body.items;
    expect(fu).toBeDefined();
    const contact = await local.system.get(`/v1/follow-ups/${fu.followUpId}/contact`, agent);
    expect(contact.status).toBe(200);
    const outcome = await local.system.request("POST", `/v1/follow-ups/${fu.followUpId}/outcome`, {
      token: agent,
      body: { reached: true, satisfaction: 2, resolved: false, comment: `${NAME}: call ${PHONE}` },
      headers: { "if-match": `"${fu.version}"` },
    });
    expect(outcome.status).toBe(200);
    await local.system.runtime.idle();
    // A bad request that quotes the number back.
    const bad = await local.system.request("POST", "/v1/cases", {
      token: agentToken,
      body: { channel: "fax", text: PHONE, customer: { ...customer, phone: `x${PHONE}` } },
    });
    expect(bad.status).toBe(400);
    // An admin erases the customer's data (the reason quotes it), a repeat, and a refused one.
    const adminToken = await local.system.token("admin-1", ["admins"]);
    for (const [bearer, status] of [
      [adminToken, 200],
      [adminToken, 200],
      [agent, 403],
    ] as const) {
      const erased = await local.system.request("POST", `/v1/customers/${customer.id}/erasure`, {
        token: bearer,
        body: { reason: `${NAME} asked by phone ${PHONE}, ID ${ID_CARD}` },
      });
      expect(erased.status).toBe(status);
    }
    await local.system.runtime.idle();

    const all = lines.join("\n");
    expect(all.length).toBeGreaterThan(10_000); // the logs were really captured, INFO and below
    expect(all).toContain('"message":"Processed event"');
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(NAME);
    expect(all).not.toContain(ID_CARD);
  });
});
