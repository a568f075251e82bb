// The sweeper's decisions: which step a stalled case misses, and when to look again.
import { describe, expect, it } from "vitest";
import {
  firstCheckAt,
  MAX_REDRIVE_INTERVAL_MINUTES,
  missingStep,
  nextCheckAfterRedrive,
  nextRedrive,
  STALLED_AFTER_MINUTES,
} from "#shared/domain/case-pipeline.ts";

describe("case pipeline", () => {
  it("names the missing step of a case still new, and none once it moved on", () => {
    expect(missingStep({ status: "new", classifiedAt: null })).toBe("classify");
    expect(missingStep({ status: "new", classifiedAt: "2026-11-23T02:00:00Z" })).toBe("route");
    expect(missingStep({ status: "assigned", classifiedAt: "2026-11-23T02:00:00Z" })).toBeNull();
    expect(missingStep({ status: "queued", classifiedAt: "2026-11-23T02:00:00Z" })).toBeNull();
  });

  it("first looks at a new case a few minutes after it opened", () => {
    expect(firstCheckAt("2026-11-23T02:00:00.000Z")).toBe(
      new Date(Date.parse("2026-11-23T02:00:00Z") + STALLED_AFTER_MINUTES * 60_000).toISOString(),
    );
  });

  it("backs off after each re-drive, doubling up to a cap", () => {
    const now = new Date("2026-11-23T02:00:00Z");
    const minutes = [1, 2, 3, 4, 5, 6, 10].map(
      (n) => (Date.parse(nextCheckAfterRedrive(n, now)) - now.getTime()) / 60_000,
    );
    expect(minutes).toEqual([5, 10, 20, 40, 60, 60, 60]);
    expect(Math.max(...minutes)).toBe(MAX_REDRIVE_INTERVAL_MINUTES);
  });

  it("re-drives a stalled case when its check is due, and counts the attempts", () => {
    const now = new Date("2026-11-23T02:00:00Z");
    const stalled = { status: "new" as const, classifiedAt: null };
    expect(nextRedrive(stalled, now)).toEqual({
      count: 1,
      nextCheckAt: nextCheckAfterRedrive(1, now),
    });
    const waiting = { ...stalled, redrive: { count: 1, nextCheckAt: "2026-11-23T02:05:00.000Z" } };
    expect(nextRedrive(waiting, now)).toBeNull();
    expect(nextRedrive(waiting, new Date("2026-11-23T02:05:00Z"))?.count).toBe(2);
    expect(nextRedrive({ status: "assigned", classifiedAt: "x", redrive: null }, now)).toBeNull();
  });
});
