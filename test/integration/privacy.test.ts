// Personal data through the whole API (functions/api/privacy.ts, api-reference.md "Who sees
// what"): an upstream event whose description quotes the customer's phone, ID number, address
// and name shows them masked to ops, agents, supervisors and admins in the case, its timeline
// and its follow-up (addresses kept for those who work deliveries); the assigned agent reads
// the full contact through an audited read (a `contact-read` entry, the case's version
// unchanged), nobody else; an admin's erasure removes the canaries from every answer and every
// stored item, is idempotent and audited, refused (nothing changed) for anyone else or a bad
// body; events that arrive later bring nothing back; a merged case's copies are erased too; a
// customer with more cases than one request erases is erased over several.
import "./quiet.ts";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

const NAME = "Qian Canary";
const PHONE = "13755550123";
const ID_CARD = "11010519491231002X";
const STREET = "张江路1888号7栋302室";
const ADDRESS = `上海市浦东新区${STREET}`;
const DESCRIPTION = `纸箱压坏。客户${NAME}（身份证${ID_CARD}）要求改送${ADDRESS}，电话 ${PHONE}`;
const WORDS = `客户 ${NAME} 说白天打不通 ${PHONE}，身份证 ${ID_CARD}，地址 ${ADDRESS}`;

/** What must never show: the name (or its parts), the phone, the ID number or its birth date. */
const SECRETS = [NAME, "Canary", PHONE, ID_CARD, "19491231", "5555"];

function expectNoSecrets(what: string, value: unknown, { address }: { address: boolean }) {
  const text = JSON.stringify(value);
  for (const secret of SECRETS) expect(text, `${what}: ${secret}`).not.toContain(secret);
  if (address) expect(text, `${what}: address`).not.toContain("张江路1888号");
}

const tokens = new Map<string, Promise<string>>();
const token = (sub: string, group: string) => {
  const key = `${sub}|${group}`;
  if (!tokens.has(key)) tokens.set(key, local.system.token(sub, [group]));
  return tokens.get(key) as Promise<string>;
};
const admin = () => token("admin-1", "admins");
const supervisor = () => token("sup-claims", "supervisors");
const otherAgent = (agentId: string) =>
  token(agentId === "agent-claims-1" ? "agent-claims-2" : "agent-claims-1", "agents");

const get = async (path: string, bearer: string) => local.system.get(path, bearer);

/** A case action with the If-Match of the case as the caller reads it now. */
async function act(caseId: string, path: string, bearer: string, body: unknown) {
  const current = await get(`/v1/cases/${caseId}`, bearer);
  const response = await local.system.request("POST", `/v1/cases/${caseId}/${path}`, {
    token: bearer,
    body,
    headers: { "if-match": current.headers.get("etag") ?? '"1"' },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await local.system.runtime.idle();
  return response;
}

async function openCase(customer: Record<string, unknown>, description = DESCRIPTION) {
  const waybillNo = newWaybill("PRV");
  const at = (await local.system.now()).toISOString();
  await local.system.publish([
    {
      detailType: "Parcel Damaged",
      detail: damaged(waybillNo, { occurredAt: at, customer, description, declaredValue: 80 }),
    },
  ]);
  await local.system.runtime.idle();
  const [c] = await local.casesOf(waybillNo);
  expect(c).toBeDefined();
  return c;
}

async function storedItems(pk: string) {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: "cases",
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function storedFollowUp(followUpId: string) {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: "cases",
      Key: { pk: `FOLLOWUP#${followUpId}`, sk: "FOLLOWUP" },
      ConsistentRead: true,
    }),
  );
  return Item;
}

const contactReads = async (caseId: string) =>
  (await get(`/v1/cases/${caseId}/timeline?limit=100`, await admin())).body.items.filter(
    (e: { kind: string }) => e.kind === "contact-read",
  );

