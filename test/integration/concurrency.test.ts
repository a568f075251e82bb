// Everything at once (issue 11, point 4): many events for the same waybills published in
// parallel (duplicates included), then many agents acting on the same cases at the same moment,
// each retrying after a 412 as a client should. Afterwards: one open case per waybill and
// problem, every event on exactly one case's timeline, every successful action applied exactly
// once (no lost update), and every agent's load equal to the cases they hold.
import "./quiet.ts";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { casesOfWaybill, getCase, timelineOf } from "#shared/adapters/case-store.ts";
import { config } from "#shared/adapters/config.ts";
import { getAgent, listTeams, listAgentsOfTeam } from "#shared/adapters/org-store.ts";
import { type Case, isOpenStatus } from "#shared/domain/case.ts";
import { holdsCapacity } from "#shared/domain/case-lifecycle.ts";
import { categoryForEvent } from "#shared/domain/classify-event.ts";
import { useLocalSystem } from "./local-system.ts";
import { scenario, shuffle } from "./scenario.ts";

const local = useLocalSystem();
const EVENTS = Number(process.env.CONCURRENCY_EVENTS ?? 120);
const SEED = 11;
const events = scenario(EVENTS, SEED, "CONC");
const waybills = [...new Set(events.map((e) => e.detail.waybillNo as string))];

