// KPI aggregates in the `cases` table: per business day, per group (all, team, category, …)
// and key, the summed counters and histograms of the facts counted there (kpi-facts.ts), split
// over a few shards so that no one item takes every write (600,000 cases and tens of millions of
// deliveries a day would all land on `all`).
//
// Each fact is counted exactly once, whatever is redelivered or replayed and wherever a run
// dies, without transactions:
// 1. a fact item `KPIFACT#<id>` is created (`attribute_not_exists`), `pending`, with what it
//    adds — if it exists and is `counted`, the fact was counted: nothing to do;
// 2. each aggregate item it counts in gets its counters added AND the fact's mark set in the
//    same UpdateItem, on the condition that the mark is absent — a repeat adds nothing. The
//    facts of a batch (the kpis function counts its messages together, `countFacts`) that
//    count in one item go in one UpdateItem with all their marks, on the condition that none is
//    there (if one is, each is added on its own): a batch writes each item once;
// 3. the fact item becomes `counted`;
// 4. the marks are removed from the aggregate items (so they stay small): a counted fact's mark
//    goes in the same UpdateItem as the next fact's add to that item, and whatever is left at
//    the end of a batch in one UpdateItem per item (`flushMarks`). Under load the next fact
//    comes within the batch, so a fact costs one write per aggregate instead of two.
// A run that dies anywhere is repeated by its message's retry, which finds the fact `pending`
// and, once the dead run's lease is over, carries on from step 2 with the fact as recorded (the
// marks make it exact); a death after 3 leaves marks behind that cost a few bytes and change no
// number. The lease keeps two runs (two deliveries of one parcel at once) off one fact.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createHash, randomInt } from "node:crypto";
import { type KpiFact, groupKeysOf, type KpiGroup } from "#shared/domain/kpi-facts.ts";
import { addTotals, bucketOf, EMPTY_TOTALS, type KpiTotals } from "#shared/domain/kpis.ts";
import { dynamoDocumentClient } from "./aws-clients.ts";
import { isConditionFailure } from "./conditional-writes.ts";
import { config } from "./config.ts";

/**
 * Aggregate items per day, group and key. A fact goes to its counting container's shard (kept
 * in the fact item for a run that takes over), so the facts of one batch meet on the same items
 * and their marks go with the next add, while concurrent containers spread over the shards.
 */
export const KPI_SHARDS = 8;
const containerShard = randomInt(KPI_SHARDS);
/** Fact items are kept this long (a replay older than that would count again). */
const FACT_RETENTION_DAYS = 400;

const factKey = (id: string) => ({ pk: `KPIFACT#${id}`, sk: "FACT" });
const aggregateKey = (day: string, group: string, key: string, shard: number) => ({
  pk: `KPI#${day}`,
  sk: `${group}#${key}#${shard}`,
});

/** A short, stable name for a fact inside an aggregate item's marks. */
const markOf = (id: string) => createHash("sha256").update(id).digest("base64url").slice(0, 16);
/** The shard of a fact recorded before facts kept theirs. */
const shardOf = (id: string) =>
  createHash("sha256").update(`shard:${id}`).digest().readUInt8(0) % KPI_SHARDS;

/**
 * Counts the fact once: true when this run counted it, false when it was counted before. A
 * fact another run is counting right now (its lease not expired) throws, so the message is
 * retried later (by then it is counted, or that run died and its lease expired).
 */
export async function countFact(candidate: KpiFact, now: Date): Promise<boolean> {
  const outcome = (await countFacts([candidate], now)).get(candidate.id);
  if (outcome instanceof Error) throw outcome;
  return outcome === true;
}

/**
 * Counts a batch of facts, each once: per fact id, true when this run counted it, false when it
 * was counted before, or the error that stopped it (its message is retried). The facts' adds
 * to one aggregate item go in one UpdateItem with all their marks (on the condition that none
 * is there), so a batch writes each item once instead of once per fact.
 */
