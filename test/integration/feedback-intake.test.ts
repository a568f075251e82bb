// Channel feedback through POST /v1/cases: the customer's words decide the category, the team
// and the deadlines; a second message attaches; a complaint soon after a resolution is a
// repeat; an agent's correction re-routes; bad requests are refused and store nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { newWaybill, useLocalSystem } from "./local-system.ts";
import { exportLine } from "#infra/cli/corrections-export.ts";
import { correctionsOfDay, getCase, updateCase } from "#shared/adapters/case-store.ts";
import { getAgent, listTeams } from "#shared/adapters/org-store.ts";
import { addBusinessMinutes, businessDayLengthMinutes } from "#shared/domain/business-time.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import type { Priority } from "#shared/domain/case.ts";
import { maskFreeText } from "#shared/domain/masking.ts";
import { slaPolicyWith } from "#shared/domain/sla.ts";

const local = useLocalSystem();
let agent = "";
let supervisor = "";

beforeAll(async () => {
  agent = await local.system.token("agent-care-1", ["agents"]);
  supervisor = await local.system.token("sup-delivery", ["supervisors"]);
});

const customer = (id = "cust-fb-1") => ({
  id,
  name: "Li Lei",
  phone: "13812345678",
  tier: "regular" as const,
});

async function send(body: unknown, headers: Record<string, string> = {}, token = agent) {
  return local.system.request("POST", "/v1/cases", { token, body, headers });
}

/** The case once the pipeline has routed it (assigned or queued). */
async function routed(caseId: string) {
  await local.system.runtime.idle();
  const response = await local.system.get(`/v1/cases/${caseId}`, local.ops);
  expect(response.status).toBe(200);
  return response.body;
}