async function allTimeline(caseId: string) {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await timelineOf(caseId, 100, cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

async function everyCase(): Promise<Case[]> {
  return (await Promise.all(waybills.map((w) => casesOfWaybill(w, 50)))).flat();
}

/** Each agent's stored load (openCases and openCaseIds) equals the cases they hold. */
async function expectLoadsMatchCases(cases: readonly Case[]): Promise<void> {
  for (const team of await listTeams()) {
    for (const { agentId } of await listAgentsOfTeam(team.teamId)) {
      const { Item } = await dynamoDocumentClient().send(
        new GetCommand({
          TableName: config.casesTable(),
          Key: { pk: `AGENT#${agentId}`, sk: "AGENT" },
          ConsistentRead: true,
        }),
      );
      const stored = [...((Item?.openCaseIds as Set<string> | undefined) ?? [])].sort();
      const held = cases
        .filter((c) => c.assignee === agentId && holdsCapacity(c))
        .map((c) => c.caseId);
      // Cases of other tests' waybills are not in `cases`: compare on this test's cases only.
      const ours = new Set(cases.map((c) => c.caseId));
      expect(
        stored.filter((id) => ours.has(id)),
        `${agentId} openCaseIds`,
      ).toEqual(held.sort());
      const agent = await getAgent(agentId);
      expect(agent?.openCases, `${agentId} openCases`).toBe(stored.length);
      expect(agent?.openCases ?? 0, `${agentId} capacity`).toBeLessThanOrEqual(
        agent?.capacity ?? 0,
      );
    }
  }
}

describe(`${EVENTS} events for ${waybills.length} waybills, all at once`, () => {
  it("opens one case per waybill and problem and puts every event on exactly one timeline", async () => {
    // Every event once, and a third of them again, in 10-entry PutEvents calls sent in parallel.
    const sends = shuffle([...events, ...events.filter((_, i) => i % 3 === 0)], SEED);
    const batches = Array.from({ length: Math.ceil(sends.length / 10) }, (_, i) =>
      sends.slice(i * 10, i * 10 + 10),
    );
    const answers = await Promise.all(batches.map((batch) => local.system.publish(batch)));
    expect(answers.flat().every((entry) => entry.EventId)).toBe(true);
    await local.system.runtime.idle(60_000);

    const cases = await everyCase();
    const open = cases.filter((c) => isOpenStatus(c.status));
    const keys = open.map((c) => `${c.waybillNo}|${c.category}`);
    expect(new Set(keys).size, "one open case per waybill and problem").toBe(keys.length);

    const seen = new Map<string, string[]>();
    for (const c of cases)
      for (const entry of await allTimeline(c.caseId)) {
        const eventId = (entry.data as { trigger?: { eventId?: string } } | undefined)?.trigger
          ?.eventId;
        if (eventId && (entry.kind === "opened" || entry.kind === "event-attached"))
          seen.set(eventId, [...(seen.get(eventId) ?? []), c.caseId]);
      }
    const opensCases = (e: (typeof events)[number]) =>
      categoryForEvent(e.detailType, e.detail.attempt as number | undefined) !== null;
    for (const e of events.filter(opensCases)) {
      const id = e.detail.eventId as string;
      expect(seen.get(id)?.length, `${id} ${JSON.stringify(e.detail)} on one timeline`).toBe(1);
    }
    await expectLoadsMatchCases(cases);
  });
});

describe("many agents acting on the same cases at the same moment", () => {
  /** One client: the action with the ETag of its last read; after a 412 it reads and tries again. */
  async function persistently(caseId: string, action: string, token: string, body: unknown) {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const response = await local.act(caseId, action, token, body);
      if (response.status !== 412) return response;
    }
    throw new Error(`${action} on ${caseId}: still 412 after 30 reads`);
  }

  it("applies every action exactly once: none lost, none doubled, loads kept", async () => {
    const admin = await local.system.token("admin-1", ["admins"]);
    const cases = (await everyCase())
      .filter((c) => c.status === "assigned" && c.team === "claims")
      .slice(0, 6);
    expect(cases.length).toBeGreaterThan(2);
    const supervisor = await local.system.token("sup-claims", ["supervisors"]);

    const results = await Promise.all(
      cases.flatMap((c) => {
        const agent = local.system.token(c.assignee as string, ["agents"]);
        const moves: [string, Promise<string>, unknown][] = [
          ["responses", agent, { text: `first answer ${c.caseId}` }],
          ["notes", agent, { text: `agent note 1 ${c.caseId}` }],
          ["notes", agent, { text: `agent note 2 ${c.caseId}` }],
          ["notes", Promise.resolve(supervisor), { text: `supervisor note ${c.caseId}` }],
          ["notes", Promise.resolve(admin), { text: `admin note ${c.caseId}` }],
          ["escalate", Promise.resolve(supervisor), { reason: `escalated ${c.caseId}` }],
        ];
        return moves.map(async ([action, token, body]) => ({
          caseId: c.caseId,
          action,
          response: await persistently(c.caseId, action, await token, body),
        }));
      }),
    );
    for (const { caseId, action, response } of results)
      expect(response.status, `${action} on ${caseId}: ${JSON.stringify(response.body)}`).toBe(200);
    await local.system.runtime.idle();

    for (const before of cases) {
      const after = (await getCase(before.caseId)) as Case;
      const timeline = await allTimeline(before.caseId);
      const kinds = timeline.map((e) => e.kind);
      expect(
        kinds.filter((k) => k === "responded"),
        before.caseId,
      ).toHaveLength(1);
      expect(
        kinds.filter((k) => k === "note"),
        before.caseId,
      ).toHaveLength(4);
      const escalations = timeline.filter((e) => e.kind === "escalated" && e.actor !== "system");
      expect(escalations, JSON.stringify(escalations)).toHaveLength(1);
      expect(after).toMatchObject({ status: "in_progress", escalated: true });
      // Six moves, six versions on top of what the case was (an SLA step may add its own).
      expect(after.version).toBeGreaterThanOrEqual(before.version + 6);
    }

    // Two resolves and a close at once on each: exactly one wins, the others are refused.
    const races = await Promise.all(
      cases.map(async (c) => {
        const agent = await local.system.token(c.assignee as string, ["agents"]);
        return Promise.all([
          persistently(c.caseId, "resolve", agent, { resolution: "paid" }),
          persistently(c.caseId, "resolve", admin, { resolution: "paid (admin)" }),
          persistently(c.caseId, "close", supervisor, { reason: "duplicate" }),
        ]);
      }),
    );
    for (const answers of races) {
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200).length, JSON.stringify(statuses)).toBeGreaterThan(0);
      for (const s of statuses) expect([200, 409]).toContain(s);
    }
    await local.system.runtime.idle();
    for (const c of cases) {
      const kinds = (await allTimeline(c.caseId)).map((e) => e.kind);
      expect(kinds.filter((k) => k === "resolved").length, c.caseId).toBeLessThanOrEqual(1);
    }
    await expectLoadsMatchCases(await everyCase());
  });
});
