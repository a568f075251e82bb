// How each of the sweeper's tasks reads its due items: a page at a time, the earliest first,
// until nothing is due or its share of the run's time is spent (what is left waits for the next
// minute). An item still there after its turn (it changed meanwhile) waits for the next tick.
//
// The shares add up to well under the sweeper's 60 s timeout, allowing for the one page each
// task finishes after its time is up: the SLA watch 24 s, held notices 6 s, follow-up calls
// 10 s; the stalled-case re-drive and the late follow-up announcements read one page each.
export const SWEEP_BUDGET_MS = {
  slaWatch: 24_000,
  notices: 6_000,
  followUps: 10_000,
} as const;

export async function sweepPages<T>(
  fetchPage: () => Promise<readonly T[]>,
  keyOf: (item: T) => string,
  handle: (item: T) => Promise<void>,
  budgetMs: number,
): Promise<number> {
  const started = Date.now();
  const seen = new Set<string>();
  for (;;) {
    const page = (await fetchPage()).filter((item) => !seen.has(keyOf(item)));
    for (const item of page) {
      seen.add(keyOf(item));
      await handle(item);
    }
    if (page.length === 0 || Date.now() - started > budgetMs) return seen.size;
  }
}
