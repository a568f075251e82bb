// The all-cases listing (ops and admins, GET /v1/cases without team, assignee or waybill) reads
// a month's shards of gsi4 and merges them: every case once, newest first, whatever the page
// size, the filter or the read budget, across months, and with cases still in the month's
// partition from before the shards.
import "./quiet.ts";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import {
  ALL_CASES_SHARDS,
  type CaseQuery,
  caseItem,
  listCases,
} from "#shared/adapters/case-store.ts";
import { config } from "#shared/adapters/config.ts";
import { type Cursor, encodeCursor } from "#shared/adapters/cursor.ts";
import { type Case, type CaseStatus, type Category, newCase } from "#shared/domain/case.ts";
import { useLocalSystem } from "./local-system.ts";

// The local system (its embedded DynamoDB) the store talks to.
useLocalSystem();
/** The listing's "now" (it walks back 24 months from it); the cases are of June and May. */
const NOW = new Date("2026-06-20T12:00:00Z");
const THIS_MONTH = "2026-06";
const CATEGORIES: Category[] = ["damage", "delay", "price", "loss"];
const STATUSES: CaseStatus[] = ["assigned", "queued", "resolved"];
/** Cases this month and the month before (some in its unsharded partition), a few a minute. */
const CASES = 240;
const LEGACY_EVERY = 7;

function caseNo(i: number): Case {
  const month = i % 3 === 0 ? -1 : 0; // a third in the month before
  const at = new Date(Date.UTC(2026, 5 + month, 1) + i * 60_000);
  return {
    ...newCase(
      {
        caseId: `CS-LIST-${String(i).padStart(4, "0")}`,
        waybillNo: `SF9${String(i).padStart(9, "0")}`,
        category: CATEGORIES[i % CATEGORIES.length] as Category,
        source: "event",
        channel: null,
        trigger: {
          detailType: "Parcel Damaged",
          eventId: `list-${i}`,
          occurredAt: at.toISOString(),
        },
        facts: {},
        customer: { id: `cust-${i}`, tier: "regular" },
        receivedAt: at,
      },
      at,
    ),
    status: STATUSES[i % STATUSES.length] as CaseStatus,
    team: "claims",
  };
}

const seeded = Array.from({ length: CASES }, (_, i) => caseNo(i));
const newestFirst = (cases: readonly Case[]) =>
  [...cases]
    .sort((a, b) => (`${a.createdAt}#${a.caseId}` < `${b.createdAt}#${b.caseId}` ? 1 : -1))
    .map((c) => c.caseId);

beforeAll(async () => {
  const items = seeded.map((c, i) => {
    const item = caseItem(c);
    // Saved before the shards: the month's one partition.
    if (i % LEGACY_EVERY === 0) item.gsi4pk = `CASES#${c.createdAt.slice(0, 7)}`;
    return item;
  });
  for (let i = 0; i < items.length; i += 25)
    await dynamoDocumentClient().send(
      new BatchWriteCommand({
        RequestItems: {
          [config.casesTable()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
});

/** Every page of the listing, `limit` a page, with a read budget; the case ids in page order. */
async function walk(query: Partial<CaseQuery>, limit: number, budget?: number) {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await listCases(
      { allowedTeams: null, limit, cursorBinding: "all-cases-test", ...query, cursor },
      NOW,
      budget,
    );
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((c) => c.caseId));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 1000);
  return { ids, pages };
}

describe("the all-cases listing over the shards", () => {
  it("writes a month's cases to all of its shards", () => {
    const partitions = new Set(
      seeded.filter((c) => c.createdAt.startsWith(THIS_MONTH)).map((c) => caseItem(c).gsi4pk),
    );
    expect(partitions).toEqual(
      new Set(Array.from({ length: ALL_CASES_SHARDS }, (_, s) => `CASES#${THIS_MONTH}#${s}`)),
    );
  });

  it("gives every case once, newest first, at any page size", async () => {
    for (const limit of [1, 7, 25, 100]) {
      const { ids, pages } = await walk({}, limit);
      expect(ids, `limit ${limit}`).toEqual(newestFirst(seeded));
      expect(pages).toBe(Math.ceil(CASES / limit));
    }
  });

  it("gives the matching cases once, newest first, with a filter and any read budget", async () => {
    for (const budget of [1, 5, 40, 2000]) {
      const damage = await walk({ category: "damage" }, 10, budget);
      expect(damage.ids, `budget ${budget}`).toEqual(
        newestFirst(seeded.filter((c) => c.category === "damage")),
      );
      const queued = await walk({ status: "queued", priority: "urgent" }, 10, budget);
      expect(queued.ids).toEqual([]);
    }
    const resolved = await walk({ status: "resolved" }, 9, 30);
    expect(resolved.ids).toEqual(newestFirst(seeded.filter((c) => c.status === "resolved")));
    expect(resolved.pages).toBeGreaterThan(Math.ceil(resolved.ids.length / 9));
  });

  it("goes on from a cursor issued before the shards (the entry's own keys)", async () => {
    const all = newestFirst(seeded);
    const tenth = seeded.find((c) => c.caseId === all[9]) as Case;
    const item = caseItem(tenth);
    const cursor = encodeCursor(
      {
        index: "gsi4",
        key: { pk: item.pk, sk: item.sk, gsi4pk: `CASES#${THIS_MONTH}`, gsi4sk: item.gsi4sk },
        bucket: THIS_MONTH,
      } as Cursor,
      "all-cases-test",
    );
    const page = await listCases(
      { allowedTeams: null, limit: 5, cursorBinding: "all-cases-test", cursor },
      NOW,
    );
    expect(page.items.map((c) => c.caseId)).toEqual(all.slice(10, 15));
  });
});
