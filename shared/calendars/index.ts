// Public holiday data, one JSON file per region and year (cn/2026.json …), bundled into the code:
// each file is imported statically (esbuild inlines it) and checked against the schema below when
// this module loads, so a malformed file fails every test and every cold start, loudly.
// ADDING A YEAR: put the file next to the others and add one line to FILES below; a unit test
// fails when a file in this folder is not listed, or when its region or year disagrees with its path.
import * as z from "zod";
import cn2026 from "./cn/2026.json" with { type: "json" };
import cn2027 from "./cn/2027.json" with { type: "json" };

/** Every holiday file, by its path under shared/calendars/. */
const FILES: Readonly<Record<string, unknown>> = {
  "cn/2026.json": cn2026,
  "cn/2027.json": cn2027,
};

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a real date");

const namedDate = z.strictObject({ date: isoDate, name: z.string().min(1) });

export const holidayFileSchema = z
  .strictObject({
    /** Lower-case region code, e.g. "cn" (mainland China). */
    region: z.string().regex(/^[a-z]{2}(-[a-z0-9]+)?$/, "must be a lower-case code like cn"),
    year: z.int().min(2000).max(2100),
    /** "official": as the government published it; "provisional": statutory days only. */
    status: z.enum(["official", "provisional"]),
    source: z.string().min(1),
    note: z.string().optional(),
    /** Dates not worked. */
    holidays: z.array(namedDate),
    /** Make-up working days (调休), Saturdays included: they matter to Monday–Friday teams. */
    workingDays: z.array(namedDate),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    for (const { date } of [...file.holidays, ...file.workingDays]) {
      if (!date.startsWith(`${file.year}-`))
        ctx.addIssue({ code: "custom", message: `${date} is not in ${file.year}` });
      if (seen.has(date))
        ctx.addIssue({ code: "custom", message: `${date} is listed twice (or as both kinds)` });
      seen.add(date);
    }
  });

export type HolidayFile = z.infer<typeof holidayFileSchema>;

/** The registered files, validated, by path: what the registry test compares with the folder. */
export const HOLIDAY_FILES: ReadonlyMap<string, HolidayFile> = new Map(
  Object.entries(FILES).map(([path, data]) => [path, parseFile(path, data)]),
);

function parseFile(path: string, data: unknown): HolidayFile {
  const result = holidayFileSchema.safeParse(data);
  if (!result.success)
    throw new Error(
      `Invalid holiday file shared/calendars/${path}: ${z.prettifyError(result.error)}`,
    );
  return result.data;
}

const byRegion = new Map<string, Map<number, HolidayFile>>();
for (const file of HOLIDAY_FILES.values()) {
  const years = byRegion.get(file.region) ?? new Map<number, HolidayFile>();
  if (years.has(file.year))
    throw new Error(`Two holiday files for ${file.region} ${file.year} are registered`);
  byRegion.set(file.region, years.set(file.year, file));
}

/** The file for a region and year, or undefined when there is none. */
export function holidayYear(region: string, year: number): HolidayFile | undefined {
  return byRegion.get(region)?.get(year);
}

/** The years that have a file for a region, ascending ([] for an unknown region). */
export function holidayYears(region: string): readonly number[] {
  return [...(byRegion.get(region)?.keys() ?? [])].sort((a, b) => a - b);
}

/** The regions with at least one file, e.g. ["cn"]. */
export function holidayRegions(): readonly string[] {
  return [...byRegion.keys()].sort();
}

/** All holidays and make-up working days of a region, every year, as plain date lists. */
export function regionDates(region: string): {
  readonly holidays: readonly string[];
  readonly workingDays: readonly string[];
} {
  const files = holidayYears(region).map((year) => holidayYear(region, year) as HolidayFile);
  return {
    holidays: files.flatMap((f) => f.holidays.map((h) => h.date)),
    workingDays: files.flatMap((f) => f.workingDays.map((w) => w.date)),
  };
}
