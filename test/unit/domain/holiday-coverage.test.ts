// Which holiday years are missing or provisional, soon enough to add them (holiday-coverage.ts).
import { describe, expect, it } from "vitest";
import { holidayCoverage } from "#shared/domain/holiday-coverage.ts";

describe("holidayCoverage", () => {
  it("is quiet in 2026 until 2027 comes within the lead time", () => {
    expect(holidayCoverage(new Date("2026-06-01T00:00:00Z"), ["cn"])).toEqual([]);
    expect(holidayCoverage(new Date("2026-11-01T00:00:00Z"), ["cn"])).toEqual([]); // 61 days
  });

  it("on 1 December 2026, with 60 days' lead: 2027 is provisional", () => {
    expect(holidayCoverage(new Date("2026-12-01T00:00:00Z"), ["cn"], 60)).toEqual([
      { region: "cn", year: 2027, status: "provisional" },
    ]);
  });

  it("on 15 November 2027: 2027 still provisional, 2028 missing", () => {
    expect(holidayCoverage(new Date("2027-11-15T00:00:00Z"), ["cn"])).toEqual([
      { region: "cn", year: 2027, status: "provisional" },
      { region: "cn", year: 2028, status: "missing" },
    ]);
  });

  it("follows the lead time and looks at each region once", () => {
    const now = new Date("2027-11-15T00:00:00Z");
    expect(holidayCoverage(now, ["cn", "cn"], 30)).toEqual([
      { region: "cn", year: 2027, status: "provisional" },
    ]);
    expect(holidayCoverage(now, [])).toEqual([]);
    expect(
      holidayCoverage(now, ["xx", "cn"], 0).map((f) => `${f.region} ${f.year} ${f.status}`),
    ).toEqual(["cn 2027 provisional", "xx 2027 missing"]);
  });

  it("refuses an invalid instant or lead time", () => {
    expect(() => holidayCoverage(new Date("nope"), ["cn"])).toThrow(/Invalid Date/);
    expect(() => holidayCoverage(new Date(), ["cn"], -1)).toThrow(/Lead days/);
  });
});
