// The same events in any order, any number of times, give the same cases: category, severity,
// priority, feedback type, team and trigger event per waybill and problem. The three deliveries
// use one local system with their own waybill and event ids (a tag), so they cannot see each
// other. CI runs a reduced scenario; `npm run test:order` the full one (300 events).
import { describe, expect, it } from "vitest";
import { useLocalSystem } from "./local-system.ts";
import { type ScenarioEvent, scenario, shuffle } from "./scenario.ts";

const EVENTS = Number(process.env.ORDER_SCENARIO_EVENTS ?? 60);
const SEED = Number(process.env.ORDER_SCENARIO_SEED ?? 20261123);

const local = useLocalSystem();

/** Delivers the events ten per PutEvents, then reads back every case, tag removed. */
async function deliver(tag: string, sequence: readonly ScenarioEvent[]) {
  for (let i = 0; i < sequence.length; i += 10) {
    const entries = await local.system.publish([...sequence.slice(i, i + 10)]);
    expect(entries.every((e) => e.EventId)).toBe(true);
  }
  await local.system.runtime.idle(300_000);
  const waybills = [...new Set(sequence.map((e) => e.detail.waybillNo as string))].sort();
  const cases: Record<string, unknown> = {};
  for (const waybillNo of waybills) {
    for (const c of await local.casesOf(waybillNo)) {
      const key = `${c.waybillNo.slice(tag.length)}/${c.category}`;
      expect(cases[key], `one case per waybill and problem: ${key}`).toBeUndefined();
      cases[key] = {
        category: c.category,
        severity: c.severity,
        priority: c.priority,
        feedbackType: c.feedbackType,
        team: c.team,
        trigger: c.trigger.eventId.slice(tag.length),
        // Resolved by its parcel's delivery, or not (assigned or queued depends on capacity).
        resolved: c.status === "resolved",
      };
    }
  }
  return cases;
}

describe(`${EVENTS} upstream events`, () => {
  it("give identical cases in order, shuffled, and three times shuffled", async () => {
    const inOrder = await deliver("OIA", scenario(EVENTS, SEED, "OIA"));
    expect(Object.keys(inOrder).length).toBeGreaterThan(EVENTS / 5);
    // The scenario exercises what the merge decides: both severities occur.
    const severities = new Set(
      Object.values(inOrder).map((c) => (c as { severity: string }).severity),
    );
    expect(severities).toEqual(new Set(["severe", "general"]));

    const shuffled = await deliver("OIB", shuffle(scenario(EVENTS, SEED, "OIB"), SEED + 1));
    expect(shuffled).toEqual(inOrder);
    const events = scenario(EVENTS, SEED, "OIC");
    const thrice = await deliver("OIC", shuffle([...events, ...events, ...events], SEED + 2));
    expect(thrice).toEqual(inOrder);
  }, 600_000);
});
