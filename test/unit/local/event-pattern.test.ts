// The local bus's pattern matcher agrees with EventBridge. Every case in
// ../shared/conformance/eventbridge-patterns was answered by EventBridge's TestEventPattern
// (see its README.md): no suffix = match, _NEG = no match, _EXC = EventBridge rejects the pattern.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import {
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from "#infra/local/event-pattern.ts";
import { rules } from "#infra/topology.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const CASES_DIR = path.resolve(REPO_ROOT, "../shared/conformance/eventbridge-patterns");

/** The one case split over two plain JSON files; its pattern repeats a key, and the last one counts. */
const PAIR = {
  event: "complex_multi_key_event.json",
  pattern: "complex_multi_key_event_pattern.json",
};

type Answer = "match" | "no match" | "invalid";

interface Case {
  readonly name: string;
  readonly event: unknown;
  readonly pattern: unknown;
  readonly expected: Answer;
}

/** Cases where this matcher deliberately answers differently from EventBridge, and why. None. */
const knownDifferences: Readonly<Record<string, { answer: Answer; reason: string }>> = {};

function expectedFrom(name: string): Answer {
  if (name.endsWith("_EXC")) return "invalid";
  if (name.endsWith("_NEG")) return "no match";
  return "match";
}

function readCase(file: string): Case {
  const name = file.replace(/\.json5$/, "");
  const { Event, EventPattern } = JSON5.parse(readFileSync(path.join(CASES_DIR, file), "utf8"));
  return { name, event: Event, pattern: EventPattern, expected: expectedFrom(name) };
}

function readPair(): Case {
  const read = (file: string): unknown =>
    JSON5.parse(readFileSync(path.join(CASES_DIR, file), "utf8"));
  return {
    name: "complex_multi_key_event",
    event: read(PAIR.event),
    pattern: read(PAIR.pattern),
    expected: "match",
  };
}

function loadCases(): { cases: Case[]; files: string[] } {
  let files: string[];
  try {
    files = readdirSync(CASES_DIR);
  } catch {
    throw new Error(
      `EventBridge conformance cases not found in ${CASES_DIR}: put shared/ beside the repository`,
    );
  }
  const cases = files.filter((file) => file.endsWith(".json5")).map(readCase);
  return { cases: [...cases, readPair()], files };
}

function answer(pattern: unknown, event: unknown): Answer {
  try {
    validateEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return "invalid";
    throw error;
  }
  return matchesEventPattern(pattern, event) ? "match" : "no match";
}

const { cases, files } = loadCases();

describe("EventBridge conformance", () => {
  it("reads every case: 155 .json5 files and the .json pair", () => {
    expect(cases).toHaveLength(156);
    expect(files.filter((file) => file.endsWith(".json")).sort()).toEqual(
      [PAIR.event, PAIR.pattern].sort(),
    );
  });

  it("lists known differences only for cases that exist", () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(knownDifferences).filter((name) => !names.has(name))).toEqual([]);
  });

  it.each(cases)("$name: $expected", ({ name, event, pattern, expected }) => {
    expect(answer(pattern, event)).toBe(knownDifferences[name]?.answer ?? expected);
  });
});

const event = (source: string, detailType: string, detail: object = {}) => ({
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": detailType,
  source,
  account: "000000000000",
  time: "2026-11-22T03:00:00Z",
  region: "eu-west-1",
  resources: [],
  detail,
});

describe("the patterns this project uses", () => {
  const parcelProblems = {
    source: ["courier.orders"],
    "detail-type": ["Parcel Damaged", "Parcel Lost"],
  };

  it("matches one source and any of the listed detail types", () => {
    expect(matchesEventPattern(parcelProblems, event("courier.orders", "Parcel Damaged"))).toBe(
      true,
    );
    expect(matchesEventPattern(parcelProblems, event("courier.orders", "Parcel Lost"))).toBe(true);
  });

  it("needs both fields: another source or detail type does not match, nor another casing", () => {
    expect(matchesEventPattern(parcelProblems, event("courier.care", "Parcel Lost"))).toBe(false);
    expect(matchesEventPattern(parcelProblems, event("courier.orders", "Parcel Delivered"))).toBe(
      false,
    );
    expect(matchesEventPattern(parcelProblems, event("courier.orders", "parcel lost"))).toBe(false);
  });

  it("accepts every rule in the topology, and routes upstream events to intake", () => {
    const all = rules("courier.orders");
    for (const rule of all) expect(() => validateEventPattern(rule.pattern)).not.toThrow();
    const intake = all.find((rule) => rule.targetQueue === "intake");
    expect(matchesEventPattern(intake?.pattern, event("courier.orders", "Parcel Delayed"))).toBe(
      true,
    );
    expect(matchesEventPattern(intake?.pattern, event("someone.else", "Parcel Delayed"))).toBe(
      false,
    );
  });

  it("explains why a pattern is invalid", () => {
    expect(() => validateEventPattern({ source: "courier.orders" })).toThrow(
      /"source" must be an object or an array/,
    );
    expect(() => validateEventPattern({ source: [] })).toThrow(/empty arrays are not allowed/);
  });
});

