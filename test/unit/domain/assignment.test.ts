// Routing (../domain.md "Assignment"): the team owning the category, then an on-shift agent
// with the skill and the fewest open cases under capacity; VIPs to their dedicated agent.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Agent,
  type AssignmentRequest,
  canTakeCase,
  rankAgents,
  type Team,
  teamForCategory,
} from "#shared/domain/assignment.ts";

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