export async function countFacts(
  candidates: readonly KpiFact[],
  now: Date,
): Promise<Map<string, boolean | Error>> {
  const outcomes = new Map<string, boolean | Error>();
  const claimed: Claimed[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) continue; // the same fact twice in the batch: counted once
    seen.add(candidate.id);
    try {
      const claim = await claimFact(candidate, now);
      if (claim) claimed.push(claim);
      else outcomes.set(candidate.id, false);
    } catch (error) {
      outcomes.set(candidate.id, asError(error));
    }
  }
  // Each aggregate item with the facts that count in it.
  const byTarget = new Map<string, { key: AggregateKey; claims: Claimed[] }>();
  for (const claim of claimed)
    for (const key of claim.targets) {
      const entry = byTarget.get(targetId(key));
      if (entry) entry.claims.push(claim);
      else byTarget.set(targetId(key), { key, claims: [claim] });
    }
  const failed = new Map<string, Error>();
  for (const { key, claims } of byTarget.values()) {
    const open = claims.filter((c) => !failed.has(c.fact.id));
    for (let i = 0; i < open.length; i += MARKS_PER_WRITE) {
      const chunk = open.slice(i, i + MARKS_PER_WRITE);
      try {
        await addAll(key, chunk);
      } catch (error) {
        for (const c of chunk) failed.set(c.fact.id, asError(error));
      }
    }
  }
  for (const claim of claimed) {
    const error = failed.get(claim.fact.id);
    if (error) {
      outcomes.set(claim.fact.id, error); // left pending: the retry takes over after the lease
      continue;
    }
    try {
      await markCounted(claim.fact.id);
    } catch (error) {
      outcomes.set(claim.fact.id, asError(error));
      continue;
    }
    outcomes.set(claim.fact.id, true);
    // Counted: its marks may go, with the next add to each item or at the end of the batch.
    for (const target of claim.targets) {
      const id = targetId(target);
      const left = marksToRemove.get(id);
      if (left) left.marks.add(claim.mark);
      else marksToRemove.set(id, { key: target, marks: new Set([claim.mark]) });
    }
  }
  return outcomes;
}

type AggregateKey = { pk: string; sk: string };

/** A fact this run counts: what it adds, where, and its mark there. */
interface Claimed {
  readonly fact: KpiFact;
  readonly targets: readonly AggregateKey[];
  readonly mark: string;
}

/**
 * Facts whose marks go in one UpdateItem: an expression holds at most 4 KB, and each fact adds
 * its mark, its condition and a few counters to it.
 */
const MARKS_PER_WRITE = 25;

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * Records the fact as pending (or, found pending from a run that died, takes it over once that
 * run's lease is over, with the fact as recorded): what to add where. Undefined when it was
 * counted before.
 */
async function claimFact(candidate: KpiFact, now: Date): Promise<Claimed | undefined> {
  let fact = candidate;
  let shard = containerShard;
  if (!(await createPending(candidate, shard, now))) {
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: config.casesTable(),
        Key: factKey(candidate.id),
        ConsistentRead: true,
      }),
    );
    if (!Item || Item.status === "counted") return undefined;
    // Pending: an earlier run died part way (or is still at it): take over once its lease has
    // run out, and finish what it recorded.
    await takeLease(candidate.id, now);
    fact = Item.fact as KpiFact;
    shard = typeof Item.shard === "number" ? Item.shard : shardOf(fact.id);
  }
  return {
    fact,
    targets: groupKeysOf(fact).map((g) => aggregateKey(fact.day, g.group, g.key, shard)),
    mark: markOf(fact.id),
  };
}

async function markCounted(id: string): Promise<void> {
  await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: config.casesTable(),
      Key: factKey(id),
      UpdateExpression: "SET #status = :counted",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":counted": "counted" },
    }),
  );
}

/**
 * Marks of counted facts not yet removed, per aggregate item. Only this container's facts are
 * here and each is `counted` before its mark is, so a removal can never let a fact count twice.
 */
const marksToRemove = new Map<string, { key: { pk: string; sk: string }; marks: Set<string> }>();
const targetId = (key: { pk: string; sk: string }) => `${key.pk}|${key.sk}`;

