// The organisation through the HTTP API: teams and agents created, read back and replaced (an
// agent's live load survives a new profile), a category owned by one team only, refused writes
// that store nothing, who may put an agent on shift, who sees which agents, Agent Available;
// and `npm run -s org -- import/export` against the running system.
import "./quiet.ts";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { damaged, newWaybill, useLocalSystem } from "./local-system.ts";
import {
  exportOrganisation,
  importOrganisation,
  OrgApiError,
  parseOrganisationFile,
} from "#infra/cli/org-import.ts";
import type { BusEventRecord } from "#infra/local/bus.ts";
import { dynamoDocumentClient } from "#shared/adapters/aws-clients.ts";
import { getAgent, recentTeams, TEAMS_MAX_AGE_MS } from "#shared/adapters/org-store.ts";

// The bus tells its fault-injection hook about every accepted event: here it only listens.
const published: BusEventRecord[] = [];
const local = useLocalSystem({
  loseEvent: (event) => {
    published.push(event);
    return false;
  },
});

let admin = "";
beforeAll(async () => {
  admin = await local.system.token("admin-1", ["admins"]);
});

const put = (path: string, body: unknown, token = admin, headers: Record<string, string> = {}) =>
  local.system.request("PUT", path, { token, body, headers });
const patch = (path: string, body: unknown, token: string) =>
  local.system.request("PATCH", path, { token, body });

async function teams(token = admin): Promise<any[]> {
  const response = await local.system.get("/v1/teams", token);
  expect(response.status).toBe(200);
  return response.body.items;
}

async function agents(query = "", token = admin): Promise<any[]> {
  const response = await local.system.get(`/v1/agents${query}`, token);
  expect(response.status).toBe(200);
  return response.body.items;
}

const announced = (agentId: string) =>
  published
    .filter((e) => e["detail-type"] === "Agent Available")
    .map((e) => e.detail as any)
    .filter((d) => d.agentId === agentId);

const returnsTeam = {
  name: "Returns",
  categories: [],
  supervisors: ["sup-returns"],
  calendar: { timeZone: "Asia/Shanghai", holidayRegion: "cn" },
  sla: { firstResponseMinutes: { routine: 120 } },
  escalationLevels: [["manager-returns"], ["director-care"]],
};

