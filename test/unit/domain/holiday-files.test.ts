// The holiday data files (shared/calendars/<region>/<year>.json) and their registry: every file
// is registered, says the region and year of its path, and holds what its status promises.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  HOLIDAY_FILES,
  holidayFileSchema,
  holidayRegions,
  holidayYear,
  holidayYears,
} from "#shared/calendars/index.ts";

const folder = fileURLToPath(new URL("../../../shared/calendars/", import.meta.url));
const jsonFiles = (readdirSync(folder, { recursive: true }) as string[])
  .map((path) => path.split("\\").join("/"))
  .filter((path) => path.endsWith(".json"))
  .sort();
const onDisk = (path: string): unknown => JSON.parse(readFileSync(`${folder}${path}`, "utf8"));

describe("the holiday registry", () => {
  it("lists every JSON file in shared/calendars/, and no other", () => {
    expect(jsonFiles.length).toBeGreaterThan(0);
    expect([...HOLIDAY_FILES.keys()].sort()).toEqual(jsonFiles);
  });

  it.each(jsonFiles)("has %s as it is on disk, with the region and year of its path", (path) => {
    const data = onDisk(path);
    expect(holidayFileSchema.parse(data)).toEqual(HOLIDAY_FILES.get(path));
    const { region, year } = holidayFileSchema.parse(data);
    expect(path).toBe(`${region}/${year}.json`);
  });

  it("finds files by region and year", () => {
    expect(holidayRegions()).toContain("cn");
    expect(holidayYears("cn")).toEqual(expect.arrayContaining([2026, 2027]));
    expect(holidayYear("cn", 2026)?.status).toBe("official");
    expect(holidayYear("cn", 2027)?.status).toBe("provisional");
    expect(holidayYear("cn", 1999)).toBeUndefined();
    expect(holidayYears("xx")).toEqual([]);
  });
});

describe("mainland China 2026 (国务院办公厅, 4 November 2025)", () => {
  const file = holidayYear("cn", 2026)!;
  const dates = (list: readonly { date: string }[]) => list.map((d) => d.date);
  const range = (from: string, days: number) =>
    Array.from({ length: days }, (_, i) =>
      new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
    );

  it("has the seven holidays as announced", () => {
    expect(dates(file.holidays)).toEqual([
      ...range("2026-01-01", 3), // 元旦
      ...range("2026-02-15", 9), // 春节
      ...range("2026-04-04", 3), // 清明
      ...range("2026-05-01", 5), // 劳动节
      ...range("2026-06-19", 3), // 端午
      ...range("2026-09-25", 3), // 中秋
      ...range("2026-10-01", 7), // 国庆
    ]);
  });

  it("has the six make-up working days, Saturdays included", () => {
    expect(dates(file.workingDays)).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
    const weekdays = file.workingDays.map((d) => new Date(`${d.date}T00:00:00Z`).getUTCDay());
    expect(weekdays).toEqual([0, 6, 6, 6, 0, 6]); // Sunday, Saturdays, Sunday, Saturday
  });
});

describe("mainland China 2027 (provisional)", () => {
  const file = holidayYear("cn", 2027)!;

  it("has the statutory days only, no make-up days, and says it must be replaced", () => {
    expect(file.holidays.map((d) => d.date)).toEqual([
      "2027-01-01",
      "2027-02-05",
      "2027-02-06",
      "2027-02-07",
      "2027-02-08",
      "2027-04-05",
      "2027-05-01",
      "2027-05-02",
      "2027-06-09",
      "2027-09-15",
      "2027-10-01",
      "2027-10-02",
      "2027-10-03",
    ]);
    expect(file.workingDays).toEqual([]);
    expect(file.note).toMatch(/replace/i);
  });
});

describe("the holiday file schema", () => {
  const valid = {
    region: "cn",
    year: 2030,
    status: "official",
    source: "x",
    holidays: [],
    workingDays: [],
  };

  it("refuses unknown fields, dates of another year and dates listed twice", () => {
    expect(holidayFileSchema.safeParse(valid).success).toBe(true);
    expect(holidayFileSchema.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    const wrongYear = { ...valid, holidays: [{ date: "2031-01-01", name: "元旦" }] };
    expect(holidayFileSchema.safeParse(wrongYear).error?.issues[0]?.message).toBe(
      "2031-01-01 is not in 2030",
    );
    const twice = {
      ...valid,
      holidays: [{ date: "2030-01-01", name: "元旦" }],
      workingDays: [{ date: "2030-01-01", name: "调休" }],
    };
    expect(holidayFileSchema.safeParse(twice).error?.issues[0]?.message).toMatch(/listed twice/);
    expect(holidayFileSchema.safeParse({ ...valid, status: "draft" }).success).toBe(false);
  });
});
