// The sweeper's paging: every due item handled once per run, pages until none is due, and no
// new page once the task's share of the run is spent (the clock is faked: no timing here).
import { afterEach, describe, expect, it, vi } from "vitest";
import { sweepPages } from "#functions/sweeper/sweep-pages.ts";

afterEach(() => vi.restoreAllMocks());

describe("sweepPages", () => {
  it("reads pages until none is due, and handles an item left in the index only once", async () => {
    const due = ["a", "b", "c", "d", "e"];
    const handled: string[] = [];
    // Two a page, earliest first; "b" stays in the index after its turn (it changed meanwhile).
    const fetchPage = async () =>
      due.filter((id) => id === "b" || !handled.includes(id)).slice(0, 2);
    const count = await sweepPages(
      fetchPage,
      (id) => id,
      async (id) => void handled.push(id),
      60_000,
    );
    expect(handled).toEqual(["a", "b", "c", "d", "e"]);
    expect(count).toBe(5);
  });

  it("starts no new page once its time is spent", async () => {
    let now = 0;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    let page = 0;
    const handled: number[] = [];
    const count = await sweepPages(
      async () => [++page * 10, page * 10 + 1],
      String,
      async (n) => {
        handled.push(n);
        now += 3_000; // each item takes 3 s of the budget
      },
      10_000,
    );
    // Pages of two items: 6 s after the first page, 12 s after the second: no third page.
    expect(handled).toEqual([10, 11, 20, 21]);
    expect(count).toBe(4);
  });
});