describe("teams", () => {
  it("lists the seeded teams to every role", async () => {
    const agent = await local.system.token("agent-billing-1", ["agents"]);
    const listed = await teams(agent);
    expect(listed.map((t) => t.teamId).sort()).toEqual([
      "billing",
      "claims",
      "customer-care",
      "delivery-ops",
    ]);
    expect(listed.find((t) => t.teamId === "billing")).toMatchObject({
      name: "Billing",
      categories: ["price"],
      supervisors: ["sup-billing"],
      sla: { firstResponseMinutes: { high: 60 } },
      calendar: { weeklyHours: { "1": expect.any(Array) } },
      escalationLevels: [],
      version: 1,
    });
    expect(listed.find((t) => t.teamId === "claims")).toMatchObject({ calendar: null, sla: null });
  });

  it("creates a team (201), replaces it (200), and reads it back", async () => {
    const created = await put("/v1/teams/returns", returnsTeam);
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.body).toMatchObject({ teamId: "returns", ...returnsTeam, version: 1 });

    const replaced = await put("/v1/teams/returns", { ...returnsTeam, name: "Returns desk" });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: "Returns desk", version: 2 });
    expect(replaced.headers.get("etag")).toBe('"2"');

    expect((await teams()).find((t) => t.teamId === "returns")).toMatchObject({
      teamId: "returns",
      name: "Returns desk",
      categories: [],
      supervisors: ["sup-returns"],
      escalationLevels: [["manager-returns"], ["director-care"]],
      sla: { firstResponseMinutes: { routine: 120 } },
      version: 2,
    });
  });

  it("replaces only the version If-Match names", async () => {
    const stale = await put("/v1/teams/returns", returnsTeam, admin, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.detail).toMatch(/version 2/);
    const fresh = await put("/v1/teams/returns", returnsTeam, admin, { "if-match": '"2"' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.version).toBe(3);
    const absent = await put("/v1/teams/no-such-team", returnsTeam, admin, { "if-match": '"1"' });
    expect(absent.status).toBe(412);
    expect((await teams()).map((t) => t.teamId)).not.toContain("no-such-team");
    expect((await put("/v1/teams/returns", returnsTeam, admin, { "if-match": "3" })).status).toBe(
      400,
    );
  });

  it("refuses a category another team owns with 409 naming it, and stores nothing", async () => {
    const response = await put("/v1/teams/returns", { ...returnsTeam, categories: ["damage"] });
    expect(response.status).toBe(409);
    expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(response.body.detail).toMatch(/damage is owned by team claims/);
    expect(response.body.errors).toEqual([
      { path: "categories.0", message: "owned by team claims" },
    ]);
    const stored = (await teams()).find((t) => t.teamId === "returns");
    expect(stored).toMatchObject({ categories: [], version: 3 });

    const other = await put("/v1/teams/second-claims", {
      name: "Second claims",
      categories: ["loss"],
      supervisors: [],
    });
    expect(other.status).toBe(409);
    expect((await teams()).map((t) => t.teamId)).not.toContain("second-claims");
  });

  it("moves a category once its old team gave it up", async () => {
    const care = (await teams()).find((t) => t.teamId === "customer-care");
    const without = care.categories.filter((c: string) => c !== "suggestion");
    const released = await put("/v1/teams/customer-care", {
      name: care.name,
      categories: without,
      supervisors: care.supervisors,
    });
    expect(released.status).toBe(200);
    const taken = await put("/v1/teams/returns", { ...returnsTeam, categories: ["suggestion"] });
    expect(taken.status).toBe(200);
    expect(taken.body.categories).toEqual(["suggestion"]);
  });

  it.each([
    ["an unknown field", { ...returnsTeam, manager: "x" }, ["(root)"]],
    [
      "a missing name and a bad category",
      { ...returnsTeam, name: undefined, categories: ["lost"] },
      ["name", "categories.0"],
    ],
    [
      "a supervisor listed twice",
      { ...returnsTeam, supervisors: ["s-1", "s-1"] },
      ["supervisors.1"],
    ],
    [
      "an unknown holiday region",
      { ...returnsTeam, calendar: { holidayRegion: "atlantis" } },
      ["calendar.holidayRegion"],
    ],
    [
      "overlapping business hours",
      {
        ...returnsTeam,
        calendar: {
          weeklyHours: {
            "1": [
              { start: "09:00", end: "12:00" },
              { start: "11:00", end: "18:00" },
            ],
          },
        },
      },
      ["calendar"],
    ],
    ["an unknown calendar field", { ...returnsTeam, calendar: { hours: "9-6" } }, ["calendar"]],
    [
      "a negative SLA target",
      { ...returnsTeam, sla: { firstResponseMinutes: { high: -5 } } },
      ["sla.firstResponseMinutes.high"],
    ],
    [
      "an empty escalation level",
      { ...returnsTeam, escalationLevels: [[]] },
      ["escalationLevels.0"],
    ],
  ])("refuses %s with 400 and the field paths, storing nothing", async (_, body, paths) => {
    const response = await put("/v1/teams/new-returns", body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: any) => e.path)).toEqual(paths);
    expect((await teams()).map((t) => t.teamId)).not.toContain("new-returns");
  });

  it("refuses a malformed team id before reading anything", async () => {
    for (const id of ["Returns", "r", "-returns", "returns_2", "x".repeat(64)]) {
      const response = await put(`/v1/teams/${id}`, returnsTeam);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: "teamId", message: expect.any(String) }]);
    }
  });

  it("lets only admins write a team (403, nothing stored)", async () => {
    const supervisor = await local.system.token("sup-claims", ["supervisors"]);
    for (const token of [supervisor, local.ops]) {
      const response = await put("/v1/teams/ops-team", returnsTeam, token);
      expect(response.status).toBe(403);
      const claims = await put("/v1/teams/claims", { ...returnsTeam, categories: [] }, token);
      expect(claims.status).toBe(403);
    }
    const listed = await teams();
    expect(listed.map((t) => t.teamId)).not.toContain("ops-team");
    expect(listed.find((t) => t.teamId === "claims")).toMatchObject({
      categories: ["damage", "loss"],
      version: 1,
    });
  });
});

