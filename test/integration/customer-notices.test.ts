// Proactive customer notices (主动推送) through the local runtime: a delivery exception that
// opens a case asks the company's SMS/app-push system once per case and problem (never for a
// customer's own message), never carries the customer's contact data, is held through the
// customer's night (21:00–08:00 in their time zone) and published by the sweep at 08:00, and is
// switched off per category by the supervisors of the team owning it.
import "./quiet.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { busRecorder, newWaybill, useLocalSystem } from "./local-system.ts";
import { createNotice, getNotice } from "#shared/adapters/notice-store.ts";
import { noticeIdOf, PUBLISH_GRACE_MS } from "#shared/domain/customer-notice.ts";

// The bus tells its fault-injection hook about every accepted event: here it only listens.
const bus = busRecorder();
const published = bus.published;
const local = useLocalSystem({ loseEvent: bus.loseEvent });
const now = () => local.system.now();
const advanceTo = (target: Date) => local.system.advanceTo(target);

const HOUR = 3_600_000;
const PHONE = "13911112222";
const NAME = "Wang Fang";

let agent = "";
let admin = "";
let supClaims = "";
let supDelivery = "";
beforeAll(async () => {
  agent = await local.system.token("agent-care-1", ["agents"]);
  admin = await local.system.token("admin-1", ["admins"]);
  supClaims = await local.system.token("sup-claims", ["supervisors"]);
  supDelivery = await local.system.token("sup-delivery", ["supervisors"]);
  // Start at 10:00 in Shanghai, at least a day ahead of the real clock.
  await advanceTo(nextShanghaiTime(await now(), 10, 0));
});

/** The first `hh:mm` in Shanghai (UTC+8, no DST) at least a day after `from`. */
function nextShanghaiTime(from: Date, hh: number, mm: number): Date {
  const shanghai = new Date(from.getTime() + 8 * HOUR + 24 * HOUR);
  const candidate = new Date(
    Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), hh - 8, mm),
  );
  return candidate.getTime() >= from.getTime() + 24 * HOUR
    ? candidate
    : new Date(candidate.getTime() + 24 * HOUR);
}

/** The first whole minute from `from` on that shows 08:00 in `timeZone` (read with Intl). */
function nextLocalEight(from: Date, timeZone: string): Date {
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  let t = Math.ceil(from.getTime() / 60_000) * 60_000;
  while (format.format(new Date(t)) !== "08:00") t += 60_000;
  return new Date(t);
}

/** The Customer Notice Requested details published so far, for a waybill. */
const noticesOf = (waybillNo: string) =>
  published
    .filter((e) => e["detail-type"] === "Customer Notice Requested")
    .map((e) => e.detail as any)
    .filter((d) => d.waybillNo === waybillNo);

function customer(extra: Record<string, unknown> = {}) {
  return { id: "cust-notice-1", name: NAME, phone: PHONE, tier: "regular", ...extra };
}

function event(detailType: string, waybillNo: string, id: string, extra: Record<string, unknown>) {
  return {
    detailType,
    detail: {
      eventId: `evt-${waybillNo}-${id}`,
      waybillNo,
      occurredAt: new Date().toISOString(),
      customer: customer(),
      ...extra,
    },
  };
}

const delayed = (waybillNo: string, id = "delayed", extra: Record<string, unknown> = {}) =>
  event("Parcel Delayed", waybillNo, id, {
    promisedAt: "2026-11-22T18:00:00+08:00",
    reason: "weather",
    ...extra,
  });
const failed = (waybillNo: string, attempt: number) =>
  event("Delivery Attempt Failed", waybillNo, `failed-${attempt}`, {
    attempt,
    reason: "recipient not at home",
  });

async function deliver(...entries: { detailType: string; detail: unknown }[]) {
  const results = await local.system.publish(entries);
  for (const result of results) expect(result.EventId).toBeTruthy();
  await local.system.runtime.idle();
}

