// Signed pagination cursors (shared/adapters/cursor.ts): a cursor comes back only to the caller
// and query it was issued for, unaltered and within 24 hours; anything else is an
// InvalidCursorError (the API's 400), never another exception.
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CURSOR_TTL_MS,
  type Cursor,
  cursorBinding,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
} from "#shared/adapters/cursor.ts";

const KEY = "k".repeat(40);
const position: Cursor = {
  index: "gsi4",
  key: {
    pk: "CASE#CS-1",
    sk: "CASE",
    gsi4pk: "CASES#2026-11",
    gsi4sk: "2026-11-23T02:00:00Z#CS-1",
  },
  bucket: "2026-11",
};
const mine = cursorBinding("ops-1", "GET /v1/cases", { status: "queued", team: "claims" });

/** The error a decode threw, or undefined when it returned. */
function refusal(raw: string, binding = mine): unknown {
  try {
    decodeCursor(raw, binding);
    return undefined;
  } catch (error) {
    return error;
  }
}

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const unb64 = (text: string) => Buffer.from(text, "base64url").toString("utf8");

beforeEach(() => {
  vi.stubEnv("CURSOR_KEY", KEY);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe("cursors", () => {
  it("round-trip for the binding they were issued for", () => {
    const raw = encodeCursor(position, mine);
    expect(decodeCursor(raw, mine)).toEqual(position);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it("bind the filters whatever their order, not `cursor` and `limit`", () => {
    const raw = encodeCursor(position, mine);
    const same = cursorBinding("ops-1", "GET /v1/cases", {
      team: "claims",
      limit: 100,
      cursor: raw,
      status: "queued",
      priority: undefined,
    });
    expect(decodeCursor(raw, same)).toEqual(position);
  });

  it("refuse an altered payload, even one with a valid shape", () => {
    const [payload, mac] = encodeCursor(position, mine).split(".") as [string, string];
    const altered = JSON.parse(unb64(payload));
    altered.key.gsi4pk = "CASES#2026-10";
    expect(refusal(`${b64(JSON.stringify(altered))}.${mac}`)).toBeInstanceOf(InvalidCursorError);
    const longer = JSON.parse(unb64(payload));
    longer.exp += 365 * 24 * 3600;
    expect(refusal(`${b64(JSON.stringify(longer))}.${mac}`)).toBeInstanceOf(InvalidCursorError);
  });

  it("refuse an altered signature", () => {
    const raw = encodeCursor(position, mine);
    const last = raw.at(-1) === "A" ? "B" : "A";
    expect(refusal(`${raw.slice(0, -1)}${last}`)).toBeInstanceOf(InvalidCursorError);
    expect(refusal(`${raw}A`)).toBeInstanceOf(InvalidCursorError);
    expect(refusal(raw.slice(0, raw.indexOf(".") + 1))).toBeInstanceOf(InvalidCursorError);
  });

  it("refuse another caller, another query, another route, another case", () => {
    const raw = encodeCursor(position, mine);
    const others = [
      cursorBinding("ops-2", "GET /v1/cases", { status: "queued", team: "claims" }),
      cursorBinding("ops-1", "GET /v1/cases", { status: "queued", team: "billing" }),
      cursorBinding("ops-1", "GET /v1/cases", { status: "queued" }),
      cursorBinding("ops-1", "GET /v1/cases", {
        status: "queued",
        team: "claims",
        priority: "high",
      }),
      cursorBinding("ops-1", "GET /v1/follow-ups", { status: "queued", team: "claims" }),
      "",
    ];
    for (const binding of others) expect(refusal(raw, binding)).toBeInstanceOf(InvalidCursorError);
    const timeline = encodeCursor(
      { index: "timeline", key: { pk: "CASE#CS-1", sk: "TL#x" } },
      cursorBinding("ops-1", "GET /v1/cases/CS-1/timeline", {}),
    );
    expect(
      refusal(timeline, cursorBinding("ops-1", "GET /v1/cases/CS-2/timeline", {})),
    ).toBeInstanceOf(InvalidCursorError);
  });

  it("refuse a cursor signed with another key", () => {
    const raw = encodeCursor(position, mine);
    vi.stubEnv("CURSOR_KEY", "z".repeat(40));
    expect(refusal(raw)).toBeInstanceOf(InvalidCursorError);
  });

  it("expire 24 hours after they were issued", () => {
    vi.useFakeTimers({ now: new Date("2026-11-23T00:00:00Z"), toFake: ["Date"] });
    const raw = encodeCursor(position, mine);
    vi.setSystemTime(Date.parse("2026-11-23T00:00:00Z") + CURSOR_TTL_MS - 1000);
    expect(decodeCursor(raw, mine)).toEqual(position);
    vi.setSystemTime(Date.parse("2026-11-23T00:00:00Z") + CURSOR_TTL_MS);
    expect(refusal(raw)).toBeInstanceOf(InvalidCursorError);
  });

  it.each([
    ["empty", ""],
    ["garbage", "abc"],
    ["a dot", "."],
    ["dots", "a.b.c"],
    ["not base64url", "eyJ+.eyJ/"],
    ["whitespace", " \n\t"],
    ["unsigned JSON, as cursors used to be", b64('{"index":"gsi1","key":{"pk":"x"}}')],
    ["unsigned JSON with a fake signature", `${b64('{"index":"scan","key":{}}')}.${b64("x")}`],
    ["10 kB", "A".repeat(10_240)],
    ["10 kB with a dot", `${"A".repeat(5_120)}.${"A".repeat(5_120)}`],
    ["unicode", "游标.游标"],
  ])("refuse %s, with an InvalidCursorError and nothing else", (_name, raw) => {
    expect(refusal(raw)).toBeInstanceOf(InvalidCursorError);
  });

  it("refuse signed payloads that are not a position", () => {
    // Signed with the right key: only the shape check stands between them and DynamoDB.
    const signed = (json: string) => {
      const payload = b64(json);
      const mac = createHmac("sha256", KEY).update(`${payload}|${mine}`).digest("base64url");
      return `${payload}.${mac}`;
    };
    const exp = Math.floor(Date.now() / 1000) + 3600;
    expect(decodeCursor(signed(JSON.stringify({ ...position, exp })), mine)).toEqual(position);
    for (const json of [
      "not json",
      "null",
      JSON.stringify({ ...position }),
      JSON.stringify({ ...position, index: "scan", exp }),
      JSON.stringify({ ...position, key: { pk: 1 }, exp }),
      JSON.stringify({ ...position, extra: true, exp }),
    ])
      expect(refusal(signed(json)), json).toBeInstanceOf(InvalidCursorError);
  });

  it("need a key of at least 32 characters: a configuration fault, not a bad cursor", () => {
    const raw = encodeCursor(position, mine);
    vi.stubEnv("CURSOR_KEY", "short");
    expect(() => decodeCursor(raw, mine)).toThrow(/at least 32 characters/);
    expect(() => encodeCursor(position, mine)).toThrow(/at least 32 characters/);
  });

  it("need CURSOR_KEY in Lambda; elsewhere a key for the process stands in", () => {
    vi.stubEnv("CURSOR_KEY", "");
    const raw = encodeCursor(position, mine);
    expect(decodeCursor(raw, mine)).toEqual(position);
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "api");
    expect(() => decodeCursor(raw, mine)).toThrow(/Missing environment variable CURSOR_KEY/);
  });
});
