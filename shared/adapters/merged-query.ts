// One listing over several partitions of an index, newest first: the all-cases index is split
// over shards by a hash of the case id (so no partition takes every case of a month), and a page
// is the newest entries of all of them. The sort keys are unique and ordered alike in every
// partition (`<createdAt>#<caseId>`), so the merge is exact and a page resumes below a sort key
// (no key per partition to carry in the cursor).
//
// Each partition is read newest first, a few entries at a time. An entry is part of the answer
// once every partition has been read down to it: at or above the newest point where a partition
// still has unread entries (the bound). Entries read below the bound are read again by the next
// page, at most a few per partition.
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient } from "./aws-clients.ts";

type Item = Record<string, unknown>;

export interface MergedQuery {
  readonly partitions: readonly string[];
  /** The sort key's attribute (`gsi4sk`). */
  readonly sortKey: string;
  /** Only entries whose sort key is below this (a cursor's position), or all. */
  readonly before?: string;
  /** How many matching entries to find. */
  readonly wanted: number;
  /** The most entries to read (counted before any filter) across the partitions. */
  readonly budget: number;
  /** The query has a filter: reads find fewer entries than they read, so all partitions read on. */
  readonly filtered: boolean;
  /** The Query of one partition, newest first, below `before`, from `startKey`, `limit` entries. */
  input(
    partition: string,
    before: string | undefined,
    limit: number,
    startKey: Item | undefined,
  ): QueryCommandInput;
}

export interface MergedPage {
  /**
   * Up to `wanted` matching entries, newest first. Fewer with no `resumeBefore`: the partitions
   * hold no more below `before`.
   */
  readonly entries: Item[];
  /** The budget ran out first: every entry at or above this was read; go on below it. */
  readonly resumeBefore?: string;
  /** Entries read. */
  readonly read: number;
}

/** After its first call, a filtered listing reads this many entries a call (before the filter). */
export const FILTERED_QUERY_LIMIT = 250;

interface PartitionRead {
  readonly partition: string;
  readonly found: Item[];
  startKey?: Item;
  /** The sort key of the last entry read: everything at or above it in this partition is read. */
  lowest?: string;
  done: boolean;
}

export async function queryMerged(query: MergedQuery): Promise<MergedPage> {
  const reads: PartitionRead[] = query.partitions.map((partition) => ({
    partition,
    found: [],
    done: false,
  }));
  const sortKeyOf = (entry: Item) => entry[query.sortKey] as string;
  let read = 0;

  async function readOn(partition: PartitionRead, limit: number): Promise<void> {
    const page = await dynamoDocumentClient().send(
      new QueryCommand(query.input(partition.partition, query.before, limit, partition.startKey)),
    );
    read += page.ScannedCount ?? page.Items?.length ?? 0;
    partition.found.push(...(page.Items ?? []));
    partition.startKey = page.LastEvaluatedKey;
    partition.lowest = page.LastEvaluatedKey ? sortKeyOf(page.LastEvaluatedKey) : undefined;
    partition.done = !page.LastEvaluatedKey;
  }

  // Hashed shards hold about the same share of the newest entries: read each one's share first.
  const share = Math.ceil(query.wanted / reads.length) + 1;
  const firstLimit = Math.max(1, Math.min(share, Math.floor(query.budget / reads.length)));
  await Promise.all(reads.map((partition) => readOn(partition, firstLimit)));

  for (;;) {
    const open = reads.filter((partition) => !partition.done);
    const bound = open.reduce<string | undefined>(
      (newest, p) => (newest === undefined || (p.lowest as string) > newest ? p.lowest : newest),
      undefined,
    );
    const complete = reads
      .flatMap((partition) => partition.found)
      .filter((entry) => bound === undefined || sortKeyOf(entry) >= bound)
      .sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : -1));
    if (complete.length >= query.wanted || open.length === 0)
      return { entries: complete.slice(0, query.wanted), read };
    if (read >= query.budget) return { entries: complete, resumeBefore: bound, read };
    // The partition holding the bound up; with a filter every open one, in larger reads.
    const next = query.filtered ? open : open.filter((partition) => partition.lowest === bound);
    const needed = query.wanted - complete.length;
    const perPartition = Math.max(1, Math.floor((query.budget - read) / next.length));
    const limit = Math.min(
      query.filtered ? Math.max(needed, FILTERED_QUERY_LIMIT) : needed,
      perPartition,
    );
    await Promise.all(next.map((partition) => readOn(partition, limit)));
  }
}
