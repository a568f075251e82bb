// What `npm run -s org` does, through the HTTP API only (so it works against a deployed stack
// with nothing but a token): import an organisation file (PUT every team, then every agent) and
// export the organisation as such a file. Kept apart from the command line so it can be tested
// with a fake fetch.
import {
  agentBodyOf,
  type OrganisationFile,
  organisationFile,
  teamBodyOf,
} from "#functions/api/routes/org-bodies.ts";
import { describeErrors } from "#shared/adapters/validation.ts";

export interface OrgApi {
  /** The API's base URL: the stack's `ApiUrl` output, or http://127.0.0.1:3000. */
  readonly url: string;
  /** A bearer token of a user in `admins` (to import) or `admins`/`ops` (to export). */
  readonly token: string;
  readonly fetch?: typeof fetch;
}

interface Problem {
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { path: string; message: string }[];
}

/** The API refused a request: `item` is what it was about (`team claims`). */
export class OrgApiError extends Error {
  constructor(
    readonly item: string,
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(`${item}: ${status} ${describeProblem(problem)}`);
    this.name = "OrgApiError";
  }
}

function describeProblem(problem: Problem | null): string {
  if (!problem) return "(no problem details)";
  const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
  return [problem.title, problem.detail, fields && `(${fields})`].filter(Boolean).join(" — ");
}

/** The organisation file, or an Error naming every problem (`teams.1.categories.0: …`). */
export function parseOrganisationFile(text: string, name = "the file"): OrganisationFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not JSON: ${(error as Error).message}`);
  }
  const parsed = organisationFile.safeParse(value);
  if (!parsed.success)
    throw new Error(`${name} is not a valid organisation file: ${describeErrors(parsed.error)}`);
  return parsed.data;
}

async function call(
  api: OrgApi,
  item: string,
  method: "GET" | "PUT",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const doFetch = api.fetch ?? fetch;
  const response = await doFetch(`${api.url.replace(/\/+$/, "")}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.token}`,
      accept: "application/json",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text.slice(0, 300) };
  }
  if (response.status >= 400) {
    const answer =
      parsed && typeof parsed === "object" ? (parsed as Problem & { message?: string }) : null;
    // API Gateway's own 401 is `{"message":"Unauthorized"}`, not a problem document.
    const problem = answer && !answer.detail && answer.message ? { title: answer.message } : answer;
    throw new OrgApiError(item, response.status, problem);
  }
  return { status: response.status, body: parsed };
}

const outcomeOf = (status: number) => (status === 201 ? "created" : "updated");

/**
 * PUTs every team, then every agent, and reports one line per item (`team claims: updated`).
 * A team refused with 409 (a category another team still owns, which a later team of the file
 * gives up) is tried again after the others; the first other refusal stops the import with an
 * OrgApiError. Without If-Match: what the file says wins.
 */
export async function importOrganisation(
  org: OrganisationFile,
  api: OrgApi,
  report: (line: string) => void,
): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  const done = (item: string, status: number) => {
    const outcome = outcomeOf(status);
    counts[outcome] += 1;
    report(`${item}: ${outcome}`);
  };

  let pending = [...org.teams];
  while (pending.length > 0) {
    const deferred: typeof pending = [];
    let firstConflict: OrgApiError | undefined;
    for (const team of pending) {
      const item = `team ${team.teamId}`;
      try {
        const { status } = await call(
          api,
          item,
          "PUT",
          `/v1/teams/${encodeURIComponent(team.teamId)}`,
          teamBodyOf(team),
        );
        done(item, status);
      } catch (error) {
        if (!(error instanceof OrgApiError) || error.status !== 409) throw error;
        deferred.push(team);
        firstConflict ??= error;
      }
    }
    if (deferred.length === pending.length) throw firstConflict as OrgApiError;
    pending = deferred;
  }

  for (const agent of org.agents) {
    const item = `agent ${agent.agentId}`;
    const { status } = await call(
      api,
      item,
      "PUT",
      `/v1/agents/${encodeURIComponent(agent.agentId)}`,
      agentBodyOf(agent),
    );
    done(item, status);
  }
  return counts;
}

interface TeamItem {
  teamId: string;
  name: string;
  categories: string[];
  supervisors: string[];
  calendar?: unknown;
  sla?: unknown;
  escalationLevels?: string[][];
}

interface AgentItem {
  agentId: string;
  name: string;
  team: string;
  skills: string[];
  capacity: number;
  onShift: boolean;
  vipCustomers?: string[];
}

/** The organisation as a file `importOrganisation` reads back (GET /v1/teams, GET /v1/agents). */
export async function exportOrganisation(api: OrgApi): Promise<OrganisationFile> {
  const teams = (await call(api, "teams", "GET", "/v1/teams")).body as { items: TeamItem[] };
  const agents = (await call(api, "agents", "GET", "/v1/agents")).body as { items: AgentItem[] };
  const file = {
    teams: teams.items.map((t) => ({
      teamId: t.teamId,
      name: t.name,
      categories: t.categories,
      supervisors: t.supervisors,
      ...(t.calendar ? { calendar: t.calendar } : {}),
      ...(t.sla ? { sla: t.sla } : {}),
      ...(t.escalationLevels?.length ? { escalationLevels: t.escalationLevels } : {}),
    })),
    agents: agents.items.map((a) => ({
      agentId: a.agentId,
      name: a.name,
      team: a.team,
      skills: a.skills,
      capacity: a.capacity,
      onShift: a.onShift,
      vipCustomers: a.vipCustomers ?? [],
    })),
  };
  // What the API answered must import again as it is: checked with the import's own schema.
  return parseOrganisationFile(JSON.stringify(file), "the exported organisation");
}