async function onlyCaseOf(waybillNo: string) {
  const cases = await local.casesOf(waybillNo);
  expect(cases).toHaveLength(1);
  return cases[0];
}

const putSetting = (category: string, body: unknown, token: string) =>
  local.system.request("PUT", `/v1/notice-settings/${category}`, { token, body });

describe("a delivery exception in the customer's daytime", () => {
  it("asks for one notice of its problem, with ids only: no phone, no name", async () => {
    const waybillNo = newWaybill("NTC");
    await deliver(delayed(waybillNo));
    const opened = await onlyCaseOf(waybillNo);

    const notices = noticesOf(waybillNo);
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice).toMatchObject({
      noticeId: noticeIdOf(opened.caseId, "parcel-delayed"),
      caseId: opened.caseId,
      waybillNo,
      category: "delay",
      problem: "parcel-delayed",
      templateKey: "notice.parcel-delayed",
      customerId: "cust-notice-1",
      customerTier: "regular",
      held: false,
    });
    expect(notice.sendAt).toBe(notice.requestedAt);
    for (const text of [JSON.stringify(notice), JSON.stringify(await getNotice(notice.noticeId))]) {
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain(NAME);
      expect(text).not.toMatch(/"(phone|name)"/);
    }
    expect(await getNotice(notice.noticeId)).toMatchObject({ status: "sent" });
  });

  it("asks once per case and problem: a redelivery or another delay of the waybill adds none", async () => {
    const waybillNo = newWaybill("NTC");
    const first = delayed(waybillNo);
    await deliver(first);
    await deliver(first, delayed(waybillNo, "delayed-again", { reason: "still in transit" }));
    await deliver(first);
    await onlyCaseOf(waybillNo);
    expect(noticesOf(waybillNo)).toHaveLength(1);
  });

  it("asks for the failed delivery's notice when it attaches to the delay case, once", async () => {
    const waybillNo = newWaybill("NTC");
    await deliver(delayed(waybillNo));
    await deliver(failed(waybillNo, 1)); // a first attempt opens nothing and attaches nothing
    expect(noticesOf(waybillNo).map((n) => n.problem)).toEqual(["parcel-delayed"]);

    await deliver(failed(waybillNo, 2));
    await deliver(failed(waybillNo, 3));
    const opened = await onlyCaseOf(waybillNo);
    const notices = noticesOf(waybillNo);
    expect(notices.map((n) => n.problem)).toEqual(["parcel-delayed", "delivery-failed"]);
    expect(notices[1]).toMatchObject({
      caseId: opened.caseId,
      noticeId: noticeIdOf(opened.caseId, "delivery-failed"),
      templateKey: "notice.delivery-failed",
    });
  });

  it("opened by a second failed attempt, asks for the failed delivery's notice", async () => {
    const waybillNo = newWaybill("NTC");
    await deliver(failed(waybillNo, 1));
    expect(await local.casesOf(waybillNo)).toHaveLength(0);
    await deliver(failed(waybillNo, 2));
    await onlyCaseOf(waybillNo);
    expect(noticesOf(waybillNo).map((n) => n.problem)).toEqual(["delivery-failed"]);
  });

  it("never for a customer's own message, nor for an event joining the case it opened", async () => {
    const waybillNo = newWaybill("NTC");
    const response = await local.system.request("POST", "/v1/cases", {
      token: agent,
      body: {
        channel: "phone",
        text: "包裹三天了还没送到",
        waybillNo,
        customer: { id: "cust-notice-2", name: NAME, phone: PHONE, tier: "regular" },
      },
    });
    expect(response.status).toBe(201);
    await local.system.runtime.idle();
    await deliver(delayed(waybillNo));
    await onlyCaseOf(waybillNo);
    expect(noticesOf(waybillNo)).toHaveLength(0);
  });

  it("publishes a notice whose publisher died after writing it, once, after a grace period", async () => {
    const waybillNo = newWaybill("NTC");
    await deliver(delayed(waybillNo));
    const opened = await onlyCaseOf(waybillNo);
    // As intake leaves it when it dies between the put and the publish.
    const requestedAt = await now();
    const noticeId = noticeIdOf(opened.caseId, "delivery-failed");
    const detail = {
      noticeId,
      caseId: opened.caseId,
      waybillNo,
      category: "delay" as const,
      problem: "delivery-failed" as const,
      templateKey: "notice.delivery-failed",
      customerId: "cust-notice-1",
      customerTier: "regular" as const,
      requestedAt: requestedAt.toISOString(),
      sendAt: requestedAt.toISOString(),
      held: false,
    };
    const checkAt = new Date(requestedAt.getTime() + PUBLISH_GRACE_MS);
    expect(await createNotice(detail, "pending", checkAt.toISOString())).toBe(true);

    await advanceTo(new Date(checkAt.getTime() - 30_000));
    expect(noticesOf(waybillNo).map((n) => n.problem)).toEqual(["parcel-delayed"]);
    await advanceTo(new Date(checkAt.getTime() + 30_000));
    await advanceTo(new Date(checkAt.getTime() + PUBLISH_GRACE_MS + 60_000));
    const notices = noticesOf(waybillNo);
    expect(notices.map((n) => n.problem)).toEqual(["parcel-delayed", "delivery-failed"]);
    expect(notices[1]).toMatchObject(detail);
    expect(await getNotice(noticeId)).toMatchObject({ status: "sent" });
  });

  it("holds the notice of a customer whose night it is (Berlin) until 08:00 there", async () => {
    const waybillNo = newWaybill("NTC");
    const detail = delayed(waybillNo);
    (detail.detail.customer as Record<string, unknown>).timeZone = "Europe/Berlin";
    const requestedAt = await now(); // 10:00 in Shanghai: 03:00 or 04:00 in Berlin
    await deliver(detail);
    const opened = await onlyCaseOf(waybillNo);
    expect(noticesOf(waybillNo)).toHaveLength(0);
    const noticeId = noticeIdOf(opened.caseId, "parcel-delayed");
    const morning = nextLocalEight(requestedAt, "Europe/Berlin");
    expect(morning.getTime() - requestedAt.getTime()).toBeLessThan(6 * HOUR);
    const stored = await getNotice(noticeId);
    expect(stored).toMatchObject({ status: "held", held: true });
    expect(Date.parse(stored?.sendAt as string)).toBe(morning.getTime());

    await advanceTo(new Date(morning.getTime() - 60_000));
    expect(noticesOf(waybillNo)).toHaveLength(0);
    await advanceTo(new Date(morning.getTime() + 60_000));
    const notices = noticesOf(waybillNo);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ noticeId, held: true, sendAt: morning.toISOString() });
    expect(await getNotice(noticeId)).toMatchObject({ status: "sent" });
  });
});

