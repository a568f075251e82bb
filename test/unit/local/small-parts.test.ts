// ISO-8601 durations for the local clock, and opaque pagination cursors.
import { describe, expect, it } from "vitest";
import { parseDuration } from "#infra/local/duration.ts";
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

  it.each(["P", "PT", "2H", "P1M", "P1Y", "PT-1H"])("refuses %s", (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
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
