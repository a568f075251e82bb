// Routing (../domain.md "Assignment"): the team owning the category, then an on-shift agent
// with the skill and the fewest open cases under capacity; VIPs to their dedicated agent.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Agent,
  type AssignmentRequest,
  canTakeCase,
  escalationContacts,
  maxEscalationLevel,
  queueOrder,
  rankAgents,
  type Team,
  teamForCategory,
} from "#shared/domain/assignment.ts";
import type { Priority } from "#shared/domain/case.ts";

const agent = (agentId: string, overrides: Partial<Agent> = {}): Agent => ({
  agentId,
  name: agentId,
  team: "claims",
  skills: ["damage", "loss"],
  capacity: 5,
  onShift: true,
  openCases: 0,
  vipCustomers: [],
  ...overrides,
});
const damage: AssignmentRequest = {
  category: "damage",
  customerId: "cust-1",
  customerTier: "regular",
};
const ids = (agents: Agent[], request: AssignmentRequest = damage) =>
  rankAgents(request, agents).map((choice) => choice.agentId);

describe("the team", () => {
  const teams: Team[] = [
    {
      teamId: "delivery-ops",
      name: "Delivery",
      categories: ["delay", "attitude"],
      supervisors: [],
    },
    { teamId: "claims", name: "Claims", categories: ["damage", "loss"], supervisors: [] },
  ];

  it("is the one whose categories include the case's", () => {
    expect(teamForCategory("loss", teams)?.teamId).toBe("claims");
    expect(teamForCategory("attitude", teams)?.teamId).toBe("delivery-ops");
  });

  it("is missing when no team owns the category", () => {
    expect(teamForCategory("price", teams)).toBeUndefined();
  });
});

describe("the agent", () => {
  it("is the one with the fewest open cases", () => {
    expect(
      ids([
        agent("a", { openCases: 3 }),
        agent("b", { openCases: 1 }),
        agent("c", { openCases: 2 }),
      ]),
    ).toEqual(["b", "c", "a"]);
  });

  it("is never off shift or at capacity", () => {
    expect(
      ids([
        agent("off", { onShift: false }),
        agent("full", { openCases: 5 }),
        agent("free", { openCases: 4 }),
      ]),
    ).toEqual(["free"]);
  });

  it("has the category's skill", () => {
    expect(ids([agent("billing", { skills: ["price"] }), agent("claims")])).toEqual(["claims"]);
  });

  it("is nobody when nobody can take the case", () => {
    expect(ids([agent("off", { onShift: false }), agent("full", { openCases: 5 })])).toEqual([]);
  });

  it("is a VIP customer's dedicated agent first, when they can take it", () => {
    const vip = { ...damage, customerId: "vip-7", customerTier: "vip" as const };
    const dedicated = agent("dedicated", { openCases: 4, vipCustomers: ["vip-7"] });
    expect(rankAgents(vip, [agent("idle"), dedicated])).toEqual([
      { agentId: "dedicated", reason: "vip-dedicated-agent" },
      { agentId: "idle", reason: "least-loaded-agent" },
    ]);
    expect(ids([agent("idle"), { ...dedicated, onShift: false }], vip)).toEqual(["idle"]);
    expect(ids([agent("idle"), { ...dedicated, openCases: 5 }], vip)).toEqual(["idle"]);
  });

  it("is never ranked when they cannot take a case (property)", () => {
    const anyAgent = fc.record({
      agentId: fc.string({ minLength: 1, maxLength: 5 }),
      capacity: fc.integer({ min: 0, max: 5 }),
      openCases: fc.integer({ min: 0, max: 6 }),
      onShift: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(anyAgent, { maxLength: 8 }), (drafts) => {
        const agents = drafts.map((d) => agent(d.agentId, d));
        for (const choice of rankAgents(damage, agents)) {
          expect(agents.some((a) => a.agentId === choice.agentId && canTakeCase(a))).toBe(true);
        }
      }),
    );
  });
});