describe("notices switched per category", () => {
  it("lists every category, on by default, for every role", async () => {
    for (const token of [agent, supClaims, local.ops, admin]) {
      const response = await local.system.get("/v1/notice-settings", token);
      expect(response.status).toBe(200);
      expect(response.body.items).toHaveLength(9);
      expect(response.body.items[0]).toEqual({
        category: "delay",
        enabled: true,
        updatedBy: null,
        updatedAt: null,
      });
    }
    const nobody = await local.system.token("someone", []);
    expect((await local.system.get("/v1/notice-settings", nobody)).status).toBe(403);
  });

  it("refuses other teams' supervisors, agents, bad bodies and unknown categories", async () => {
    const off = { enabled: false };
    expect((await putSetting("damage", off, supDelivery)).status).toBe(403);
    expect((await putSetting("damage", off, agent)).status).toBe(403);
    expect((await putSetting("damage", off, local.ops)).status).toBe(403);
    for (const body of [{ enabled: "no" }, { enabled: false, extra: 1 }, {}, "[]"]) {
      const response = await putSetting("damage", body, supClaims);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
    const unknown = await putSetting("parcels", off, supClaims);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      status: 400,
      errors: [{ path: "category", message: expect.stringContaining("damage") }],
    });
    // Nothing was switched.
    const listed = await local.system.get("/v1/notice-settings", admin);
    expect(listed.body.items.find((s: any) => s.category === "damage").enabled).toBe(true);
  });

  it("off by the owning team's supervisor: a new case of the category asks for none", async () => {
    const response = await putSetting("damage", { enabled: false }, supClaims);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      category: "damage",
      enabled: false,
      updatedBy: "sup-claims",
    });
    const listed = await local.system.get("/v1/notice-settings", agent);
    expect(listed.body.items.find((s: any) => s.category === "damage")).toMatchObject({
      enabled: false,
      updatedBy: "sup-claims",
    });

    const waybillNo = newWaybill("NTC");
    await deliver(event("Parcel Damaged", waybillNo, "damaged", { description: "carton torn" }));
    await onlyCaseOf(waybillNo);
    expect(noticesOf(waybillNo)).toHaveLength(0);

    // On again (an admin may switch any category): the next case asks for its notice.
    expect((await putSetting("damage", { enabled: true }, admin)).status).toBe(200);
    const next = newWaybill("NTC");
    await deliver(event("Parcel Damaged", next, "damaged", { description: "carton torn" }));
    expect(noticesOf(next).map((n) => n.problem)).toEqual(["parcel-damaged"]);
  });
});