describe("a customer's message opens a classified, routed case", () => {
  it.each([
    {
      script: "simplified Chinese",
      text: "快递员态度很差，还骂人，太过分了",
      channel: "phone",
      category: "attitude",
      team: "delivery-ops",
      severity: "general",
      priority: "high",
      feedbackType: "service",
    },
    {
      script: "traditional Chinese",
      text: "包裹延誤了一個星期還沒送到，請盡快處理",
      channel: "online",
      category: "delay",
      team: "delivery-ops",
      severity: "general",
      priority: "high",
      feedbackType: "service",
    },
    {
      script: "English",
      text: "I was overcharged for shipping, the fee is far above the quote.",
      channel: "email",
      category: "price",
      team: "billing",
      severity: "general",
      priority: "high",
      feedbackType: "service",
    },
    {
      script: "simplified Chinese, lost parcel",
      text: "我的快递丢了，到现在也没人给我说法",
      channel: "app",
      category: "loss",
      team: "claims",
      severity: "severe",
      priority: "urgent",
      feedbackType: "quality",
    },
  ])("in $script: $category for the $team team", async (expected) => {
    const waybillNo = newWaybill("FB");
    const response = await send({
      channel: expected.channel,
      text: expected.text,
      waybillNo,
      customer: customer(),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe(`/v1/cases/${response.body.caseId}`);
    expect(response.body).toMatchObject({
      waybillNo,
      source: "feedback",
      channel: expected.channel,
      category: expected.category,
      severity: expected.severity,
      priority: expected.priority,
      feedbackType: expected.feedbackType,
      text: expected.text,
      customer: { phone: "138****5678" },
    });
    expect(response.body.acceptance.seconds).toBeLessThan(2);

    const c = await routed(response.body.caseId);
    expect(c.team).toBe(expected.team);
    expect(["assigned", "queued"]).toContain(c.status);
    // Deadlines in the team's business time, with its own targets (billing: Monday to Friday
    // with a lunch break, high priority answered within one business hour).
    const team = (await listTeams()).find((t) => t.teamId === expected.team);
    const calendar = calendarOf(team?.calendar);
    const policy = slaPolicyWith(team?.sla);
    const opened = new Date(c.createdAt);
    const firstResponse = policy.firstResponseMinutes[expected.priority as Priority];
    const resolutionDays = policy.resolutionBusinessDays[expected.priority as Priority];
    if (expected.team === "billing") expect(firstResponse).toBe(60);
    expect(c.sla.firstResponseDue).toBe(
      addBusinessMinutes(opened, firstResponse, calendar).toISOString(),
    );
    expect(c.sla.resolutionDue).toBe(
      addBusinessMinutes(
        opened,
        resolutionDays * businessDayLengthMinutes(calendar),
        calendar,
      ).toISOString(),
    );
    // Ops read the customer's words, masked (functions/api/privacy.ts): nothing to mask here.
    expect(c.text).toBe(expected.text);
  });

  it("gives a message without a waybill a case of its own, every time", async () => {
    const body = { channel: "online", text: "请问你们周日上门取件吗？", customer: customer() };
    const first = await send(body);
    const second = await send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.waybillNo).toBeNull();
    expect(second.body.caseId).not.toBe(first.body.caseId);
  });

  it("answers a retry with the same Idempotency-Key with the same case", async () => {
    const body = {
      channel: "phone",
      text: "外箱压坏了，里面的碗碎了",
      waybillNo: newWaybill("IK"),
      customer: customer(),
    };
    const key = { "idempotency-key": `retry-${Date.now()}` };
    const first = await send(body, key);
    const retry = await send(body, key);
    expect(first.status).toBe(201);
    expect(retry.body.caseId).toBe(first.body.caseId);
    expect(await local.casesOf(body.waybillNo)).toHaveLength(1);
  });
});

describe("a second message about the same waybill and problem", () => {
  it("attaches to the open case (200) and its words can raise the severity", async () => {
    const waybillNo = newWaybill("AT");
    const opened = await send({
      channel: "phone",
      text: "快递说好昨天送到，到现在还没到",
      waybillNo,
      customer: customer(),
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ category: "delay", severity: "general" });
    await routed(opened.body.caseId);

    const again = await send({
      channel: "app",
      text: "还是没送到！再不给我送来我就打12305投诉你们",
      waybillNo,
      customer: customer(),
    });
    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(opened.body.caseId);

    const c = await routed(opened.body.caseId);
    expect(c).toMatchObject({ severity: "severe", priority: "urgent", feedbackType: "complaint" });
    expect(c.textSignals).toContain("outside-escalation");
    expect(await local.casesOf(waybillNo)).toHaveLength(1);
    // A different problem about the same waybill is a case of its own.
    const other = await send({
      channel: "app",
      text: "另外快递员态度也很差",
      waybillNo,
      customer: customer(),
    });
    expect(other.status).toBe(201);
    expect(other.body.category).toBe("attitude");
  });
});

describe("a channel's retry of a message that attached", () => {
  it("is on the timeline once, and still the same message after the case was resolved", async () => {
    const waybillNo = newWaybill("RT");
    const first = await send({
      channel: "phone",
      text: "快递说好昨天送到，到现在还没到",
      waybillNo,
      customer: customer("cust-retry"),
    });
    expect(first.status).toBe(201);
    await routed(first.body.caseId);
    const message = {
      channel: "app",
      text: "还是没送到，什么时候能到？",
      waybillNo,
      customer: customer("cust-retry"),
    };
    const key = { "idempotency-key": `attach-${waybillNo}` };
    const attached = async () =>
      (
        await local.system.get(`/v1/cases/${first.body.caseId}/timeline?limit=100`, local.ops)
      ).body.items.filter((e: { kind: string }) => e.kind === "message-attached");
    for (let i = 0; i < 3; i++) {
      const retry = await send(message, key);
      expect(retry.status).toBe(200);
      expect(retry.body.caseId).toBe(first.body.caseId);
    }
    await routed(first.body.caseId);
    expect(await attached()).toHaveLength(1);

    // The case is resolved; the channel sends the message once more: it is not a new complaint.
    const supervisorToken = await local.system.token("sup-delivery", ["supervisors"]);
    const resolved = await local.act(first.body.caseId, "resolve", supervisorToken, {
      resolution: "已派送",
    });
    expect(resolved.status).toBe(200);
    const late = await send(message, key);
    expect(late.status).toBe(200);
    expect(late.body.caseId).toBe(first.body.caseId);
    expect(await local.casesOf(waybillNo)).toHaveLength(1);
    expect(await attached()).toHaveLength(1);
  });
});

describe("a repeat complaint", () => {
  /** The lifecycle's resolve action is not in the API yet: mark the case resolved in the store. */
  async function resolve(caseId: string, resolvedAt: string) {
    await updateCase(caseId, (c) => ({
      ...c,
      status: "resolved",
      resolvedAt,
      updatedAt: resolvedAt,
    }));
  }

  it("is linked to the case resolved within 30 days, and severe", async () => {
    const waybillNo = newWaybill("RP");
    const first = await send({
      channel: "phone",
      text: "派件员把包裹扔在门口就走了",
      waybillNo,
      customer: customer("cust-repeat"),
    });
    await routed(first.body.caseId);
    await resolve(first.body.caseId, new Date().toISOString());

    const repeat = await send({
      channel: "phone",
      text: "派件员又把包裹直接扔在门口",
      waybillNo,
      customer: customer("cust-repeat"),
    });
    expect(repeat.status).toBe(201);
    expect(repeat.body.caseId).not.toBe(first.body.caseId);
    expect(repeat.body).toMatchObject({
      repeatOf: first.body.caseId,
      category: "attitude",
      severity: "severe",
      priority: "urgent",
    });

    // Another customer's complaint about the same waybill is not a repeat.
    const stranger = await send({
      channel: "phone",
      text: "快递员把东西扔在门口",
      waybillNo: newWaybill("RP"),
      customer: customer("cust-stranger"),
    });
    expect(stranger.body.repeatOf).toBeNull();
  });

  it("is not a repeat after more than 30 days", async () => {
    const waybillNo = newWaybill("RO");
    const first = await send({
      channel: "phone",
      text: "运费多收了二十块",
      waybillNo,
      customer: customer("cust-old"),
    });
    await routed(first.body.caseId);
    await resolve(first.body.caseId, new Date(Date.now() - 31 * 86_400_000).toISOString());
    const later = await send({
      channel: "phone",
      text: "运费又多收了",
      waybillNo,
      customer: customer("cust-old"),
    });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ repeatOf: null, severity: "general" });
  });
});