describe("a VIP customer's own agent", () => {
  const vip: AssignmentRequest = { category: "damage", customerId: "vip-7", customerTier: "vip" };
  const own = agent("own", { team: "delivery-ops", skills: ["delay"], vipCustomers: ["vip-7"] });

  it("is preferred in whichever team they are, whatever their skills", () => {
    expect(rankAgents(vip, [agent("claims-1"), agent("claims-2")], [own])).toEqual([
      { agentId: "own", reason: "vip-dedicated-agent" },
      { agentId: "claims-1", reason: "least-loaded-agent" },
      { agentId: "claims-2", reason: "least-loaded-agent" },
    ]);
    expect(rankAgents(vip, [agent("claims-1")], [own])).toEqual(
      rankAgents(vip, [agent("claims-1")], [own]),
    );
  });

  it("is skipped when off shift or at capacity, and only for a VIP who is theirs", () => {
    expect(ids([agent("claims-1")], vip)).toEqual(["claims-1"]);
    expect(
      rankAgents(vip, [agent("claims-1")], [{ ...own, onShift: false }]).map((c) => c.agentId),
    ).toEqual(["claims-1"]);
    expect(
      rankAgents(vip, [agent("claims-1")], [{ ...own, openCases: 5 }]).map((c) => c.agentId),
    ).toEqual(["claims-1"]);
    const regular = { ...vip, customerTier: "regular" as const };
    expect(rankAgents(regular, [agent("claims-1")], [own]).map((c) => c.agentId)).toEqual([
      "claims-1",
    ]);
    const notTheirs = { ...own, vipCustomers: ["vip-8"] };
    expect(rankAgents(vip, [agent("claims-1")], [notTheirs]).map((c) => c.agentId)).toEqual([
      "claims-1",
    ]);
  });

  it("is listed once, also when they are in the case's team", () => {
    const inTeam = agent("own", { vipCustomers: ["vip-7"] });
    expect(rankAgents(vip, [inTeam, agent("claims-1")], [inTeam])).toEqual([
      { agentId: "own", reason: "vip-dedicated-agent" },
      { agentId: "claims-1", reason: "least-loaded-agent" },
    ]);
  });
});

describe("a tie on open cases", () => {
  it("goes to the agent assigned longest ago; never assigned counts as longest ago", () => {
    expect(
      ids([
        agent("recent", { openCases: 1, lastAssignedAt: "2026-11-23T03:00:00.000Z" }),
        agent("earlier", { openCases: 1, lastAssignedAt: "2026-11-23T01:00:00.000Z" }),
        agent("busy", { openCases: 2, lastAssignedAt: null }),
        agent("never", { openCases: 1 }),
      ]),
    ).toEqual(["never", "earlier", "recent", "busy"]);
  });

  it("then to the agent id", () => {
    const at = "2026-11-23T01:00:00.000Z";
    expect(
      ids([agent("b", { lastAssignedAt: at }), agent("a", { lastAssignedAt: at }), agent("c")]),
    ).toEqual(["c", "a", "b"]);
  });
});

describe("the team queue", () => {
  const queued = (caseId: string, priority: Priority | null, createdAt: string) => ({
    caseId,
    priority,
    createdAt,
  });

  it("is most urgent first, then oldest, then by case id; no priority yet last", () => {
    const cases = [
      queued("CS-E", "routine", "2026-11-23T01:00:00.000Z"),
      queued("CS-D", null, "2026-11-20T01:00:00.000Z"),
      queued("CS-C", "high", "2026-11-23T02:00:00.000Z"),
      queued("CS-B", "urgent", "2026-11-23T04:00:00.000Z"),
      queued("CS-A", "high", "2026-11-23T02:00:00.000Z"),
      queued("CS-F", "urgent", "2026-11-23T03:00:00.000Z"),
    ];
    expect([...cases].sort(queueOrder).map((c) => c.caseId)).toEqual([
      "CS-F",
      "CS-B",
      "CS-A",
      "CS-C",
      "CS-E",
      "CS-D",
    ]);
  });

  it("is a total order: the same whatever order the cases come in (property)", () => {
    const anyQueued = fc.record({
      caseId: fc.string({ minLength: 1, maxLength: 4 }),
      priority: fc.constantFrom<Priority | null>("urgent", "high", "routine", null),
      createdAt: fc
        .integer({ min: 0, max: 5 })
        .map((h) => new Date(Date.UTC(2026, 10, 23, h)).toISOString()),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(anyQueued, { selector: (c) => c.caseId, maxLength: 8 }),
        (cases) => {
          const once = [...cases].sort(queueOrder).map((c) => c.caseId);
          const again = [...cases]
            .reverse()
            .sort(queueOrder)
            .map((c) => c.caseId);
          expect(again).toEqual(once);
        },
      ),
    );
  });
});

describe("escalation contacts", () => {
  const team: Team = {
    teamId: "claims",
    name: "Claims",
    categories: ["damage", "loss"],
    supervisors: ["sup-1", "sup-2"],
    escalationLevels: [["manager"], ["director"]],
  };

  it("are the supervisors at level 1, then the team's further levels", () => {
    expect(escalationContacts(team, 0)).toEqual([]);
    expect(escalationContacts(team, 1)).toEqual(["sup-1", "sup-2"]);
    expect(escalationContacts(team, 2)).toEqual(["manager"]);
    expect(escalationContacts(team, 3)).toEqual(["director"]);
    expect(escalationContacts(team, 7)).toEqual(["director"]);
    expect(maxEscalationLevel(team)).toBe(3);
  });

  it("fall back to the supervisors for a team without further levels; level 2 still exists", () => {
    const plain: Team = { ...team, escalationLevels: undefined };
    expect(escalationContacts(plain, 2)).toEqual(["sup-1", "sup-2"]);
    expect(maxEscalationLevel(plain)).toBe(2);
    expect(maxEscalationLevel(undefined)).toBe(2);
  });
});
