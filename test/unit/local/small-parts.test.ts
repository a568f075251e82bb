// ISO-8601 durations for the local clock, what /_local/* show of a message, and opaque
// pagination cursors.
import { describe, expect, it } from "vitest";
import { maskMessageBody, maskQueueReport } from "#infra/local/display-masking.ts";
import { MAX_CLOCK_ADVANCE, parseClockAdvance, parseDuration } from "#infra/local/duration.ts";
import { decodeCursor, encodeCursor, InvalidCursorError } from "#shared/adapters/cursor.ts";

describe("parseDuration", () => {
  it.each([
    ["PT2H", 2 * 3600e3],
    ["P1D", 86400e3],
    ["P1DT30M", 86400e3 + 1800e3],
    ["PT0.5S", 500],
    ["P2W", 14 * 86400e3],
  ])("reads %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["P", "PT", "2H", "P1M", "P1Y", "PT-1H", "-PT1H", "", " PT1H", `P${"1".repeat(80)}D`])(
    "refuses %j",
    (text) => {
      expect(() => parseDuration(text)).toThrow(RangeError);
    },
  );

  it("does not repeat a long text in its refusal", () => {
    expect(() => parseDuration(`PT${"9".repeat(5000)}X`)).toThrow(/^A text of 5003 characters/);
  });
});

describe("parseClockAdvance", () => {
  it.each([
    ["PT0S", 0],
    ["P0D", 0],
    ["PT0.0004S", 0],
    ["PT1.2345S", 1235],
    [MAX_CLOCK_ADVANCE, 366 * 86400e3],
    ["P52W2D", 366 * 86400e3],
  ])("moves the clock by %s", (text, ms) => {
    expect(parseClockAdvance(text)).toBe(ms);
  });

  it("is at most a year and a day per call", () => {
    expect(MAX_CLOCK_ADVANCE).toBe("P366D");
  });

  it.each(["P367D", "P366DT0.001S", "P53W", "P99999999D", `PT${"9".repeat(60)}S`])(
    "refuses %s as too far",
    (text) => {
      expect(() => parseClockAdvance(text)).toThrow(/at most P366D/);
    },
  );

  it.each(["P1M", "PT-1S", "soon"])("refuses %s as no duration", (text) => {
    expect(() => parseClockAdvance(text)).toThrow(/not an ISO-8601 duration/);
  });
});

describe("what /_local/* show of a message body", () => {
  const event = {
    version: "0",
    id: "ev-1",
    "detail-type": "Parcel Damaged",
    source: "courier.orders",
    detail: {
      eventId: "e-1",
      waybillNo: "WB123456",
      customer: { id: "cust-1", name: "Han Meimei", phone: "13987654321", tier: "vip" },
      description: "carton crushed at Han's door",
      reason: "typhoon",
      lastLocation: "12 Nanjing Road",
      comment: "call me",
      text: "李雷 says hi",
      parcels: [{ contactPhone: 13812345678, recipientName: "李雷", address: { street: "x" } }],
      declaredValue: 120,
      attempt: 2,
    },
  };

  it("masks phones and names and keeps only the length of free text", () => {
    expect(JSON.parse(maskMessageBody(JSON.stringify(event)))).toEqual({
      ...event,
      detail: {
        eventId: "e-1",
        waybillNo: "WB123456",
        customer: { id: "cust-1", name: "H*********", phone: "139****4321", tier: "vip" },
        description: "[redacted 28 chars]",
        reason: "[redacted 7 chars]",
        lastLocation: "[redacted 15 chars]",
        comment: "[redacted 7 chars]",
        text: "[redacted 10 chars]",
        parcels: [{ contactPhone: "138****5678", recipientName: "李*", address: "[redacted]" }],
        declaredValue: 120,
        attempt: 2,
      },
    });
  });

  it("shows a body that is not a JSON object only as its length", () => {
    expect(maskMessageBody("Han Meimei 13987654321")).toBe("[redacted 22 chars]");
    expect(maskMessageBody('"13987654321"')).toBe("[redacted 13 chars]");
    expect(maskMessageBody("13987654321")).toBe("[redacted 11 chars]");
  });

  it("redacts what is nested too deep to walk", () => {
    const deep = `${'{"a":'.repeat(10_000)}"13987654321"${"}".repeat(10_000)}`;
    const masked = maskMessageBody(deep);
    expect(masked).not.toContain("13987654321");
    expect(masked).toContain("[redacted]");
  });

  it("masks the bodies in the queue report and keeps the rest, the rejection reason included", () => {
    const deadLetter = {
      messageId: "m-1",
      body: JSON.stringify(event),
      messageAttributes: { rejectionReason: "detail.attempt: expected a number" },
      receiveCount: 1,
      movedAt: 5,
      reason: "detail.attempt: expected a number",
    };
    const report = maskQueueReport({
      intake: { visible: 1, delivered: 3, deadLetterMessages: [deadLetter, { messageId: "m-2" }] },
      classification: { visible: 0, deadLetterMessages: [] },
    }) as any;
    expect(report.intake).toMatchObject({ visible: 1, delivered: 3 });
    expect(report.intake.deadLetterMessages).toEqual([
      { ...deadLetter, body: maskMessageBody(deadLetter.body) },
      { messageId: "m-2" },
    ]);
    expect(report.classification).toEqual({ visible: 0, deadLetterMessages: [] });
    expect(JSON.stringify(report)).not.toMatch(/Han Meimei|13987654321|crushed|Nanjing/);
  });
});

describe("cursors", () => {
  it("round-trip", () => {
    const cursor = { index: "gsi2" as const, key: { pk: "CASE#1", sk: "CASE" }, bucket: "2026-11" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    "abc",
    "",
    encodeCursor({ index: "gsi1", key: {} }).slice(0, 10),
    Buffer.from('{"index":"scan"}').toString("base64url"),
  ])("refuse %j", (raw) => {
    expect(() => decodeCursor(raw)).toThrow(InvalidCursorError);
  });
});
