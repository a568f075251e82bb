// A KPI fact counts once even when the run counting it dies at any of its writes: the retry
// (after the dead run's lease) finishes the job and every aggregate holds the fact once. Every
// write of countFact is made to fail in turn, against the embedded store of the local runtime.
import "./quiet.ts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLocalSystem } from "./local-system.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { countFact, countFacts, flushMarks, totalsByKey } from "#shared/adapters/kpi-store.ts";
import type { KpiFact } from "#shared/domain/kpi-facts.ts";

useLocalSystem();
afterEach(() => vi.restoreAllMocks());

const DAY = "2031-03-04"; // a day no other test counts in
const fact = (n: number): KpiFact => ({
  id: `test-fact#${n}`,
  day: DAY,
  dims: { team: "claims", outlet: `O-${n}` },
  counts: { opened: 1, complaints: 1 },
  samples: { firstResponseMinutes: 12 },
});

/** Runs countFact with its `failAt`-th write (1-based) failing as if the process died there. */
async function dieAt(f: KpiFact, failAt: number, now: Date): Promise<boolean> {
  const client = dynamoDocumentClient();
  const send = client.send.bind(client);
  let writes = 0;
  const spy = vi.spyOn(client, "send").mockImplementation(((command: {
    constructor: { name: string };
  }) => {
    const write = !/^(Get|Query)Command$/.test(command.constructor.name);
    if (write && ++writes === failAt) return Promise.reject(new Error("the process died here"));
    return send(command as never);
  }) as never);
  try {
    await countFact(f, now);
    return false; // it did not reach that write
  } catch {
    return true;
  } finally {
    spy.mockRestore();
  }
}

/** The UpdateExpression of every UpdateItem from here on (the spy goes after each test). */
function recordUpdates(): string[] {
  const client = dynamoDocumentClient();
  const send = client.send.bind(client);
  const updates: string[] = [];
  vi.spyOn(client, "send").mockImplementation(((command: {
    constructor: { name: string };
    input: { UpdateExpression?: string };
  }) => {
    if (command.constructor.name === "UpdateCommand")
      updates.push(command.input.UpdateExpression ?? "");
    return send(command as never);
  }) as never);
  return updates;
}