describe("a delivery exception at night in the customer's time zone", () => {
  it("is held until 08:00, then published once (held: true); a category switched off meanwhile drops its notice", async () => {
    const night = nextShanghaiTime(await now(), 23, 30);
    await advanceTo(night);
    const delayWaybill = newWaybill("NTC");
    const lostWaybill = newWaybill("NTC");
    await deliver(
      delayed(delayWaybill),
      event("Parcel Lost", lostWaybill, "lost", { lastLocation: "Hangzhou hub" }),
    );
    const delayCase = await onlyCaseOf(delayWaybill);
    const lostCase = await onlyCaseOf(lostWaybill);
    expect(noticesOf(delayWaybill)).toHaveLength(0);
    expect(noticesOf(lostWaybill)).toHaveLength(0);
    expect(await getNotice(noticeIdOf(lostCase.caseId, "parcel-lost"))).toMatchObject({
      status: "held",
    });
    expect((await putSetting("loss", { enabled: false }, supClaims)).status).toBe(200);

    const eight = new Date(night.getTime() + 8.5 * HOUR); // 08:00 in Shanghai
    await advanceTo(new Date(night.getTime() + 2 * HOUR));
    await advanceTo(new Date(eight.getTime() - 60_000));
    expect(noticesOf(delayWaybill)).toHaveLength(0);

    await advanceTo(new Date(eight.getTime() + 60_000));
    await advanceTo(new Date(eight.getTime() + 10 * 60_000));
    const notices = noticesOf(delayWaybill);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      caseId: delayCase.caseId,
      problem: "parcel-delayed",
      held: true,
      sendAt: eight.toISOString(),
    });
    expect(Date.parse(notices[0].requestedAt)).toBeGreaterThanOrEqual(night.getTime());
    expect(Date.parse(notices[0].requestedAt)).toBeLessThan(night.getTime() + HOUR);
    expect(JSON.stringify(notices[0])).not.toContain(PHONE);

    expect(noticesOf(lostWaybill)).toHaveLength(0);
    expect(await getNotice(noticeIdOf(lostCase.caseId, "parcel-lost"))).toMatchObject({
      status: "cancelled",
    });
    expect((await putSetting("loss", { enabled: true }, admin)).status).toBe(200);
  });
});