/**
 * Removes the marks left by counted facts (the end of a batch): one UpdateItem per aggregate
 * item. A failure leaves them for the next flush; meanwhile they cost bytes, never a number.
 */
export async function flushMarks(): Promise<void> {
  for (const { key, marks } of [...marksToRemove.values()]) {
    const names = Object.fromEntries([...marks].map((m, i) => [`#r${i}`, m]));
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: key,
        UpdateExpression: `REMOVE ${Object.keys(names)
          .map((n) => `marks.${n}`)
          .join(", ")}`,
        ExpressionAttributeNames: names,
      }),
    );
    forgetMarks(key, Object.values(names));
  }
}

/** Those marks are gone from the item (marks added meanwhile stay to be removed). */
function forgetMarks(key: { pk: string; sk: string }, removed: readonly string[]): void {
  const left = marksToRemove.get(targetId(key));
  if (!left) return;
  for (const m of removed) left.marks.delete(m);
  if (left.marks.size === 0) marksToRemove.delete(targetId(key));
}

/**
 * How long a run may take to count a fact before another may take over: well beyond the
 * aggregator's 20 s timeout, so two runs never count one fact at the same time.
 */
const LEASE_MS = 2 * 60_000;

async function takeLease(id: string, now: Date): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: factKey(id),
        UpdateExpression: "SET leaseUntil = :until",
        ConditionExpression: "#status = :pending AND leaseUntil < :now",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":pending": "pending",
          ":now": now.toISOString(),
          ":until": new Date(now.getTime() + LEASE_MS).toISOString(),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error))
      throw new Error(`KPI fact ${id} is being counted by another run; retrying later`);
    throw error;
  }
}

async function createPending(fact: KpiFact, shard: number, now: Date): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: config.casesTable(),
        Item: {
          ...factKey(fact.id),
          type: "kpi-fact",
          status: "pending",
          fact,
          shard,
          at: now.toISOString(),
          leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + FACT_RETENTION_DAYS * 86_400,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Adds the facts to one aggregate item, with their marks, in one UpdateItem on the condition
 * that none of the marks is there. When one is (a run that died had added it here), each fact
 * is added on its own, unless its mark is there. The item and its maps are made on the first
 * write (a map must exist before a path inside it can be set).
 */
async function addAll(key: AggregateKey, claims: readonly Claimed[]): Promise<void> {
  if (await addOnce(key, claims)) return;
  // A mark was there: one at a time, each fact whose mark is there having been added before.
  if (claims.length > 1) for (const claim of claims) await addOnce(key, [claim]);
}

/** The facts' adds and marks in one write: false when a mark was there (nothing written). */
async function addOnce(key: AggregateKey, claims: readonly Claimed[]): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":t": true };
  const counts = new Map<string, number>();
  const buckets = new Map<string, { histogram: string; bucket: string; n: number }>();
  for (const { fact } of claims) {
    for (const [counter, n] of Object.entries(fact.counts))
      counts.set(counter, (counts.get(counter) ?? 0) + (n as number));
    for (const [histogram, value] of Object.entries(fact.samples)) {
      const bucket = bucketOf(value as number);
      const id = `${histogram}|${bucket}`;
      const entry = buckets.get(id);
      if (entry) entry.n++;
      else buckets.set(id, { histogram, bucket, n: 1 });
    }
  }
  const adds: string[] = [];
  [...counts].forEach(([counter, n], i) => {
    names[`#c${i}`] = counter;
    values[`:c${i}`] = n;
    adds.push(`counts.#c${i} :c${i}`);
  });
  [...buckets.values()].forEach(({ histogram, bucket, n }, i) => {
    names[`#h${i}`] = histogram;
    names[`#b${i}`] = bucket;
    values[`:b${i}`] = n;
    adds.push(`histograms.#h${i}.#b${i} :b${i}`);
  });
  const marks = claims.map((c, i) => {
    names[`#m${i}`] = c.mark;
    return `marks.#m${i}`;
  });
  // The marks of facts counted before, removed in the same write (they are counted for good).
  const mine = new Set(claims.map((c) => c.mark));
  const earlier = [...(marksToRemove.get(targetId(key))?.marks ?? [])]
    .filter((m) => !mine.has(m))
    .slice(0, MARKS_PER_WRITE);
  earlier.forEach((m, i) => (names[`#r${i}`] = m));
  const update = new UpdateCommand({
    TableName: config.casesTable(),
    Key: key,
    UpdateExpression: [
      `SET ${marks.map((m) => `${m} = :t`).join(", ")}`,
      adds.length ? `ADD ${adds.join(", ")}` : "",
      earlier.length ? `REMOVE ${earlier.map((_, i) => `marks.#r${i}`).join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" "),
    ConditionExpression: marks.map((m) => `attribute_not_exists(${m})`).join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamoDocumentClient().send(update);
      forgetMarks(key, earlier);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false; // counted there by an earlier run
      // The item or one of its maps does not exist yet: make them, then add (once).
      if (!isMissingPath(error) || attempt > 1) throw error;
      await ensureShape(
        key,
        claims.map((c) => c.fact),
      );
    }
  }
}