// EventBridge behaviour the conformance cases do not pin down, taken from the EventBridge docs
// and from aws/event-ruler, the library it matches with.
describe("beyond the conformance cases", () => {
  it("matches fields of objects in an array only within one element", () => {
    const parcels = event("courier.orders", "Parcels Scanned", {
      parcels: [
        { id: "p-1", state: "damaged" },
        { id: "p-2", state: "delivered" },
      ],
    });
    const pattern = (id: string) => ({ detail: { parcels: { id: [id], state: ["damaged"] } } });
    expect(matchesEventPattern(pattern("p-1"), parcels)).toBe(true);
    expect(matchesEventPattern(pattern("p-2"), parcels)).toBe(false);
  });

  it("compares numbers as numbers, and wants a range's lower bound first", () => {
    const weighed = event("courier.orders", "Parcel Weighed", { kg: 3.0 });
    expect(matchesEventPattern({ detail: { kg: [3] } }, weighed)).toBe(true);
    expect(matchesEventPattern({ detail: { kg: [{ numeric: [">", 0, "<=", 3] }] } }, weighed)).toBe(
      true,
    );
    expect(matchesEventPattern({ detail: { kg: [{ numeric: ["=", 3.5] }] } }, weighed)).toBe(false);
    expect(() => validateEventPattern({ detail: { kg: [{ numeric: ["<", 5, ">", 0] }] } })).toThrow(
      InvalidEventPatternError,
    );
    expect(() => validateEventPattern({ detail: { kg: [{ numeric: [">", 5, "<", 5] }] } })).toThrow(
      /lower bound must be below/,
    );
  });

  it("folds case for equals-ignore-case, prefix and suffix", () => {
    const scanned = event("courier.orders", "Parcel Scanned", { depot: "Hub-North" });
    expect(
      matchesEventPattern({ detail: { depot: [{ "equals-ignore-case": "HUB-NORTH" }] } }, scanned),
    ).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { depot: [{ prefix: { "equals-ignore-case": "hub-" } }] } },
        scanned,
      ),
    ).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { depot: [{ suffix: { "equals-ignore-case": "NORTH" } }] } },
        scanned,
      ),
    ).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { depot: [{ suffix: { "equals-ignore-case": "south" } }] } },
        scanned,
      ),
    ).toBe(false);
  });

  it("reads wildcards as event-ruler does: escapes, and a limit on complexity", () => {
    const filed = event("courier.orders", "Label Printed", { file: "labels/2026/*.pdf" });
    expect(
      matchesEventPattern({ detail: { file: [{ wildcard: "labels/*/\\*.pdf" }] } }, filed),
    ).toBe(true);
    expect(() => validateEventPattern({ detail: { file: [{ wildcard: "labels\\d" }] } })).toThrow(
      /invalid escape/,
    );
    // Six stars separated by one character: up to 7 prefixes match one input at once (allowed);
    // "*:*:*:*:*:event-bus/*" reaches 11 (rejected, see content_wildcard_complex_EXC).
    expect(() =>
      validateEventPattern({ detail: { file: [{ wildcard: "a*b*c*d*e*f*" }] } }),
    ).not.toThrow();
    expect(() => validateEventPattern({ detail: { file: [{ wildcard: "*a*a*a*a*a*" }] } })).toThrow(
      /too complex/,
    );
  });

  it("matches addresses, not spellings, for IP literals and CIDR blocks", () => {
    const from = (ip: string) => event("courier.orders", "Scan Uploaded", { ip });
    expect(
      matchesEventPattern({ detail: { ip: ["2001:db8::1"] } }, from("2001:0DB8:0:0:0:0:0:1")),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { ip: [{ cidr: "10.0.0.0/24" }] } }, from("10.0.0.17")),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { ip: [{ cidr: "10.0.0.0/24" }] } }, from("10.0.1.17")),
    ).toBe(false);
    expect(() => validateEventPattern({ detail: { ip: [{ cidr: "10.0.0.0/33" }] } })).toThrow(
      /not a CIDR block/,
    );
  });

  it("rejects operator names as field names inside $or", () => {
    expect(() =>
      validateEventPattern({ $or: [{ prefix: ["courier."] }, { source: ["courier.orders"] }] }),
    ).toThrow(/reserved word/);
  });

  it("treats a.b and {a: {b}} as one path, and the last one written wins", () => {
    const pattern = { detail: { depot: ["Hub-South"] }, "detail.depot": ["Hub-North"] };
    const scanned = event("courier.orders", "Parcel Scanned", { depot: "Hub-North" });
    expect(matchesEventPattern(pattern, scanned)).toBe(true);
  });
});
