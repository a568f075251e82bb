// The local bus answers PutEvents as EventBridge does and routes by the topology's rules: the
// whole request is validated before anything is delivered, and its deliveries go out in one call.
import { describe, expect, it } from "vitest";
import {
  type BusEventRecord,
  LocalBus,
  MAX_DETAIL_DEPTH,
  type PutEventsResponse,
  PutEventsValidationError,
} from "#infra/local/bus.ts";
import { rules } from "#infra/topology.ts";

const UNTRUSTED = { trusted: false };
const TRUSTED = { trusted: true };

function busWithRecorder(lose?: (event: BusEventRecord) => boolean) {
  const calls: { queue: string; body: string }[][] = [];
  const sent: { queue: string; body: string }[] = [];
  const told: string[] = [];
  const bus = new LocalBus({
    name: "courier-service",
    rules: rules("courier.orders"),
    deliver: (deliveries) => {
      calls.push([...deliveries]);
      sent.push(...deliveries);
    },
    now: () => new Date("2026-11-22T03:04:05.678Z"),
    region: "us-east-1",
    accountId: "000000000000",
    onEvent: (event) => void told.push(event.id),
    ...(lose ? { lose } : {}),
  });
  return { bus, calls, sent, told };
}

const entry = (overrides: Record<string, unknown> = {}) => ({
  EventBusName: "courier-service",
  Source: "courier.orders",
  DetailType: "Parcel Damaged",
  Detail: JSON.stringify({ eventId: "e-1" }),
  ...overrides,
});

const codes = (response: PutEventsResponse) =>
  response.Entries.map((e) => ("ErrorCode" in e ? e.ErrorCode : "ok"));

const nested = (levels: number) => "[".repeat(levels - 1) + "]".repeat(levels - 1);
const detailOfDepth = (levels: number) => `{"a":${nested(levels)}}`;

