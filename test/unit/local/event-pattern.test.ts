// The local bus's pattern matcher agrees with EventBridge: every case in
// ../shared/conformance/eventbridge-patterns was answered by EventBridge's TestEventPattern.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import {
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from "#infra/local/event-pattern.ts";
import { rules } from "#infra/topology.ts";

const CASES_DIR = resolve(
  import.meta.dirname,
  "../../../../shared/conformance/eventbridge-patterns",
);

type Expected = "match" | "no match" | "invalid";
interface Case {
  name: string;
  event: unknown;
  pattern: unknown;
  expected: Expected;
}

function loadCases(): Case[] {
  if (!existsSync(CASES_DIR)) {
    throw new Error(
      `EventBridge conformance cases not found in ${CASES_DIR}: put shared/ beside the repository or set EVENTBRIDGE_CONFORMANCE_DIR`,
    );
  }
  const files = readdirSync(CASES_DIR);
  const cases: Case[] = files
    .filter((file) => file.endsWith(".json5"))
    .map((file) => {
      const { Event, EventPattern } = JSON5.parse(readFileSync(join(CASES_DIR, file), "utf8"));
      const name = file.replace(/\.json5$/, "");
      const expected: Expected = name.endsWith("_EXC")
        ? "invalid"
        : name.endsWith("_NEG")
          ? "no match"
          : "match";
      return { name, event: Event, pattern: EventPattern, expected };
    });
  // One case comes as a pair of .json files (its pattern repeats a key: the last one counts).
  cases.push({
    name: "complex_multi_key_event",
    event: JSON.parse(readFileSync(join(CASES_DIR, "complex_multi_key_event.json"), "utf8")),
    pattern: JSON.parse(
      readFileSync(join(CASES_DIR, "complex_multi_key_event_pattern.json"), "utf8"),
    ),
    expected: "match",
  });
  return cases;
}

/** Where this matcher deliberately answers differently from EventBridge, and why. None today. */
const knownDifferences: Record<string, { answer: Expected; reason: string }> = {};

function answer(pattern: unknown, event: unknown): Expected {
  try {
    validateEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return "invalid";
    throw error;
  }
  return matchesEventPattern(pattern, event) ? "match" : "no match";
}

const cases = loadCases();

describe("EventBridge conformance", () => {
  it("finds all the cases", () => {
    expect(cases.length).toBe(156);
  });

  it.each(cases)("$name: $expected", ({ name, event, pattern, expected }) => {
    const difference = knownDifferences[name];
    expect(answer(pattern, event)).toBe(difference ? difference.answer : expected);
  });
});

describe("the patterns this project uses", () => {
  const upstream = rules("courier.orders").find((rule) => rule.targetQueue === "intake");
  const event = (source: string, detailType: string) => ({
    version: "0",
    id: "1",
    source,
    "detail-type": detailType,
    account: "000000000000",
    time: "2026-11-22T03:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { eventId: "e-1" },
  });

  it("routes upstream delivery events to intake", () => {
    expect(matchesEventPattern(upstream?.pattern, event("courier.orders", "Parcel Damaged"))).toBe(
      true,
    );
    expect(
      matchesEventPattern(upstream?.pattern, event("courier.orders", "Parcel Delivered")),
    ).toBe(true);
  });

  it("ignores other sources and unknown detail types", () => {
    expect(matchesEventPattern(upstream?.pattern, event("someone.else", "Parcel Damaged"))).toBe(
      false,
    );
    expect(
      matchesEventPattern(upstream?.pattern, event("courier.orders", "Parcel Teleported")),
    ).toBe(false);
    expect(matchesEventPattern(upstream?.pattern, event("courier.orders", "parcel damaged"))).toBe(
      false,
    );
  });

  it("explains why a pattern is invalid", () => {
    expect(() => validateEventPattern({ source: "courier.orders" })).toThrow(
      /"source" must be an array/,
    );
    expect(() => validateEventPattern({ detail: { n: [{ numeric: [">", 5, ">", 1] }] } })).toThrow(
      /two lower bounds/,
    );
  });
});