describe("an agent's correction", () => {
  it("keeps who corrected what, re-routes to the new team and frees the old agent", async () => {
    const waybillNo = newWaybill("CR");
    const opened = await send({
      channel: "phone",
      text: "包裹三天了还没送到，派送员说多收的运费不退",
      waybillNo,
      customer: customer(),
    });
    const start = await routed(opened.body.caseId);
    // The rules read a delay first (the multi-problem order); the supervisor says it is price.
    expect(start).toMatchObject({ category: "delay", team: "delivery-ops" });
    const oldAgent = start.assignee as string | null;
    const loadBefore = oldAgent ? (await getAgent(oldAgent))?.openCases : undefined;

    const withoutIfMatch = await local.system.request("PATCH", `/v1/cases/${start.caseId}`, {
      token: supervisor,
      body: { category: "price" },
    });
    expect(withoutIfMatch.status).toBe(428);
    const stale = await local.system.request("PATCH", `/v1/cases/${start.caseId}`, {
      token: supervisor,
      body: { category: "price" },
      headers: { "if-match": `"${start.version - 1}"` },
    });
    expect(stale.status).toBe(412);
    expect((await getCase(start.caseId))?.version).toBe(start.version);

    const corrected = await local.system.request("PATCH", `/v1/cases/${start.caseId}`, {
      token: supervisor,
      body: { category: "price", severity: "severe" },
      headers: { "if-match": `"${start.version}"` },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.headers.get("etag")).toBe(`"${corrected.body.version}"`);
    expect(corrected.body).toMatchObject({
      category: "price",
      severity: "severe",
      priority: "urgent",
      correction: {
        by: "sup-delivery",
        category: { from: "delay", to: "price" },
        severity: { to: "severe" },
      },
    });

    const after = await routed(start.caseId);
    expect(after.team).toBe("billing");
    expect(["assigned", "queued"]).toContain(after.status);
    if (after.status === "assigned") expect(after.assignee).toBe("agent-billing-1");
    if (oldAgent) expect((await getAgent(oldAgent))?.openCases).toBe((loadBefore as number) - 1);
    // The correction is kept for the rules' export, with the text it concerned.
    const stored = await getCase(start.caseId);
    expect(stored?.correction?.text).toBe("包裹三天了还没送到，派送员说多收的运费不退");
    const day = (corrected.body.correction.at as string).slice(0, 10);
    const exported = (await correctionsOfDay(day))
      .filter((r) => r.caseId === start.caseId)
      .map((r) => exportLine(r, maskFreeText));
    expect(exported).toEqual([
      expect.objectContaining({
        text: "包裹三天了还没送到，派送员说多收的运费不退",
        channel: "phone",
        context: { customerTier: "regular" },
        expected: { category: "price", severity: "severe", feedbackType: expect.any(String) },
        was: { category: "delay", severity: "general" },
        correctedBy: "sup-delivery",
      }),
    ]);
    // The open-case slot moved with the category: a new price message attaches to this case.
    const more = await send({
      channel: "app",
      text: "多收的运费到底什么时候退给我",
      waybillNo,
      customer: customer(),
    });
    expect(more.body.category).toBe("price");
    expect(more.status).toBe(200);
    expect(more.body.caseId).toBe(start.caseId);
  });

  it("of the category alone, within the same team, keeps the case with its agent", async () => {
    const opened = await send({
      channel: "phone",
      text: "包裹超过承诺时间两天还没到，再不处理我就打12305",
      waybillNo: newWaybill("CS"),
      customer: customer(),
    });
    const c = await routed(opened.body.caseId);
    expect(c).toMatchObject({ category: "delay", severity: "severe", team: "delivery-ops" });
    const agentToken = await local.system.token(c.assignee, ["agents"]);
    const corrected = await local.system.request("PATCH", `/v1/cases/${c.caseId}`, {
      token: agentToken,
      body: { category: "attitude" },
      headers: { "if-match": `"${c.version}"` },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({
      category: "attitude",
      severity: "severe",
      priority: "urgent",
      team: "delivery-ops",
      assignee: c.assignee,
      status: c.status,
      correction: { by: c.assignee, category: { from: "delay", to: "attitude" } },
    });
    const after = await routed(c.caseId);
    expect(after).toMatchObject({ category: "attitude", assignee: c.assignee });
  });

  it("is refused to an agent who does not own the case, and changes nothing", async () => {
    const opened = await send({
      channel: "phone",
      text: "包裹到现在还没到，超时三天了",
      waybillNo: newWaybill("CF"),
      customer: customer(),
    });
    const c = await routed(opened.body.caseId);
    const other = await local.system.token("agent-billing-1", ["agents"]);
    const refused = await local.system.request("PATCH", `/v1/cases/${c.caseId}`, {
      token: other,
      body: { severity: "minor" },
      headers: { "if-match": `"${c.version}"` },
    });
    expect(refused.status).toBe(403);
    expect((await getCase(c.caseId))?.version).toBe(c.version);
  });
});

describe("bad requests", () => {
  it.each([
    ["no channel", { text: "丢件了", customer: customer() }, "channel"],
    ["an unknown channel", { channel: "fax", text: "丢件了", customer: customer() }, "channel"],
    ["empty text", { channel: "phone", text: "   ", customer: customer() }, "text"],
    [
      "too long a text",
      { channel: "phone", text: "慢".repeat(4001), customer: customer() },
      "text",
    ],
    [
      "a bad waybill",
      { channel: "phone", text: "丢件了", waybillNo: "12", customer: customer() },
      "waybillNo",
    ],
    ["no customer", { channel: "phone", text: "丢件了" }, "customer"],
    [
      "a bad tier",
      { channel: "phone", text: "丢件了", customer: { id: "c", tier: "gold" } },
      "customer.tier",
    ],
    [
      "an unknown field (no mass assignment)",
      { channel: "phone", text: "丢件了", customer: customer(), status: "closed" },
      "(root)",
    ],
  ])("%s → 400 problem+json naming the field, nothing stored", async (_name, body, path) => {
    const waybillNo = newWaybill("BAD");
    const response = await send({
      ...(body as object),
      ...("waybillNo" in body ? {} : { waybillNo }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    await local.system.runtime.idle();
    expect(await local.casesOf(waybillNo)).toHaveLength(0);
  });

  it("refuses a body that is not JSON (400), not sent as JSON (415), or too large (413)", async () => {
    expect((await send("{not json")).status).toBe(400);
    const asText = await send('{"channel":"phone"}', { "content-type": "text/plain" });
    expect(asText.status).toBe(415);
    expect((await send(`{"text":"${"x".repeat(20_000)}"}`)).status).toBe(413);
  });

  it("answers a case id that cannot exist with 400 (its path) before touching the store", async () => {
    const long = `CS-${"A".repeat(3000)}`;
    const admin = await local.system.token("admin-1", ["admins"]);
    for (const [method, path, body] of [
      ["GET", `/v1/cases/${long}`, undefined],
      ["GET", "/v1/cases/not-a-case/timeline", undefined],
      ["POST", `/v1/cases/${long}/resolve`, { resolution: "x" }],
      ["PATCH", "/v1/cases/cs-lowercase0000", { severity: "minor" }],
    ] as const) {
      const response = await local.system.request(method, path, {
        token: admin,
        body,
        headers: { "if-match": '"1"' },
      });
      expect(response.status, `${method} ${path.slice(0, 40)}`).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/problem\+json/);
      expect(response.body.errors).toEqual([{ path: "caseId", message: expect.any(String) }]);
    }
  });

  it("lets ops read but not open cases", async () => {
    const response = await send(
      { channel: "phone", text: "丢件了", customer: customer() },
      {},
      local.ops,
    );
    expect(response.status).toBe(403);
  });

  it("refuses a correction that names nothing, or an unknown severity", async () => {
    const opened = await send({ channel: "phone", text: "包裹破损了", customer: customer() });
    const c = await routed(opened.body.caseId);
    const admin = await local.system.token("admin-1", ["admins"]);
    for (const body of [{}, { severity: "catastrophic" }, { category: "damage", assignee: "x" }]) {
      const response = await local.system.request("PATCH", `/v1/cases/${c.caseId}`, {
        token: admin,
        body,
        headers: { "if-match": `"${c.version}"` },
      });
      expect(response.status).toBe(400);
      expect(response.body.errors.length).toBeGreaterThan(0);
    }
    expect((await getCase(c.caseId))?.version).toBe(c.version);
  });
});

describe("the timeline as ops read it", () => {
  it("has the words with the customer's name and number masked: message, waiting, resolution", async () => {
    const opened = await send({
      channel: "phone",
      text: "我是韩梅梅，电话13987654321，快递员态度很差",
      waybillNo: newWaybill("TL"),
      customer: { ...customer(), name: "韩梅梅", phone: "13987654321" },
    });
    const c = await routed(opened.body.caseId);
    const own = await local.system.token(c.assignee, ["agents"]);
    const act = async (path: string, body: unknown) => {
      const response = await local.act(c.caseId, path, own, body);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    await act("responses", { text: "韩女士您好，我们已联系网点" });
    await act("wait", { reason: "等待客户 13987654321 回电" });
    await act("resolve", { resolution: "已向韩梅梅致歉并赔付10元" });

    const asOps = await local.system.get(`/v1/cases/${c.caseId}/timeline`, local.ops);
    expect(asOps.status).toBe(200);
    const shown = JSON.stringify(asOps.body);
    for (const words of ["韩梅梅", "13987654321"]) expect(shown).not.toContain(words);
    expect(shown).toContain("已向韩**致歉并赔付10元");
    expect(asOps.body.items.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(["opened", "responded", "waiting", "resolved"]),
    );
    const asAgent = await local.system.get(`/v1/cases/${c.caseId}/timeline`, own);
    expect(JSON.stringify(asAgent.body)).toContain("已向韩**致歉并赔付10元");
    expect(JSON.stringify(asAgent.body)).not.toContain("13987654321");
  });
});