describe("counting a KPI fact", () => {
  it("counts it once whichever write the first run dies at", async () => {
    const start = new Date("2031-03-04T02:00:00Z");
    let n = 0;
    for (let failAt = 1; ; failAt++) {
      const f = fact(++n);
      const died = await dieAt(f, failAt, start);
      // The retry comes after the dead run's lease (it finishes the count, or finds it done when
      // the run died only while tidying up), and a second retry finds nothing to do.
      const later = new Date(start.getTime() + 10 * 60_000);
      await countFact(f, later);
      expect(await countFact(f, new Date(later.getTime() + 60_000))).toBe(false);
      if (!died) break; // the run had fewer writes than failAt: every point has been tried
    }
    expect(n).toBeGreaterThan(5);
    const byOutlet = await totalsByKey([DAY], "outlet");
    for (let i = 1; i <= n; i++) {
      const totals = byOutlet.get(`O-${i}`);
      expect(totals?.counts, `fact ${i}`).toEqual({ opened: 1, complaints: 1 });
    }
    const all = (await totalsByKey([DAY], "all")).get("all");
    expect(all?.counts).toEqual({ opened: n, complaints: n });
    const teams = (await totalsByKey([DAY], "team")).get("claims");
    expect(Object.values(teams?.histograms.firstResponseMinutes ?? {})).toEqual([n]);
  });

  it("leaves a fact another run is counting to that run (its lease), then finishes it", async () => {
    const f = fact(1000);
    const now = new Date("2031-03-04T03:00:00Z");
    expect(await dieAt(f, 2, now)).toBe(true); // pending, lease held
    await expect(countFact(f, new Date(now.getTime() + 1_000))).rejects.toThrow(/another run/);
    expect(await countFact(f, new Date(now.getTime() + 5 * 60_000))).toBe(true);
    expect((await totalsByKey([DAY], "outlet")).get("O-1000")?.counts).toEqual({
      opened: 1,
      complaints: 1,
    });
  });

  it("removes a counted fact's mark with the next add to the item, the rest at the batch's end", async () => {
    const day = "2031-03-05";
    const now = new Date(`${day}T02:00:00Z`);
    const writes = recordUpdates();
    const same = (n: number): KpiFact => ({ ...fact(n), id: `chain#${n}`, day, dims: {} });
    for (let n = 1; n <= 3; n++) expect(await countFact(same(n), now)).toBe(true);
    // Three facts on one aggregate item (`all`, and one shard each of three at most): no write
    // only to remove a mark; every fact after the first on a shard removes its predecessor's.
    expect(writes.filter((w) => w.startsWith("REMOVE marks"))).toEqual([]);
    const marksLeft = async () => {
      const { Items } = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: "cases",
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `KPI#${day}` },
          ConsistentRead: true,
        }),
      );
      return (Items ?? []).flatMap((i) => Object.keys(i.marks ?? {}));
    };
    expect((await marksLeft()).length).toBeGreaterThan(0);
    await flushMarks();
    expect(await marksLeft()).toEqual([]);
    expect((await totalsByKey([day], "all")).get("all")?.counts).toEqual({
      opened: 3,
      complaints: 3,
    });
    // A repeat after the marks are gone is still counted once (its fact is `counted`).
    expect(await countFact(same(2), new Date(now.getTime() + 60_000))).toBe(false);
    expect((await totalsByKey([day], "all")).get("all")?.counts?.opened).toBe(3);
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: "cases", Key: { pk: "KPIFACT#chain#2", sk: "FACT" } }),
    );
    expect(Item?.status).toBe("counted");
  });

  it("counts a batch with one write per aggregate item, and exactly whichever write the run dies at", async () => {
    const day = "2031-03-06";
    const now = new Date(`${day}T02:00:00Z`);
    const batch = (round: number): KpiFact[] =>
      [1, 2, 3].map((i) => ({
        ...fact(i),
        id: `batch#${round}#${i}`,
        day,
        dims: { team: "claims", outlet: `B-${round}-${i}` },
      }));
    const client = dynamoDocumentClient();
    const send = client.send.bind(client);
    let aggregateWrites = 0;
    let writes = 0;
    let dieFrom = Infinity;
    vi.spyOn(client, "send").mockImplementation((async (command: {
      constructor: { name: string };
      input: { UpdateExpression?: string };
    }) => {
      if (/^(Get|Query)Command$/.test(command.constructor.name)) return send(command as never);
      if (++writes >= dieFrom) throw new Error("the process died here");
      const output = await send(command as never);
      if (command.input.UpdateExpression?.startsWith("SET marks.")) aggregateWrites++;
      return output;
    }) as never);

    const first = await countFacts(batch(0), now);
    expect([...first.values()]).toEqual([true, true, true]);
    // The adds that landed: `all` and `team=claims` once each for the three facts, and the
    // three outlets: 5, not 9.
    expect(aggregateWrites).toBe(5);

    let round = 0;
    for (let dieAt = 1; ; dieAt++) {
      const facts = batch(++round);
      writes = 0;
      dieFrom = dieAt;
      // The run that dies has two of the facts; the third comes in the retry's batch, first.
      const outcomes = await countFacts(facts.slice(0, 2), now);
      dieFrom = Infinity;
      const died = [...outcomes.values()].some((o) => o instanceof Error);
      // The messages come again after the dead run's lease, in another batch and order; then
      // once more each, which finds nothing to do.
      const later = new Date(now.getTime() + 10 * 60_000);
      await countFacts([...facts].reverse(), later);
      for (const f of facts)
        expect(await countFact(f, new Date(later.getTime() + 60_000))).toBe(false);
      if (!died) break;
    }
    expect(round).toBeGreaterThan(5);
    const all = (await totalsByKey([day], "all")).get("all");
    expect(all?.counts).toEqual({ opened: 3 * (round + 1), complaints: 3 * (round + 1) });
    const outlets = await totalsByKey([day], "outlet");
    for (let r = 0; r <= round; r++)
      for (const i of [1, 2, 3])
        expect(outlets.get(`B-${r}-${i}`)?.counts, `round ${r} fact ${i}`).toEqual({
          opened: 1,
          complaints: 1,
        });
    const team = (await totalsByKey([day], "team")).get("claims");
    expect(Object.values(team?.histograms.firstResponseMinutes ?? {})).toEqual([3 * (round + 1)]);
  });

  it("counts a fact that comes twice in one batch once, without taking it over from itself", async () => {
    const day = "2031-03-07";
    const twice: KpiFact = { ...fact(1), id: "twice#1", day, dims: {} };
    const updates = recordUpdates();
    const outcomes = await countFacts([twice, twice], new Date(`${day}T02:00:00Z`));
    expect([...outcomes]).toEqual([["twice#1", true]]);
    expect(updates.filter((u) => u.includes("leaseUntil"))).toEqual([]);
    expect((await totalsByKey([day], "all")).get("all")?.counts).toEqual({
      opened: 1,
      complaints: 1,
    });
  });
});
