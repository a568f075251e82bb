// How the API reads a write request: body checks in order (415, 413, 400 with field paths),
// If-Match (428 when missing) and Idempotency-Key.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { HttpError } from "#functions/api/http.ts";
import {
  idempotencyKeyOf,
  MAX_BODY_BYTES,
  parseBody,
  requiredIfMatch,
} from "#functions/api/request.ts";

const event = (headers: Record<string, string>, body?: string, isBase64Encoded = false) =>
  ({ headers, body, isBase64Encoded }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const schema = z.strictObject({ text: z.string().min(1) });
const json = { "content-type": "application/json; charset=utf-8" };

function statusOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof HttpError ? error.status : undefined;
  }
  return undefined;
}

describe("a JSON body", () => {
  it("is parsed and validated", () => {
    expect(parseBody(event(json, '{"text":"丢件了"}'), schema)).toEqual({ text: "丢件了" });
    expect(
      parseBody(event(json, Buffer.from('{"text":"破損"}').toString("base64"), true), schema),
    ).toEqual({ text: "破損" });
  });

  it("must be sent as JSON (415), fit the limit (413), parse (400) and match (400)", () => {
    expect(statusOf(() => parseBody(event({}, '{"text":"x"}'), schema))).toBe(415);
    expect(statusOf(() => parseBody(event({ "content-type": "text/plain" }, "{}"), schema))).toBe(
      415,
    );
    const large = JSON.stringify({ text: "慢".repeat(MAX_BODY_BYTES / 3 + 1) });
    expect(statusOf(() => parseBody(event(json, large), schema))).toBe(413);
    expect(statusOf(() => parseBody(event(json, "{nope"), schema))).toBe(400);
    expect(statusOf(() => parseBody(event(json, ""), schema))).toBe(400);
  });

  it("names each bad field", () => {
    try {
      parseBody(event(json, '{"text":"","extra":1}'), schema);
      expect.unreachable();
    } catch (error) {
      expect((error as HttpError).errors?.map((e) => e.path).sort()).toEqual(["(root)", "text"]);
    }
  });
});

describe("If-Match", () => {
  it("gives the version of a strong or weak ETag", () => {
    expect(requiredIfMatch(event({ "if-match": '"7"' }))).toBe(7);
    expect(requiredIfMatch(event({ "if-match": 'W/"12"' }))).toBe(12);
  });

  it("is required (428) and must be one of our ETags (400)", () => {
    expect(statusOf(() => requiredIfMatch(event({})))).toBe(428);
    expect(statusOf(() => requiredIfMatch(event({ "if-match": "*" })))).toBe(400);
    expect(statusOf(() => requiredIfMatch(event({ "if-match": '"v7"' })))).toBe(400);
  });
});

describe("Idempotency-Key", () => {
  it("is optional, and refused when it is not a plain token", () => {
    expect(idempotencyKeyOf(event({}))).toBeNull();
    expect(idempotencyKeyOf(event({ "idempotency-key": "retry-2026-12-01" }))).toBe(
      "retry-2026-12-01",
    );
    expect(statusOf(() => idempotencyKeyOf(event({ "idempotency-key": "short" })))).toBe(400);
    expect(statusOf(() => idempotencyKeyOf(event({ "idempotency-key": "x y z w v u" })))).toBe(400);
  });
});
