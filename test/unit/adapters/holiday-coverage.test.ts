// The sweeper's warning about holiday data (shared/adapters/holiday-coverage.ts): a metric with a
// region dimension on every call, a warning log line once per region and year per process.
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { reportHolidayCoverage } from "#shared/adapters/holiday-coverage.ts";
import { logger, metrics } from "#shared/adapters/powertools.ts";

function fakeSingleMetric() {
  const single = { addDimension: vi.fn(), addMetadata: vi.fn(), addMetric: vi.fn() };
  vi.spyOn(metrics, "singleMetric").mockImplementation(() => single as unknown as Metrics);
  return single;
}

afterEach(() => vi.restoreAllMocks());

describe("reportHolidayCoverage", () => {
  it("emits a metric per finding every call, and logs each region-year once", () => {
    const single = fakeSingleMetric();
    const warn = vi.spyOn(logger, "warn").mockImplementation(() => {});
    const now = new Date("2027-11-15T00:00:00Z");
    const specs = [undefined, { holidayRegion: "cn" }, { holidayRegion: null }];

    expect(reportHolidayCoverage(now, specs)).toEqual([
      { region: "cn", year: 2027, status: "provisional" },
      { region: "cn", year: 2028, status: "missing" },
    ]);
    reportHolidayCoverage(new Date("2027-11-15T00:01:00Z"), specs);

    expect(single.addDimension).toHaveBeenCalledWith("region", "cn");
    expect(single.addMetric.mock.calls).toEqual([
      ["HolidayCalendarProvisional", "Count", 1],
      ["HolidayCalendarMissing", "Count", 1],
      ["HolidayCalendarProvisional", "Count", 1],
      ["HolidayCalendarMissing", "Count", 1],
    ]);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toMatch(/cn 2027 holiday calendar is provisional/);
    expect(warn.mock.calls[1]?.[0]).toMatch(/No holiday calendar for cn 2028/);
    expect(warn.mock.calls[1]?.[1]).toMatchObject({ file: "shared/calendars/cn/2028.json" });
  });

  it("says nothing when the data is there, or no team uses public holidays", () => {
    const single = fakeSingleMetric();
    const warn = vi.spyOn(logger, "warn").mockImplementation(() => {});
    expect(reportHolidayCoverage(new Date("2026-06-01T00:00:00Z"), [undefined])).toEqual([]);
    expect(
      reportHolidayCoverage(new Date("2027-11-15T00:00:00Z"), [{ holidayRegion: null }]),
    ).toEqual([]);
    expect(single.addMetric).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });
});
