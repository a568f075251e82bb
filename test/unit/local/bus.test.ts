// The local bus answers PutEvents as EventBridge does and routes by the topology's rules.
import { describe, expect, it } from "vitest";
import { LocalBus, PutEventsValidationError } from "#infra/local/bus.ts";
import { rules } from "#infra/topology.ts";

function busWithRecorder() {
  const sent: { queue: string; body: string }[] = [];
  const bus = new LocalBus({
    name: "courier-service",
    rules: rules("courier.orders"),
    targets: (queue) => ({ send: (body) => void sent.push({ queue, body }) }),
    now: () => new Date("2026-11-22T03:04:05.678Z"),
    region: "us-east-1",
    accountId: "000000000000",
  });
  return { bus, sent };
}

const entry = (overrides: Record<string, unknown> = {}) => ({
  EventBusName: "courier-service",
  Source: "courier.orders",
  DetailType: "Parcel Damaged",
  Detail: JSON.stringify({ eventId: "e-1" }),
  ...overrides,
});

describe("PutEvents", () => {
  it("delivers a matching event to its rule's queue as a whole EventBridge event", () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents({ Entries: [entry()] }, 100);
    expect(response.FailedEntryCount).toBe(0);
    expect(sent.map((s) => s.queue)).toEqual(["intake"]);
    expect(JSON.parse(sent[0]?.body ?? "")).toEqual({
      version: "0",
      id: (response.Entries[0] as { EventId: string }).EventId,
      "detail-type": "Parcel Damaged",
      source: "courier.orders",
      account: "000000000000",
      time: "2026-11-22T03:04:05Z",
      region: "us-east-1",
      resources: [],
      detail: { eventId: "e-1" },
    });
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
    );
    expect(response.FailedEntryCount).toBe(3);
    expect(response.Entries.map((e) => ("ErrorCode" in e ? e.ErrorCode : "ok"))).toEqual([
      "InvalidArgument",
      "MalformedDetail",
      "ok",
      "InvalidArgument",
    ]);
    expect(sent).toHaveLength(1);
  });

  it("refuses a request of no entries or more than ten", () => {
    const { bus } = busWithRecorder();
    expect(() => bus.putEvents({ Entries: [] }, 10)).toThrow(PutEventsValidationError);
    expect(() => bus.putEvents({ Entries: Array.from({ length: 11 }, () => entry()) }, 10)).toThrow(
      /less than or equal to 10/,
    );
    expect(() => bus.putEvents({ Entries: [entry()] }, 300 * 1024)).toThrow(/over the limit/);
  });

  it("accepts an event for the default bus, where none of our rules is", () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents({ Entries: [entry({ EventBusName: undefined })] }, 100);
    expect(response.FailedEntryCount).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it("refuses a bus that does not exist, and takes a bus ARN", () => {
    const { bus, sent } = busWithRecorder();
    const response = bus.putEvents(
      { Entries: [entry({ EventBusName: "nope" }), entry({ EventBusName: bus.arn })] },
      100,
    );
    expect(response.Entries[0]).toMatchObject({ ErrorCode: "ResourceNotFoundException" });
    expect(sent).toHaveLength(1);
  });
});
