// Proactive customer notices: which problem an upstream event reports, the template and the
// deterministic id per case and problem, and the customer's quiet hours (21:00–08:00 local):
// at once in the daytime, else 08:00 of the next morning, in any time zone, across DST changes.
import { describe, expect, it } from "vitest";
import { customerNoticeRequested } from "#events/index.ts";
import { DEFAULT_CUSTOMER_TIME_ZONE } from "#shared/domain/case.ts";
import {
  NOTICE_PROBLEMS,
  noticeIdOf,
  problemOf,
  QUIET_HOURS,
  sendAtOf,
  templateKeyOf,
} from "#shared/domain/customer-notice.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => d.toISOString();

describe("problemOf", () => {
  it.each([
    ["Parcel Delayed", undefined, "parcel-delayed"],
    ["Parcel Damaged", undefined, "parcel-damaged"],
    ["Parcel Lost", undefined, "parcel-lost"],
    ["Delivery Attempt Failed", 2, "delivery-failed"],
    ["Delivery Attempt Failed", 5, "delivery-failed"],
  ] as const)("%s (attempt %s) → %s", (detailType, attempt, problem) => {
    expect(problemOf(detailType, attempt)).toBe(problem);
  });

  it.each([
    ["Delivery Attempt Failed", 1],
    ["Delivery Attempt Failed", undefined],
    ["Parcel Delivered", undefined],
    ["Something Else", undefined],
  ] as const)("%s (attempt %s) asks for no notice", (detailType, attempt) => {
    expect(problemOf(detailType, attempt)).toBeNull();
  });
});

describe("template keys and notice ids", () => {
  it("has one template per problem", () => {
    expect(NOTICE_PROBLEMS.map(templateKeyOf)).toEqual([
      "notice.parcel-delayed",
      "notice.parcel-damaged",
      "notice.parcel-lost",
      "notice.delivery-failed",
    ]);
  });

  it("gives one id per case and problem, whatever event asks", () => {
    const id = noticeIdOf("CS-7K2M9Q4R1T8B0000", "parcel-delayed");
    expect(id).toBe("NT-7K2M9Q4R1T8B0000-parcel-delayed");
    expect(noticeIdOf("CS-7K2M9Q4R1T8B0000", "delivery-failed")).not.toBe(id);
    expect(noticeIdOf("CS-7K2M9Q4R1T8B0001", "parcel-delayed")).not.toBe(id);
  });

  it("builds ids the event schema accepts", () => {
    const { example } = customerNoticeRequested;
    for (const problem of NOTICE_PROBLEMS) {
      const detail = {
        ...example,
        noticeId: noticeIdOf(example.caseId, problem),
        problem,
        templateKey: templateKeyOf(problem),
      };
      expect(customerNoticeRequested.schema.safeParse(detail).success).toBe(true);
    }
  });

  it("has no field for a phone, a name or free text in the event", () => {
    const fields = Object.keys(customerNoticeRequested.schema.shape);
    expect(fields).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/phone|name|text|message/i)]),
    );
  });
});

