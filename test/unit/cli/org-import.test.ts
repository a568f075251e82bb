// `npm run -s org`: the organisation file it reads, the requests it makes (a fake fetch stands in
// for the API), what it reports, and where it stops.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  exportOrganisation,
  importOrganisation,
  OrgApiError,
  parseOrganisationFile,
} from "#infra/cli/org-import.ts";

const defaultOrg = readFileSync(
  new URL("../../../infra/local/default-org.json", import.meta.url),
  "utf8",
);

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status: number; body?: unknown };

/** A fetch that records each call and answers with `answer(call)`. */
function fakeApi(answer: (call: Call, calls: Call[]) => Answer) {
  const calls: Call[] = [];
  const fake = (async (url: string, init: RequestInit = {}) => {
    const call: Call = {
      method: init.method ?? "GET",
      url,
      headers: init.headers as Record<string, string>,
      body: init.body ? JSON.parse(init.body as string) : undefined,
    };
    calls.push(call);
    const { status, body } = answer(call, calls);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: {
        "content-type":
          status >= 400 ? "application/problem+json" : "application/json; charset=utf-8",
      },
    });
  }) as typeof fetch;
  return { calls, fetch: fake };
}

const org = parseOrganisationFile(
  JSON.stringify({
    teams: [
      { teamId: "returns", name: "Returns", categories: ["other"], supervisors: ["sup-r"] },
      {
        teamId: "claims",
        name: "Claims",
        categories: ["damage", "loss"],
        supervisors: ["sup-claims"],
        sla: { firstResponseMinutes: { high: 60 } },
        escalationLevels: [["manager-1"]],
      },
    ],
    agents: [
      {
        agentId: "agent-r-1",
        name: "Ma Li",
        team: "returns",
        skills: ["other"],
        capacity: 4,
        onShift: true,
      },
    ],
  }),
);

describe("the organisation file", () => {
  it("reads the local runtime's default organisation", () => {
    const parsed = parseOrganisationFile(defaultOrg);
    expect(parsed.teams.map((t) => t.teamId)).toEqual([
      "delivery-ops",
      "claims",
      "billing",
      "customer-care",
    ]);
    expect(parsed.agents).toHaveLength(7);
  });

  it.each([
    [
      "a category owned by two teams",
      {
        teams: [
          { teamId: "a-team", name: "A", categories: ["delay"], supervisors: [] },
          { teamId: "b-team", name: "B", categories: ["price", "delay"], supervisors: [] },
        ],
      },
      /teams\.1\.categories\.1: category delay is already owned by team a-team/,
    ],
    [
      "a team listed twice",
      {
        teams: [
          { teamId: "a-team", name: "A", categories: [], supervisors: [] },
          { teamId: "a-team", name: "A again", categories: [], supervisors: [] },
        ],
      },
      /teams\.1\.teamId: team a-team is listed twice/,
    ],
    [
      "an unknown field",
      { teams: [{ teamId: "a-team", name: "A", categories: [], supervisors: [], boss: "x" }] },
      /teams\.0: Unrecognized key: "boss"/,
    ],
    [
      "a capacity over 200 and a bad team id",
      {
        agents: [
          { agentId: "a1", name: "A", team: "Team A", skills: [], capacity: 201, onShift: true },
        ],
      },
      /agents\.0\.team: must be 2–63 characters.*agents\.0\.capacity: must be at most 200/,
    ],
    [
      "a calendar with an unknown holiday region",
      {
        teams: [
          {
            teamId: "a-team",
            name: "A",
            categories: [],
            supervisors: [],
            calendar: { holidayRegion: "atlantis" },
          },
        ],
      },
      /teams\.0\.calendar\.holidayRegion: unknown holiday region "atlantis"/,
    ],
  ])("refuses %s, naming the field", (_, file, message) => {
    expect(() => parseOrganisationFile(JSON.stringify(file), "org.json")).toThrow(message);
  });

  it("refuses what is not JSON", () => {
    expect(() => parseOrganisationFile("{teams:", "org.json")).toThrow(/org.json is not JSON/);
  });
});