function erase(customerId: string, bearer: string, body: unknown) {
  return local.system.request("POST", `/v1/customers/${encodeURIComponent(customerId)}/erasure`, {
    token: bearer,
    body,
  });
}

describe("a customer's personal data", () => {
  const customer = { id: "cust-privacy-1", name: NAME, phone: PHONE, tier: "regular" };
  let c: any;
  let agent = "";
  let followUpId = "";

  it("is masked for every role in the case, its list and its timeline (addresses for ops too)", async () => {
    c = await openCase(customer);
    expect(c).toMatchObject({ status: "assigned", team: "claims" });
    agent = await token(c.assignee, "agents");
    // The agent's own words quote it, and a second event describes it again.
    await act(c.caseId, "notes", agent, { text: WORDS });
    await act(c.caseId, "responses", agent, { text: `您好 ${NAME}，我们会致电 ${PHONE}` });
    const later = new Date((await local.system.now()).getTime() + 60_000).toISOString();
    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(c.waybillNo, {
          eventId: `evt-${c.waybillNo}-again`,
          occurredAt: later,
          customer,
          description: DESCRIPTION,
        }),
      },
    ]);
    await local.system.runtime.idle();

    for (const [role, bearer, addressMasked] of [
      ["ops", local.ops, true],
      ["the assigned agent", agent, false],
      ["the supervisor", await supervisor(), false],
      ["an admin", await admin(), false],
    ] as const) {
      const one = await get(`/v1/cases/${c.caseId}`, bearer);
      expect(one.status).toBe(200);
      expect(one.body.customer).toMatchObject({ name: "Q**********", phone: "137****0123" });
      expect(one.body.facts.description).toContain("137****0123");
      expectNoSecrets(`${role}: case`, one.body, { address: addressMasked });
      if (!addressMasked) expect(one.body.facts.description).toContain(STREET);
      const list = await get(`/v1/cases?waybillNo=${c.waybillNo}`, bearer);
      expect(list.body.items).toHaveLength(1);
      expectNoSecrets(`${role}: list`, list.body, { address: addressMasked });
      const timeline = await get(`/v1/cases/${c.caseId}/timeline?limit=100`, bearer);
      const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(["note", "responded", "event-attached"]));
      expectNoSecrets(`${role}: timeline`, timeline.body, { address: addressMasked });
      // Ops read the words too now, masked.
      const note = timeline.body.items.find((e: { kind: string }) => e.kind === "note");
      expect(note.data.text).toContain("137****0123");
    }
  });

  it("is read in full by the assigned agent only, each read audited, the case unchanged", async () => {
    const before = await get(`/v1/cases/${c.caseId}`, agent);
    const read = await get(`/v1/cases/${c.caseId}/contact`, agent);
    expect(read.status).toBe(200);
    expect(read.headers.get("cache-control")).toBe("no-store");
    expect(read.body).toEqual({
      caseId: c.caseId,
      customer: { id: customer.id, name: NAME, phone: PHONE },
    });
    const [entry] = await contactReads(c.caseId);
    expect(entry).toMatchObject({ kind: "contact-read", actor: c.assignee, data: { via: "case" } });
    expectNoSecrets("the audit entry", entry, { address: true });
    const after = await get(`/v1/cases/${c.caseId}`, agent);
    expect(after.headers.get("etag")).toBe(before.headers.get("etag"));

    for (const bearer of [
      await supervisor(),
      await otherAgent(c.assignee),
      local.ops,
      await admin(),
      await token(c.assignee, "supervisors"), // the right id, not as the case's agent
    ]) {
      const refused = await get(`/v1/cases/${c.caseId}/contact`, bearer);
      expect(refused.status).toBe(403);
      expectNoSecrets("a refused read", refused.body, { address: true });
    }
    expect(await contactReads(c.caseId)).toHaveLength(1);
    expect((await get("/v1/cases/CS-0000000000000000/contact", agent)).status).toBe(404);
    expect((await get("/v1/cases/nope/contact", agent)).status).toBe(400);
  });

  it("goes to the follow-up call's agent once the case is resolved, audited", async () => {
    // A correction keeps a sample of the words for the classifier (erased below).
    const current = await get(`/v1/cases/${c.caseId}`, agent);
    const corrected = await local.system.request("PATCH", `/v1/cases/${c.caseId}`, {
      token: agent,
      body: { severity: "severe" },
      headers: { "if-match": current.headers.get("etag") as string },
    });
    expect(corrected.status).toBe(200);
    await local.system.runtime.idle();
    await act(c.caseId, "resolve", agent, { resolution: `paid; confirmed on ${PHONE}` });
    expect((await get(`/v1/cases/${c.caseId}/contact`, agent)).status).toBe(409);

    followUpId = `FU-${c.caseId.slice(3)}-1`;
    const scheduled = await get(`/v1/follow-ups/${followUpId}`, await admin());
    expect(scheduled.status).toBe(200);
    expect((await get(`/v1/follow-ups/${followUpId}/contact`, agent)).status).toBe(409);
    await local.system.advanceTo(new Date(Date.parse(scheduled.body.dueAt) + 30_000));
    const read = await get(`/v1/follow-ups/${followUpId}/contact`, agent);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      caseId: c.caseId,
      followUpId,
      customer: { id: customer.id, name: NAME, phone: PHONE },
    });
    for (const bearer of [await supervisor(), await otherAgent(c.assignee), local.ops]) {
      expect((await get(`/v1/follow-ups/${followUpId}/contact`, bearer)).status).toBe(403);
    }
    const reads = await contactReads(c.caseId);
    expect(reads).toHaveLength(2);
    expect(reads[1]).toMatchObject({ actor: c.assignee, data: { via: "follow-up", followUpId } });

    const due = await get(`/v1/follow-ups/${followUpId}`, agent);
    const outcome = await local.system.request("POST", `/v1/follow-ups/${followUpId}/outcome`, {
      token: agent,
      body: { reached: true, resolved: true, satisfaction: 5, comment: WORDS },
      headers: { "if-match": due.headers.get("etag") as string },
    });
    expect(outcome.status).toBe(200);
    expectNoSecrets("the outcome's answer", outcome.body, { address: false });
    await local.system.runtime.idle();
    for (const [role, bearer, addressMasked] of [
      ["ops", local.ops, true],
      ["the agent", agent, false],
      ["the supervisor", await supervisor(), false],
    ] as const) {
      const one = await get(`/v1/follow-ups/${followUpId}`, bearer);
      expect(one.body.outcome.comment).toContain("137****0123");
      expectNoSecrets(`${role}: follow-up`, one.body, { address: addressMasked });
      const list = await get(`/v1/follow-ups?status=done&team=claims`, bearer);
      expectNoSecrets(`${role}: follow-ups`, list.body, { address: addressMasked });
      const timeline = await get(`/v1/cases/${c.caseId}/timeline?limit=100`, bearer);
      expectNoSecrets(`${role}: timeline`, timeline.body, { address: addressMasked });
    }
  });

  it("is erased only by an admin, and a refused request changes nothing", async () => {
    const before = JSON.stringify(await storedItems(`CASE#${c.caseId}`));
    for (const bearer of [agent, await supervisor(), local.ops])
      expect((await erase(customer.id, bearer, { reason: "asked by phone" })).status).toBe(403);
    for (const body of [
      {},
      { reason: "" },
      { reason: "x".repeat(501) },
      { reason: "x", all: true },
    ])
      expect((await erase(customer.id, await admin(), body)).status).toBe(400);
    const notJson = await local.system.request("POST", `/v1/customers/${customer.id}/erasure`, {
      token: await admin(),
      body: "reason",
      headers: { "content-type": "text/plain" },
    });
    expect(notJson.status).toBe(415);
    expect(JSON.stringify(await storedItems(`CASE#${c.caseId}`))).toBe(before);
    expect(await storedItems(`CUSTOMER#${customer.id}`)).toHaveLength(1); // the ref only
    expect((await getCase(c.caseId))?.customer.name).toBe(NAME);
  });

  it("is erased from every item and every answer, audited, and a repeat changes nothing", async () => {
    const reason = `客户 ${NAME} 来电（${PHONE}）要求删除个人信息，工单 T-2026-1201`;
    const first = await erase(customer.id, await admin(), { reason });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      customerId: customer.id,
      erasedAt: expect.any(String),
      cases: 1,
      followUps: 1,
      corrections: 1,
      complete: true,
    });
    // The note, the response, the attached event, the resolution, the follow-up's comment.
    expect(first.body.timelineEntries).toBeGreaterThanOrEqual(5);
    await local.system.runtime.idle();

    // Stored: the case and its timeline, the follow-up, the correction, the customer's partition.
    const items = await storedItems(`CASE#${c.caseId}`);
    expectNoSecrets("stored case and timeline", items, { address: true });
    expect(JSON.stringify(items)).not.toContain("Qian");
    expectNoSecrets("stored follow-up", await storedFollowUp(followUpId), { address: true });
    const stored = await getCase(c.caseId);
    expect(stored?.customer).toMatchObject({ id: customer.id, name: null, phone: null });
    expect(stored?.customer.erasedAt).toBe(first.body.erasedAt);
    const correctionAt = stored?.correction?.at as string;
    const corrections = (await storedItems(`CORRECTIONS#${correctionAt.slice(0, 10)}`)).filter(
      (item) => item.caseId === c.caseId,
    );
    expect(corrections).toHaveLength(1);
    expect(corrections[0]?.text).toBeNull();
    const partition = await storedItems(`CUSTOMER#${customer.id}`);
    expectNoSecrets("the customer's partition", partition, { address: true });
    const record = partition.find((item) => item.sk === "ERASURE");
    expect(record).toMatchObject({ by: "admin-1", requests: 1, erasedAt: first.body.erasedAt });
    expect(record?.reason).toContain("T-2026-1201");
    const timeline = await get(`/v1/cases/${c.caseId}/timeline?limit=100`, await admin());
    const audit = timeline.body.items.find((e: { kind: string }) => e.kind === "erasure");
    expect(audit).toMatchObject({ actor: "admin-1", data: { followUps: 1, corrections: 1 } });

    // Every answer, for every role.
    for (const bearer of [local.ops, agent, await supervisor(), await admin()]) {
      for (const path of [
        `/v1/cases/${c.caseId}`,
        `/v1/cases?waybillNo=${c.waybillNo}`,
        `/v1/cases?team=claims&limit=100`,
        `/v1/cases/${c.caseId}/timeline?limit=100`,
        `/v1/follow-ups/${followUpId}`,
        `/v1/follow-ups?status=done&team=claims&limit=100`,
      ]) {
        const response = await get(path, bearer);
        expectNoSecrets(path, response.body, { address: true });
      }
    }
    expect((await get(`/v1/cases/${c.caseId}`, agent)).body.customer.name).toBeNull();

    // A repeat: the same answer, nothing written.
    const snapshot = JSON.stringify([
      await storedItems(`CASE#${c.caseId}`),
      await storedItems(`CUSTOMER#${customer.id}`),
      await storedFollowUp(followUpId),
    ]);
    const again = await erase(customer.id, await admin(), { reason: "again" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(
      JSON.stringify([
        await storedItems(`CASE#${c.caseId}`),
        await storedItems(`CUSTOMER#${customer.id}`),
        await storedFollowUp(followUpId),
      ]),
    ).toBe(snapshot);
  });

  it("stays erased when a late event about the case arrives (even one that came first)", async () => {
    const earlier = new Date(Date.parse(c.createdAt) - 3_600_000).toISOString();
    await local.system.publish([
      {
        detailType: "Parcel Damaged",
        detail: damaged(c.waybillNo, {
          eventId: `evt-${c.waybillNo}-late`,
          occurredAt: earlier,
          customer,
          description: DESCRIPTION,
        }),
      },
    ]);
    await local.system.runtime.idle();
    const stored = await getCase(c.caseId);
    expect(stored?.trigger.eventId).toBe(`evt-${c.waybillNo}-late`);
    expect(stored?.customer).toMatchObject({ name: null, phone: null });
    expectNoSecrets("after a late event", await storedItems(`CASE#${c.caseId}`), { address: true });
  });
});