describe("agents", () => {
  const profile = {
    name: "Ma Li",
    team: "returns",
    skills: ["suggestion"],
    capacity: 3,
    onShift: false,
    vipCustomers: ["cust-9001"],
  };

  it("creates an agent, reads them back, and replaces their profile", async () => {
    const created = await put("/v1/agents/agent-returns-1", profile);
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.body).toMatchObject({ agentId: "agent-returns-1", ...profile, openCases: 0 });

    const listed = await agents("?team=returns");
    expect(listed).toEqual([
      expect.objectContaining({ agentId: "agent-returns-1", ...profile, openCases: 0, version: 1 }),
    ]);

    const replaced = await put("/v1/agents/agent-returns-1", {
      ...profile,
      name: "Ma Lili",
      vipCustomers: undefined,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: "Ma Lili", vipCustomers: [], version: 2 });
    // Off shift: nothing to announce.
    expect(announced("agent-returns-1")).toEqual([]);
  });

  it("refuses an unknown team (400 at `team`), a bad body and a bad id, storing nothing", async () => {
    const unknownTeam = await put("/v1/agents/agent-x-1", { ...profile, team: "nowhere" });
    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.errors.map((e: any) => e.path)).toEqual(["team"]);

    const bad = await put("/v1/agents/agent-x-1", {
      ...profile,
      capacity: 201,
      onShift: "yes",
      openCases: 0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual([
      "(root)",
      "capacity",
      "onShift",
    ]);
    expect((await put("/v1/agents/agent-x-1", { ...profile, capacity: 2.5 })).status).toBe(400);
    expect((await put("/v1/agents/agent%20x", profile)).body.errors[0].path).toBe("agentId");
    expect(await getAgent("agent-x-1")).toBeUndefined();
  });

  it("lets only admins write a profile (403, nothing stored)", async () => {
    const agent = await local.system.token("agent-claims-2", ["agents"]);
    const supervisor = await local.system.token("sup-claims", ["supervisors"]);
    const before = await getAgent("agent-claims-2");
    for (const token of [agent, supervisor]) {
      expect(
        (await put("/v1/agents/agent-claims-2", { ...profile, capacity: 200 }, token)).status,
      ).toBe(403);
      expect((await put("/v1/agents/agent-new-9", profile, token)).status).toBe(403);
    }
    expect(await getAgent("agent-claims-2")).toEqual(before);
    expect(await getAgent("agent-new-9")).toBeUndefined();
  });

  it("keeps an agent's open cases across a new profile, a lower capacity and a team move", async () => {
    const waybillNo = newWaybill("ORG");
    await local.system.publish([{ detailType: "Parcel Damaged", detail: damaged(waybillNo) }]);
    await local.system.runtime.idle();
    const [c] = await local.casesOf(waybillNo);
    expect(c).toMatchObject({ status: "assigned", team: "claims" });
    const holder = c.assignee as string;
    const before = await getAgent(holder);
    expect(before?.openCases).toBeGreaterThanOrEqual(1);

    const renamed = await put(`/v1/agents/${holder}`, {
      name: "Chen Jing (claims lead)",
      team: "claims",
      skills: ["damage"],
      capacity: 0,
      onShift: true,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ capacity: 0, openCases: before?.openCases });
    const after = await getAgent(holder);
    expect(after).toMatchObject({
      openCases: before?.openCases,
      lastAssignedAt: before?.lastAssignedAt,
    });
    expect((await agents("?team=claims")).find((a) => a.agentId === holder)?.openCases).toBe(
      before?.openCases,
    );

    // A move to another team: the team index follows, the load stays.
    const moved = await put(`/v1/agents/${holder}`, {
      name: before?.name,
      team: "returns",
      skills: before?.skills,
      capacity: before?.capacity,
      onShift: true,
    });
    expect(moved.status).toBe(200);
    expect((await agents("?team=claims")).map((a) => a.agentId)).not.toContain(holder);
    expect((await agents("?team=returns")).find((a) => a.agentId === holder)).toMatchObject({
      openCases: before?.openCases,
    });
    expect(announced(holder).at(-1)).toMatchObject({
      team: "returns",
      freeSlots: (before?.capacity ?? 0) - (before?.openCases ?? 0),
    });

    const back = await put(`/v1/agents/${holder}`, {
      name: before?.name,
      team: "claims",
      skills: before?.skills,
      capacity: before?.capacity,
      onShift: true,
      vipCustomers: before?.vipCustomers,
    });
    expect(back.status).toBe(200);
    expect(await getAgent(holder)).toMatchObject({
      team: "claims",
      capacity: before?.capacity,
      openCases: before?.openCases,
    });
  });

  it("announces Agent Available when capacity rises", async () => {
    const raised = await put("/v1/agents/agent-billing-1", {
      name: "Sun Li",
      team: "billing",
      skills: ["price"],
      capacity: 9,
      onShift: true,
    });
    expect(raised.status).toBe(200);
    const [event] = announced("agent-billing-1");
    expect(event).toMatchObject({
      metadata: { version: 1 },
      agentId: "agent-billing-1",
      team: "billing",
      freeSlots: 9 - raised.body.openCases,
      availableAt: raised.body.updatedAt,
    });
  });
});