describe("PutEvents", () => {
  it("delivers a matching event to its rule's queue as a whole EventBridge event", () => {
    const { bus, sent, told } = busWithRecorder();
    const response = bus.putEvents({ Entries: [entry()] }, 100, UNTRUSTED);
    expect(response.FailedEntryCount).toBe(0);
    expect(sent.map((s) => s.queue)).toEqual(["intake"]);
    const id = (response.Entries[0] as { EventId: string }).EventId;
    expect(JSON.parse(sent[0]?.body ?? "")).toEqual({
      version: "0",
      id,
      "detail-type": "Parcel Damaged",
      source: "courier.orders",
      account: "000000000000",
      time: "2026-11-22T03:04:05Z",
      region: "us-east-1",
      resources: [],
      detail: { eventId: "e-1" },
    });
    expect(told).toEqual([id]);
  });

  it("delivers all of a request's events in one call, and makes no call when none matches", () => {
    const { bus, calls } = busWithRecorder();
    bus.putEvents(
      { Entries: [entry(), entry({ Source: "courier.care", DetailType: "Case Opened" })] },
      100,
      TRUSTED,
    );
    expect(calls.map((call) => call.map((d) => d.queue))).toEqual([["intake", "classification"]]);
    bus.putEvents({ Entries: [entry({ DetailType: "Something Else" })] }, 100, UNTRUSTED);
    bus.putEvents({ Entries: [entry({ Source: undefined })] }, 100, UNTRUSTED);
    expect(calls).toHaveLength(1);
  });

  it("takes Time as epoch seconds or ISO-8601, and Resources as strings", () => {
    const { bus, sent } = busWithRecorder();
    bus.putEvents(
      {
        Entries: [
          entry({ Time: Date.parse("2026-01-02T03:04:05.9Z") / 1000, Resources: ["arn:x"] }),
          entry({ Time: "2026-01-02T03:04:05+08:00", Resources: null }),
        ],
      },
      100,
      UNTRUSTED,
    );
    expect(sent.map((s) => JSON.parse(s.body)).map((e) => [e.time, e.resources])).toEqual([
      ["2026-01-02T03:04:05Z", ["arn:x"]],
      ["2026-01-01T19:04:05Z", []],
    ]);
  });

  it("answers each bad entry with its error and accepts the others", () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents(
      {
        Entries: [
          entry({ Source: undefined }),
          entry({ Detail: "[1,2]" }),
          entry(),
          entry({ DetailType: "" }),
        ],
      },
      100,
      UNTRUSTED,
    );
    expect(response.FailedEntryCount).toBe(3);
    expect(codes(response)).toEqual([
      "InvalidArgument",
      "MalformedDetail",
      "ok",
      "InvalidArgument",
    ]);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ["a missing Source", { Source: undefined }, "InvalidArgument", /Source/],
    ["an empty Source", { Source: "" }, "InvalidArgument", /Source/],
    ["a numeric Source", { Source: 7 }, "InvalidArgument", /Source/],
    ["a null DetailType", { DetailType: null }, "InvalidArgument", /DetailType/],
    ["an object DetailType", { DetailType: { a: 1 } }, "InvalidArgument", /DetailType/],
    ["a missing Detail", { Detail: undefined }, "InvalidArgument", /Detail/],
    ["a Detail object, not a string", { Detail: { eventId: "e" } }, "InvalidArgument", /Detail/],
    ["a Detail that is not JSON", { Detail: "{eventId:" }, "MalformedDetail", /malformed/],
    ["a Detail that is a JSON array", { Detail: "[]" }, "MalformedDetail", /object/],
    ["a Detail that is JSON null", { Detail: "null" }, "MalformedDetail", /object/],
    ["a Detail that is a JSON string", { Detail: '"x"' }, "MalformedDetail", /object/],
    ["Resources not a list", { Resources: "arn:x" }, "InvalidArgument", /Resources/],
    ["Resources not strings", { Resources: ["a", 1] }, "InvalidArgument", /Resources/],
    ["a Time that is no time", { Time: "yesterday" }, "InvalidArgument", /Time/],
    ["a Time of the wrong type", { Time: true }, "InvalidArgument", /Time/],
    ["a Time past the year 9999", { Time: 1e12 }, "InvalidArgument", /Time/],
    ["an EventBusName of the wrong type", { EventBusName: 5 }, "InvalidArgument", /EventBusName/],
    ["a bus that does not exist", { EventBusName: "nope" }, "ResourceNotFoundException", /nope/],
  ])("refuses %s in its entry only", (_, overrides, code, message) => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents({ Entries: [entry(overrides), entry()] }, 100, UNTRUSTED);
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries[0]).toEqual({ ErrorCode: code, ErrorMessage: expect.any(String) });
    expect((response.Entries[0] as { ErrorMessage: string }).ErrorMessage).toMatch(message);
    expect(response.Entries[1]).toEqual({ EventId: expect.any(String) });
    expect(sent).toHaveLength(1);
  });

  it(`takes a Detail nested ${MAX_DETAIL_DEPTH} levels deep and refuses one level more`, () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents(
      {
        Entries: [
          entry({ Detail: detailOfDepth(MAX_DETAIL_DEPTH) }),
          entry({ Detail: detailOfDepth(MAX_DETAIL_DEPTH + 1) }),
        ],
      },
      100,
      UNTRUSTED,
    );
    expect(codes(response)).toEqual(["ok", "MalformedDetail"]);
    expect((response.Entries[1] as { ErrorMessage: string }).ErrorMessage).toMatch(/deeper/);
    expect(sent).toHaveLength(1);
  });

  it("refuses a pathologically deep Detail without overflowing the stack", () => {
    const { bus, sent } = busWithRecorder();
    const deep = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const response = bus.putEvents(
      { Entries: [entry({ Detail: deep }), entry({ Detail: deepObject })] },
      100,
      UNTRUSTED,
    );
    expect(codes(response)).toEqual(["MalformedDetail", "MalformedDetail"]);
    expect(sent).toHaveLength(0);
  });

  it("lets only a trusted caller publish our own domain events' source", () => {
    const { bus, sent } = busWithRecorder();
    const caseOpened = entry({ Source: "courier.care", DetailType: "Case Opened" });
    const refused = bus.putEvents({ Entries: [caseOpened, entry()] }, 100, UNTRUSTED);
    expect(refused.Entries[0]).toEqual({
      ErrorCode: "NotAuthorizedForSourceException",
      ErrorMessage:
        "You do not have permissions to publish events with this source onto this event bus.",
    });
    expect(refused.FailedEntryCount).toBe(1);
    expect(sent.map((s) => s.queue)).toEqual(["intake"]);
    const onDefault = bus.putEvents(
      { Entries: [{ ...caseOpened, EventBusName: undefined }] },
      100,
      UNTRUSTED,
    );
    expect(codes(onDefault)).toEqual(["NotAuthorizedForSourceException"]);

    const accepted = bus.putEvents({ Entries: [caseOpened] }, 100, TRUSTED);
    expect(accepted.FailedEntryCount).toBe(0);
    expect(sent.map((s) => s.queue)).toEqual(["intake", "classification"]);
  });

  it("accepts an event for the default bus, where none of our rules is", () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents(
      { Entries: [entry({ EventBusName: undefined })] },
      100,
      UNTRUSTED,
    );
    expect(response.FailedEntryCount).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it("refuses a bus that does not exist, and takes a bus ARN", () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents(
      { Entries: [entry({ EventBusName: "nope" }), entry({ EventBusName: bus.arn })] },
      100,
      UNTRUSTED,
    );
    expect(response.Entries[0]).toMatchObject({ ErrorCode: "ResourceNotFoundException" });
    expect(sent).toHaveLength(1);
  });

  it("acknowledges an event the test hook loses, and delivers it nowhere", () => {
    const { bus, sent, told } = busWithRecorder((event) => event["detail-type"] === "Parcel Lost");
    const response = bus.putEvents(
      { Entries: [entry({ DetailType: "Parcel Lost" }), entry()] },
      100,
      UNTRUSTED,
    );
    expect(response).toEqual({
      FailedEntryCount: 0,
      Entries: [{ EventId: expect.any(String) }, { EventId: expect.any(String) }],
    });
    expect(sent.map((s) => JSON.parse(s.body)["detail-type"])).toEqual(["Parcel Damaged"]);
    expect(told).toEqual([(response.Entries[1] as { EventId: string }).EventId]);
  });
});