describe("an erasure", () => {
  it("erases the copies a merge made on another customer's case, and leaves that customer", async () => {
    const erased = { id: "cust-privacy-merge", name: NAME, phone: PHONE, tier: "regular" };
    const kept = {
      id: "cust-privacy-kept",
      name: "Sun Keeper",
      phone: "13600001111",
      tier: "regular",
    };
    const source = await openCase(erased);
    const target = await openCase(kept, "carton wet");
    await act(source.caseId, "notes", await supervisor(), { text: WORDS });
    await act(source.caseId, "merge", await supervisor(), { intoCaseId: target.caseId });
    const copied = (await storedItems(`CASE#${target.caseId}`)).filter((item) =>
      String(item.sk).includes(`from#${source.caseId}#`),
    );
    expect(JSON.stringify(copied)).toContain(PHONE);

    const response = await erase(erased.id, await admin(), { reason: "customer request" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ cases: 1, complete: true });
    expectNoSecrets("the merge target", await storedItems(`CASE#${target.caseId}`), {
      address: true,
    });
    expect((await getCase(target.caseId))?.customer).toMatchObject({ name: "Sun Keeper" });
    expect((await getCase(source.caseId))?.customer.name).toBeNull();
  });

  it("of more cases than one request erases goes on with the same request", async () => {
    const many = { id: "cust-privacy-many", name: NAME, phone: PHONE, tier: "regular" };
    const waybills = Array.from({ length: 11 }, () => newWaybill("PRM"));
    const at = (await local.system.now()).toISOString();
    for (let i = 0; i < waybills.length; i += 10)
      await local.system.publish(
        waybills.slice(i, i + 10).map((waybillNo) => ({
          detailType: "Parcel Damaged",
          detail: damaged(waybillNo, { occurredAt: at, customer: many, description: DESCRIPTION }),
        })),
      );
    await local.system.runtime.idle();

    const first = await erase(many.id, await admin(), { reason: "customer request" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ cases: 10, complete: false });
    const second = await erase(many.id, await admin(), { reason: "customer request" });
    expect(second.body).toMatchObject({ cases: 11, complete: true, erasedAt: first.body.erasedAt });
    for (const waybillNo of waybills) {
      const [c] = await local.casesOf(waybillNo);
      expectNoSecrets(waybillNo, await storedItems(`CASE#${c.caseId}`), { address: true });
    }
    const record = (await storedItems(`CUSTOMER#${many.id}`)).find((i) => i.sk === "ERASURE");
    expect(record).toMatchObject({ requests: 2 });
    // Close them again: the claims agents' slots are shared with the other tests.
    for (const waybillNo of waybills) {
      const [c] = await local.casesOf(waybillNo);
      await act(c.caseId, "close", await admin(), { reason: "test done" });
    }
  });

  it("of a customer without data is recorded and answers zero", async () => {
    const response = await erase("cust-privacy-unknown", await admin(), { reason: "request" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      cases: 0,
      followUps: 0,
      timelineEntries: 0,
      corrections: 0,
      complete: true,
    });
    expect((await erase("x".repeat(129), await admin(), { reason: "r" })).status).toBe(400);
  });
});