describe("sendAtOf: quiet hours 21:00–08:00 in the customer's time zone", () => {
  it("declares the quiet hours and the default time zone", () => {
    expect(QUIET_HOURS).toEqual({ from: "21:00", until: "08:00" });
    expect(DEFAULT_CUSTOMER_TIME_ZONE).toBe("Asia/Shanghai");
  });

  it("sends at once in the daytime in Shanghai", () => {
    const at = shanghai("2026-11-23T10:15:00");
    expect(iso(sendAtOf(at, "Asia/Shanghai"))).toBe(iso(at));
  });

  it("holds a notice at night in Shanghai until 08:00 of the next morning", () => {
    expect(iso(sendAtOf(shanghai("2026-11-23T23:30:00"), "Asia/Shanghai"))).toBe(
      iso(shanghai("2026-11-24T08:00:00")),
    );
    // After midnight: the same morning.
    expect(iso(sendAtOf(shanghai("2026-11-24T03:00:00"), "Asia/Shanghai"))).toBe(
      iso(shanghai("2026-11-24T08:00:00")),
    );
  });

  it("sends at 08:00 exactly, holds at 21:00 exactly (and a minute before 08:00)", () => {
    const eight = shanghai("2026-11-23T08:00:00");
    expect(iso(sendAtOf(eight, "Asia/Shanghai"))).toBe(iso(eight));
    expect(iso(sendAtOf(shanghai("2026-11-23T07:59:59"), "Asia/Shanghai"))).toBe(iso(eight));
    const beforeNine = shanghai("2026-11-23T20:59:59");
    expect(iso(sendAtOf(beforeNine, "Asia/Shanghai"))).toBe(iso(beforeNine));
    expect(iso(sendAtOf(shanghai("2026-11-23T21:00:00"), "Asia/Shanghai"))).toBe(
      iso(shanghai("2026-11-24T08:00:00")),
    );
  });

  it("keeps to the night of the customer's time zone, not Shanghai's", () => {
    // 10:00 in Shanghai is 03:00 in Berlin (CET, UTC+1): held until 08:00 Berlin = 07:00 UTC.
    expect(iso(sendAtOf(shanghai("2026-11-23T10:00:00"), "Europe/Berlin"))).toBe(
      "2026-11-23T07:00:00.000Z",
    );
    // 23:30 in Shanghai is 16:30 in Berlin: daytime there.
    const evening = shanghai("2026-11-23T23:30:00");
    expect(iso(sendAtOf(evening, "Europe/Berlin"))).toBe(iso(evening));
  });

  it("holds until 08:00 local across a daylight-saving change (Berlin)", () => {
    // Spring forward (29 March 2026, 02:00 → 03:00): 22:00 CET on Saturday → 08:00 CEST = 06:00Z.
    expect(iso(sendAtOf(new Date("2026-03-28T21:00:00Z"), "Europe/Berlin"))).toBe(
      "2026-03-29T06:00:00.000Z",
    );
    // Fall back (25 October 2026, 03:00 → 02:00): 23:00 CEST on Saturday → 08:00 CET = 07:00Z.
    expect(iso(sendAtOf(new Date("2026-10-24T21:00:00Z"), "Europe/Berlin"))).toBe(
      "2026-10-25T07:00:00.000Z",
    );
    // 21:00 is quiet on either side of the change, 07:59 too.
    expect(iso(sendAtOf(new Date("2026-03-29T19:00:00Z"), "Europe/Berlin"))).toBe(
      "2026-03-30T06:00:00.000Z",
    );
    expect(iso(sendAtOf(new Date("2026-10-25T06:59:00Z"), "Europe/Berlin"))).toBe(
      "2026-10-25T07:00:00.000Z",
    );
  });

  it("counts a missing or unknown time zone as Asia/Shanghai", () => {
    const night = shanghai("2026-11-23T22:00:00");
    const morning = iso(shanghai("2026-11-24T08:00:00"));
    expect(iso(sendAtOf(night))).toBe(morning);
    expect(iso(sendAtOf(night, null))).toBe(morning);
    expect(iso(sendAtOf(night, "Mars/Olympus_Mons"))).toBe(morning);
  });

  it("never sends earlier than asked nor in the quiet hours (every 7 minutes of two days)", () => {
    const hourIn = (d: Date, timeZone: string) =>
      Number(
        new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(d),
      );
    for (const timeZone of ["Asia/Shanghai", "Europe/Berlin", "America/New_York"]) {
      for (let t = Date.parse("2026-03-07T00:00:00Z"); t < Date.parse("2026-03-09T00:00:00Z");) {
        const at = new Date(t);
        const sendAt = sendAtOf(at, timeZone);
        expect(sendAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
        const hour = hourIn(sendAt, timeZone);
        expect(hour >= 8 && hour < 21).toBe(true);
        expect(sendAt.getTime() - at.getTime()).toBeLessThanOrEqual(12 * 3_600_000);
        t += 7 * 60_000;
      }
    }
  });
});
