// GET /v1/notice-settings (every role) and PUT /v1/notice-settings/{category} (admins, or a
// supervisor of the team owning the category): proactive customer notices (主动推送) on or off
// per category. Off: no Customer Notice Requested for new cases of that category, and notices
// still held for the customers' quiet hours are dropped when they fall due.
import { z } from "zod";
import { clock } from "#shared/adapters/clock.ts";
import {
  defaultSetting,
  type NoticeSetting,
  noticeSetting,
  putNoticeSetting,
  switchedNoticeSettings,
} from "#shared/adapters/notice-store.ts";
import { listTeams } from "#shared/adapters/org-store.ts";
import { teamForCategory } from "#shared/domain/assignment.ts";
import { CATEGORIES, type Category } from "#shared/domain/case.ts";
import { ROLES } from "../caller.ts";
import { HttpError, json } from "../http.ts";
import { keptChanging, MAX_WRITE_ATTEMPTS } from "../org-view.ts";
import { type ApiRequest, parseBody } from "../request.ts";

const settingBody = z.strictObject({ enabled: z.boolean() });

const view = (s: NoticeSetting) => ({
  category: s.category,
  enabled: s.enabled,
  updatedBy: s.updatedBy,
  updatedAt: s.updatedAt,
});

/** Every category, switched or not (the default is on), in the order of CATEGORIES. */
export async function listNoticeSettingsRoute({ caller }: ApiRequest) {
  if (!caller.roles.some((role) => ROLES.includes(role)))
    throw new HttpError(403, "Forbidden", "Your token names none of the groups of this API");
  const switched = new Map((await switchedNoticeSettings()).map((s) => [s.category, s]));
  return json(200, {
    items: CATEGORIES.map((category) => view(switched.get(category) ?? defaultSetting(category))),
  });
}

/** Switches the category's notices on or off; 200 with the setting (a repeat changes nothing). */
export async function putNoticeSettingRoute({ event, caller }: ApiRequest) {
  const isAdmin = caller.roles.includes("admins");
  if (!isAdmin && !caller.roles.includes("supervisors"))
    throw new HttpError(
      403,
      "Forbidden",
      "Only admins and the supervisors of the team owning the category switch its notices",
    );
  const category = categoryParam(event.pathParameters?.category);
  const { enabled } = parseBody(event, settingBody);
  if (!isAdmin) {
    const owner = teamForCategory(category, await listTeams());
    if (!owner?.supervisors.includes(caller.userId))
      throw new HttpError(
        403,
        "Forbidden",
        owner
          ? `Only admins and the supervisors of team ${owner.teamId} switch the notices of ${category}`
          : `No team owns ${category}: only admins switch its notices`,
      );
  }

  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await noticeSetting(category, { consistentRead: true });
    if (current.version > 0 && current.enabled === enabled) return json(200, view(current));
    const saved = await putNoticeSetting(category, enabled, current, caller.userId, clock.nowIso());
    if (saved) return json(200, view(saved));
  }
  throw keptChanging(`The notice setting of ${category}`);
}

function categoryParam(value: string | undefined): Category {
  if (value !== undefined && (CATEGORIES as readonly string[]).includes(value))
    return value as Category;
  throw new HttpError(
    404,
    "Not Found",
    `No such category: categories are ${CATEGORIES.join(", ")}`,
  );
}