describe("going on and off shift", () => {
  it("lets the agent themself go on shift, and announces it", async () => {
    const self = await local.system.token("agent-care-2", ["agents"]);
    const response = await patch("/v1/agents/agent-care-2", { onShift: true }, self);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ agentId: "agent-care-2", onShift: true });
    expect(announced("agent-care-2")).toEqual([
      expect.objectContaining({ team: "customer-care", freeSlots: 10 - response.body.openCases }),
    ]);
    const off = await patch("/v1/agents/agent-care-2", { onShift: false }, self);
    expect(off.body.onShift).toBe(false);
    expect(announced("agent-care-2")).toHaveLength(1);
  });

  it("refuses another agent, another team's supervisor and ops (403)", async () => {
    const colleague = await local.system.token("agent-care-1", ["agents"]);
    const otherSupervisor = await local.system.token("sup-claims", ["supervisors"]);
    // Their own id, but not as an agent.
    const notAgent = await local.system.token("agent-care-2", ["ops"]);
    for (const token of [colleague, otherSupervisor, local.ops, notAgent])
      expect((await patch("/v1/agents/agent-care-2", { onShift: true }, token)).status).toBe(403);
    expect(await getAgent("agent-care-2")).toMatchObject({ onShift: false });
  });

  it("lets their supervisor and admins set it", async () => {
    const supervisor = await local.system.token("sup-care", ["supervisors"]);
    const bySupervisor = await patch("/v1/agents/agent-care-2", { onShift: true }, supervisor);
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.onShift).toBe(true);
    const byAdmin = await patch("/v1/agents/agent-care-2", { onShift: false }, admin);
    expect(byAdmin.body.onShift).toBe(false);
  });

  it("answers an unknown agent with 404 and a bad body with 400", async () => {
    expect((await patch("/v1/agents/nobody-here", { onShift: true }, admin)).status).toBe(404);
    const bad = await patch("/v1/agents/agent-care-2", { onShift: true, capacity: 3 }, admin);
    expect(bad.status).toBe(400);
    expect((await patch("/v1/agents/agent-care-2", { onShift: "on" }, admin)).body.errors).toEqual([
      expect.objectContaining({ path: "onShift" }),
    ]);
  });
});

describe("who sees which agents", () => {
  const ids = (items: any[]) => items.map((a) => a.agentId).sort();

  it("shows an agent their own team's agents only", async () => {
    const agent = await local.system.token("agent-billing-1", ["agents"]);
    expect(ids(await agents("", agent))).toEqual(["agent-billing-1"]);
    expect(ids(await agents("?team=billing", agent))).toEqual(["agent-billing-1"]);
    expect(await agents("?team=claims", agent)).toEqual([]);
  });

  it("shows a supervisor the teams they supervise", async () => {
    const supervisor = await local.system.token("sup-claims", ["supervisors"]);
    expect(ids(await agents("", supervisor))).toEqual(["agent-claims-1", "agent-claims-2"]);
    expect(await agents("?team=billing", supervisor)).toEqual([]);
  });

  it("shows ops and admins every team, or the one asked for", async () => {
    const all = await agents("", local.ops);
    expect(ids(all)).toEqual(
      expect.arrayContaining(["agent-care-2", "agent-delivery-1", "agent-returns-1"]),
    );
    expect(all[0]).toEqual(
      expect.objectContaining({
        agentId: expect.any(String),
        name: expect.any(String),
        team: expect.any(String),
        skills: expect.any(Array),
        capacity: expect.any(Number),
        onShift: expect.any(Boolean),
        openCases: expect.any(Number),
        vipCustomers: expect.any(Array),
      }),
    );
    expect(ids(await agents("?team=delivery-ops", admin))).toEqual([
      "agent-delivery-1",
      "agent-delivery-2",
    ]);
    const bad = await local.system.get("/v1/agents?team=No_Team&x=1", admin);
    expect(bad.status).toBe(400);
  });
});