describe("importing", () => {
  const api = (fetch: typeof globalThis.fetch) => ({
    url: "https://api.example.com/",
    token: "T0KEN",
    fetch,
  });

  it("PUTs every team, then every agent, and reports each as created or updated", async () => {
    const { calls, fetch } = fakeApi((call) => ({
      status: call.url.endsWith("/claims") ? 200 : 201,
      body: {},
    }));
    const lines: string[] = [];
    const counts = await importOrganisation(org, api(fetch), (line) => lines.push(line));

    expect(lines).toEqual([
      "team returns: created",
      "team claims: updated",
      "agent agent-r-1: created",
    ]);
    expect(counts).toEqual({ created: 2, updated: 1 });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "PUT https://api.example.com/v1/teams/returns",
      "PUT https://api.example.com/v1/teams/claims",
      "PUT https://api.example.com/v1/agents/agent-r-1",
    ]);
    expect(calls[0]?.headers).toMatchObject({
      authorization: "Bearer T0KEN",
      "content-type": "application/json",
    });
    // The body of the route: the id is in the path, not in the body; defaults filled in.
    expect(calls[1]?.body).toEqual({
      name: "Claims",
      categories: ["damage", "loss"],
      supervisors: ["sup-claims"],
      sla: { firstResponseMinutes: { high: 60 } },
      escalationLevels: [["manager-1"]],
    });
    expect(calls[2]?.body).toEqual({
      name: "Ma Li",
      team: "returns",
      skills: ["other"],
      capacity: 4,
      onShift: true,
    });
  });

  it("tries a team refused for a category another team still owns again after the others", async () => {
    // `returns` takes `other`, which `claims` owns until its own PUT gives it up.
    let claimsDone = false;
    const { calls, fetch } = fakeApi((call) => {
      if (call.url.endsWith("/teams/returns") && !claimsDone)
        return {
          status: 409,
          body: {
            status: 409,
            title: "Conflict",
            detail: "Category other is owned by team claims",
          },
        };
      if (call.url.endsWith("/teams/claims")) claimsDone = true;
      return { status: 200, body: {} };
    });
    const lines: string[] = [];
    await importOrganisation(org, api(fetch), (line) => lines.push(line));
    expect(lines).toEqual([
      "team claims: updated",
      "team returns: updated",
      "agent agent-r-1: updated",
    ]);
    expect(calls).toHaveLength(4);
  });

  it("stops at the first refusal with the problem details, and sends nothing after it", async () => {
    const problem = {
      type: "about:blank",
      status: 400,
      title: "Bad Request",
      detail: "The body is not valid",
      errors: [{ path: "calendar", message: "Invalid business calendar" }],
    };
    const { calls, fetch } = fakeApi((call) =>
      call.url.endsWith("/claims") ? { status: 400, body: problem } : { status: 201, body: {} },
    );
    const lines: string[] = [];
    const failure = await importOrganisation(org, api(fetch), (line) => lines.push(line)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OrgApiError);
    expect(failure).toMatchObject({ item: "team claims", status: 400, problem });
    expect((failure as Error).message).toMatch(/calendar: Invalid business calendar/);
    expect(lines).toEqual(["team returns: created"]);
    expect(calls).toHaveLength(2);
  });

  it("gives up on teams that keep being refused with 409", async () => {
    const { calls, fetch } = fakeApi(() => ({
      status: 409,
      body: { status: 409, title: "Conflict", detail: "owned by team x" },
    }));
    await expect(importOrganisation(org, api(fetch), () => undefined)).rejects.toMatchObject({
      item: "team returns",
      status: 409,
    });
    expect(calls).toHaveLength(2);
  });

  it("reports the gateway's own 401", async () => {
    const { fetch } = fakeApi(() => ({ status: 401, body: { message: "Unauthorized" } }));
    await expect(importOrganisation(org, api(fetch), () => undefined)).rejects.toMatchObject({
      status: 401,
      problem: { title: "Unauthorized" },
    });
  });
});

describe("exporting", () => {
  it("reads teams and agents and writes a file that imports again", async () => {
    const { calls, fetch } = fakeApi((call) =>
      call.url.endsWith("/v1/teams")
        ? {
            status: 200,
            body: {
              items: [
                {
                  teamId: "claims",
                  name: "Claims",
                  categories: ["damage"],
                  supervisors: ["sup-claims"],
                  calendar: null,
                  sla: { firstResponseMinutes: { high: 60 } },
                  escalationLevels: [],
                  version: 3,
                  updatedAt: "2026-11-22T00:00:00.000Z",
                },
              ],
            },
          }
        : {
            status: 200,
            body: {
              items: [
                {
                  agentId: "agent-claims-1",
                  name: "Chen Jing",
                  team: "claims",
                  skills: ["damage"],
                  capacity: 5,
                  onShift: true,
                  openCases: 2,
                  vipCustomers: ["cust-2001"],
                  lastAssignedAt: null,
                  version: 7,
                },
              ],
            },
          },
    );
    const file = await exportOrganisation({ url: "http://127.0.0.1:3000", token: "t", fetch });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "GET http://127.0.0.1:3000/v1/teams",
      "GET http://127.0.0.1:3000/v1/agents",
    ]);
    expect(file).toEqual({
      teams: [
        {
          teamId: "claims",
          name: "Claims",
          categories: ["damage"],
          supervisors: ["sup-claims"],
          sla: { firstResponseMinutes: { high: 60 } },
        },
      ],
      agents: [
        {
          agentId: "agent-claims-1",
          name: "Chen Jing",
          team: "claims",
          skills: ["damage"],
          capacity: 5,
          onShift: true,
          vipCustomers: ["cust-2001"],
        },
      ],
    });
    expect(parseOrganisationFile(JSON.stringify(file))).toEqual(file);
  });
});