/** DynamoDB's answer to a SET or ADD inside a map that does not exist. */
const isMissingPath = (error: unknown) =>
  error instanceof Error &&
  error.name === "ValidationException" &&
  /document path/i.test(error.message);

/**
 * The item with its `counts`, `marks` and `histograms.<name>` maps (created empty if absent):
 * DynamoDB cannot ADD into a nested map that does not exist yet.
 */
async function ensureShape(key: AggregateKey, facts: readonly KpiFact[]): Promise<void> {
  const fact = facts[0] as KpiFact;
  const [, group = "", groupKey = ""] = /^([^#]+)#(.*)#\d+$/.exec(key.sk) ?? [];
  const names: Record<string, string> = {};
  const sets = [
    "#type = if_not_exists(#type, :type)",
    "#group = if_not_exists(#group, :group)",
    "#key = if_not_exists(#key, :key)",
    "#day = if_not_exists(#day, :day)",
    "counts = if_not_exists(counts, :empty)",
    "marks = if_not_exists(marks, :empty)",
    "histograms = if_not_exists(histograms, :empty)",
  ];
  Object.assign(names, { "#type": "type", "#group": "group", "#key": "key", "#day": "day" });
  const histograms = [...new Set(facts.flatMap((f) => Object.keys(f.samples)))];
  const client = dynamoDocumentClient();
  await client.send(
    new UpdateCommand({
      TableName: config.casesTable(),
      Key: key,
      UpdateExpression: `SET ${sets.join(", ")}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ":type": "kpi-aggregate",
        ":group": group,
        ":key": groupKey,
        ":day": fact.day,
        ":empty": {},
      },
    }),
  );
  for (const [i, histogram] of histograms.entries())
    await client.send(
      new UpdateCommand({
        TableName: config.casesTable(),
        Key: key,
        UpdateExpression: `SET histograms.#h${i} = if_not_exists(histograms.#h${i}, :empty)`,
        ExpressionAttributeNames: { [`#h${i}`]: histogram },
        ExpressionAttributeValues: { ":empty": {} },
      }),
    );
}

/**
 * The totals of each key of `group` over the days (every shard summed), read with one Query
 * per day (`pk = KPI#<day>`, `begins_with(sk, <group>#)`), never a Scan.
 */
export async function totalsByKey(
  days: readonly string[],
  group: "all" | KpiGroup,
): Promise<Map<string, KpiTotals>> {
  const totals = new Map<string, KpiTotals>();
  for (const day of days) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: config.casesTable(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :group)",
          ExpressionAttributeValues: { ":pk": `KPI#${day}`, ":group": `${group}#` },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const key = item.key as string;
        const part: KpiTotals = {
          counts: (item.counts as KpiTotals["counts"]) ?? {},
          histograms: (item.histograms as KpiTotals["histograms"]) ?? {},
        };
        totals.set(key, addTotals(totals.get(key) ?? EMPTY_TOTALS, part));
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return totals;
}