describe("a PutEvents request refused as a whole", () => {
  const refusal = (request: unknown, bytes = 100) => {
    const { bus, calls, told } = busWithRecorder();
    let error: unknown;
    try {
      bus.putEvents(request, bytes, TRUSTED);
    } catch (caught) {
      error = caught;
    }
    expect(calls).toHaveLength(0);
    expect(told).toHaveLength(0);
    expect(error).toBeInstanceOf(PutEventsValidationError);
    return error as PutEventsValidationError;
  };

  it.each([
    ["JSON null", null, "SerializationException"],
    ["a number", 42, "SerializationException"],
    ["a string", "Entries", "SerializationException"],
    ["an array", [entry()], "SerializationException"],
    ["no Entries", {}, "ValidationException"],
    ["null Entries", { Entries: null }, "ValidationException"],
    ["Entries that are not a list", { Entries: { 0: entry() } }, "SerializationException"],
    ["Entries that are a string", { Entries: "[]" }, "SerializationException"],
    ["no entries", { Entries: [] }, "ValidationException"],
    [
      "eleven entries",
      { Entries: Array.from({ length: 11 }, () => entry()) },
      "ValidationException",
    ],
    ["a null entry after a good one", { Entries: [entry(), null] }, "ValidationException"],
    ["an entry that is a list", { Entries: [entry(), [entry()]] }, "SerializationException"],
    ["an entry that is a string", { Entries: ["entry", entry()] }, "SerializationException"],
  ])("%s", (_, request, type) => {
    expect(refusal(request).type).toBe(type);
  });

  it("names the limits it enforces", () => {
    expect(refusal({ Entries: [null] }).message).toMatch(/entries\.1\.member.*must not be null/);
    expect(refusal({ Entries: Array.from({ length: 11 }, () => entry()) }).message).toMatch(
      /less than or equal to 10/,
    );
    const tooLarge = refusal({ Entries: [entry()] }, 256 * 1024 + 1);
    expect(tooLarge.message).toMatch(/over the limit/);
    expect(tooLarge.type).toBe("ValidationException");
  });

  it("takes a request of exactly 256 KB", () => {
    const { bus, sent } = busWithRecorder();
    expect(bus.putEvents({ Entries: [entry()] }, 256 * 1024, UNTRUSTED).FailedEntryCount).toBe(0);
    expect(sent).toHaveLength(1);
  });
});