describe("npm run -s org (import and export through the API)", () => {
  const file = {
    teams: [
      {
        teamId: "international",
        name: "International",
        categories: [],
        supervisors: ["sup-intl"],
        sla: { resolutionBusinessDays: { routine: 7 } },
      },
    ],
    agents: [
      {
        agentId: "agent-intl-1",
        name: "Amy Tan",
        team: "international",
        skills: ["inquiry"],
        capacity: 4,
        onShift: true,
      },
    ],
  };

  it("creates, then updates, every team and agent of the file", async () => {
    const api = { url: local.system.url, token: admin };
    const lines: string[] = [];
    await importOrganisation(parseOrganisationFile(JSON.stringify(file)), api, (l) =>
      lines.push(l),
    );
    expect(lines).toEqual(["team international: created", "agent agent-intl-1: created"]);
    lines.length = 0;
    await importOrganisation(parseOrganisationFile(JSON.stringify(file)), api, (l) =>
      lines.push(l),
    );
    expect(lines).toEqual(["team international: updated", "agent agent-intl-1: updated"]);
    expect(await getAgent("agent-intl-1")).toMatchObject({ team: "international", capacity: 4 });
  });

  it("exports an organisation that imports again unchanged", async () => {
    const api = { url: local.system.url, token: admin };
    const exported = await exportOrganisation(api);
    expect(exported.teams.find((t) => t.teamId === "international")).toEqual(file.teams[0]);
    expect(exported.agents.find((a) => a.agentId === "agent-intl-1")).toEqual({
      ...file.agents[0],
      vipCustomers: [],
    });
    const loads = Object.fromEntries(
      await Promise.all(
        exported.agents.map(async (a) => [a.agentId, (await getAgent(a.agentId))?.openCases]),
      ),
    );
    const lines: string[] = [];
    await importOrganisation(exported, api, (l) => lines.push(l));
    expect(lines).toHaveLength(exported.teams.length + exported.agents.length);
    expect(lines.every((l) => l.endsWith(": updated"))).toBe(true);
    for (const a of exported.agents)
      expect((await getAgent(a.agentId))?.openCases).toBe(loads[a.agentId]);
    expect(await exportOrganisation(api)).toEqual(exported);
  });

  it("stops at the first refusal with the API's problem details", async () => {
    const api = { url: local.system.url, token: admin };
    const bad = parseOrganisationFile(
      JSON.stringify({
        teams: [{ ...file.teams[0], categories: ["price"] }],
        agents: file.agents,
      }),
    );
    const failure = await importOrganisation(bad, api, () => undefined).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OrgApiError);
    expect(failure).toMatchObject({
      item: "team international",
      status: 409,
      problem: { detail: expect.stringMatching(/owned by team billing/) },
    });

    const agent = await local.system.token("agent-intl-1", ["agents"]);
    await expect(
      importOrganisation(
        parseOrganisationFile(JSON.stringify(file)),
        { ...api, token: agent },
        () => undefined,
      ),
    ).rejects.toMatchObject({ status: 403, item: "team international" });
  });

  it("gives the event consumers teams at most 30 s old, and a team written at once", async () => {
    const client = dynamoDocumentClient();
    const send = client.send.bind(client);
    let teamReads = 0;
    const spy = vi.spyOn(client, "send").mockImplementation(((command: {
      input: { ExpressionAttributeValues?: Record<string, unknown> };
    }) => {
      if (command.input.ExpressionAttributeValues?.[":pk"] === "ORG") teamReads++;
      return send(command as never);
    }) as never);
    const now = vi.spyOn(performance, "now");
    try {
      now.mockReturnValue(1_000_000_000);
      const first = await recentTeams();
      await recentTeams();
      expect(teamReads).toBe(1); // the second call within 30 s reads nothing
      now.mockReturnValue(1_000_000_000 + TEAMS_MAX_AGE_MS + 1);
      await recentTeams();
      expect(teamReads).toBe(2); // older than 30 s: read again

      // A team written through the store is seen at once, whatever the age.
      const created = await put("/v1/teams/recent-check", { ...returnsTeam, supervisors: [] });
      expect(created.status).toBe(201);
      const after = await recentTeams();
      expect(after.map((t) => t.teamId)).toContain("recent-check");
      expect(first.map((t) => t.teamId)).not.toContain("recent-check");
    } finally {
      spy.mockRestore();
      now.mockRestore();
    }
  });
});
