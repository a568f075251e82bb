// GET /v1/teams (every role) and PUT /v1/teams/{teamId} (admins): the teams, the categories
// they own, their supervisors and escalation levels, their calendar and SLA targets.
import { clock } from "#shared/adapters/clock.ts";
import { listTeams, putTeam, type TeamRecord } from "#shared/adapters/org-store.ts";
import type { Team } from "#shared/domain/assignment.ts";
import { calendarOf } from "#shared/domain/calendar-spec.ts";
import { HttpError, json } from "../http.ts";
import {
  etagOf,
  keptChanging,
  MAX_WRITE_ATTEMPTS,
  optionalIfMatch,
  requireAdmin,
  teamListSchema,
  teamSchema,
  teamView,
} from "../org-view.ts";
import { type ApiRequest, parseBody, pathId } from "../request.ts";
import { TEAM_ID, teamBody, teamId as teamIdField, teamOf } from "./org-bodies.ts";
import type { RouteDocs } from "../route-docs.ts";

export async function listTeamsRoute(_request: ApiRequest) {
  return json(200, { items: (await listTeams()).map(teamView) });
}

/**
 * Creates (201) or replaces (200) the team. With If-Match, only the version named (412
 * otherwise); without, the last write wins, still conditional on the version read (re-read on a
 * conflict). A category another team owns is a 409 naming that team.
 */
export async function putTeamRoute({ event, caller }: ApiRequest) {
  requireAdmin(caller);
  const teamId = pathId(
    event,
    "teamId",
    TEAM_ID,
    "must be 2–63 characters of a-z, 0-9 and '-', starting with a letter or digit",
  );
  const ifMatch = optionalIfMatch(event);
  const team = teamOf(teamId, parseBody(event, teamBody));
  assertWorkableCalendar(team);

  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const teams = await listTeams({ consistentRead: true });
    const current = teams.find((t) => t.teamId === teamId);
    if (ifMatch !== null && current?.version !== ifMatch)
      throw new HttpError(412, "Precondition Failed", staleDetail(teamId, current));
    assertCategoriesFree(team, teams);
    const saved = await putTeam(team, current, clock.nowIso());
    if (saved) return json(current ? 200 : 201, teamView(saved), { etag: etagOf(saved) });
    if (ifMatch !== null)
      throw new HttpError(412, "Precondition Failed", `Team ${teamId} changed meanwhile`);
  }
  throw keptChanging(`Team ${teamId}`);
}

/** The schema checks the calendar as calendarOf does; this is the last word, at `calendar`. */
function assertWorkableCalendar(team: Team): void {
  if (!team.calendar) return;
  try {
    calendarOf(team.calendar);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new HttpError(400, "Bad Request", "The body is not valid", [
      { path: "calendar", message: error.message },
    ]);
  }
}

/** A category belongs to one team: 409 naming the team that lists it already. */
function assertCategoriesFree(team: Team, teams: readonly TeamRecord[]): void {
  const taken = team.categories.flatMap((category, i) => {
    const owner = teams.find((t) => t.teamId !== team.teamId && t.categories.includes(category));
    return owner ? [{ category, owner: owner.teamId, path: `categories.${i}` }] : [];
  });
  if (taken.length === 0) return;
  const [first] = taken as [(typeof taken)[number]];
  throw new HttpError(
    409,
    "Conflict",
    `Category ${first.category} is owned by team ${first.owner}; take it out of that team first (PUT /v1/teams/${first.owner})`,
    taken.map((t) => ({ path: t.path, message: `owned by team ${t.owner}` })),
  );
}

function staleDetail(teamId: string, current: TeamRecord | undefined): string {
  return current
    ? `Team ${teamId} is at version ${current.version} (ETag "${current.version}"); read it again (GET /v1/teams)`
    : `There is no team ${teamId} yet; create it without If-Match`;
}

export const teamDocs: RouteDocs = {
  "GET /v1/teams": {
    operationId: "listTeams",
    summary: "Every team",
    responses: { 200: { description: "The teams", body: teamListSchema } },
    problems: { 403: "A token of none of the API's groups" },
  },
  "PUT /v1/teams/{teamId}": {
    operationId: "putTeam",
    summary: "Creates (201) or replaces (200) a team",
    description:
      "Admins. At most 50 supervisors, 5 escalation levels of 1–20 people; nothing listed twice; a calendar that holds together. Without If-Match the last write wins.",
    path: { teamId: teamIdField },
    ifMatch: "optional",
    body: teamBody,
    responses: {
      201: { description: "The team, created", body: teamSchema, headers: ["ETag"] },
      200: { description: "The team, replaced", body: teamSchema, headers: ["ETag"] },
    },
    problems: {
      400: "A bad team id, body (`errors`: e.g. `categories.1`, `calendar.holidayRegion`, `(root)` for an unknown field) or If-Match",
      403: "Not an admin",
      409: "A category another team lists (`errors[].path` e.g. `categories.0`), or the team kept changing while it was written",
      412: "If-Match names another version, or the team does not exist",
      413: "A body over 16 KB",
      415: "Not application/json",
    },
  },
};
