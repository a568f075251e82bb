// GET /v1/notice-settings (every role) and PUT /v1/notice-settings/{category} (admins, or a
// supervisor of the team owning the category): proactive customer notices (主动推送) on or off
// per category. Off: no Customer Notice Requested for new cases of that category, and notices
// still held for the customers' quiet hours are dropped when they fall due.
import * as z from "zod";
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
import { HttpError, json } from "../http.ts";
import { keptChanging, MAX_WRITE_ATTEMPTS } from "../org-view.ts";
import { type ApiRequest, parseBody, pathId } from "../request.ts";
import type { RouteDocs } from "../route-docs.ts";
import { listOf, responseBody, type ResponseOf, timestamp } from "../schemas.ts";

export const settingBody = z.strictObject({ enabled: z.boolean() });

export const noticeSettingSchema = responseBody(
  "NoticeSetting",
  "Whether new cases of the category ask for a customer notice; `updatedBy` and `updatedAt` null for a category nobody switched (on)",
  z.object({
    category: z.enum(CATEGORIES),
    enabled: z.boolean(),
    updatedBy: z.string().nullable(),
    updatedAt: timestamp.nullable(),
  }),
);

export const noticeSettingListSchema = responseBody(
  "NoticeSettingList",
  "One setting per category, in the order of the categories",
  listOf(noticeSettingSchema),
);

const view = (s: NoticeSetting): ResponseOf<typeof noticeSettingSchema> => ({
  category: s.category,
  enabled: s.enabled,
  updatedBy: s.updatedBy,
  updatedAt: s.updatedAt,
});

/** Every category, switched or not (the default is on), in the order of CATEGORIES. */
export async function listNoticeSettingsRoute(_request: ApiRequest) {
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
  const category = categoryParam(event);
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

function categoryParam(event: ApiRequest["event"]): Category {
  return pathId(
    event,
    "category",
    new RegExp(`^(?:${CATEGORIES.join("|")})$`),
    `one of ${CATEGORIES.join(", ")}`,
  ) as Category;
}

export const noticeSettingDocs: RouteDocs = {
  "GET /v1/notice-settings": {
    operationId: "listNoticeSettings",
    summary: "Customer notices on or off, per category",
    responses: { 200: { description: "Every category's setting", body: noticeSettingListSchema } },
    problems: { 403: "A token of none of the API's groups" },
  },
  "PUT /v1/notice-settings/{category}": {
    operationId: "putNoticeSetting",
    summary: "Switches the category's customer notices on or off",
    description:
      "Admins, or a supervisor of the team owning the category (only admins switch a category no team owns). Off: no notice for the category's new cases, and notices still held for the night are dropped when they fall due. Sending the value it has changes nothing.",
    path: { category: z.enum(CATEGORIES) },
    body: settingBody,
    responses: { 200: { description: "The setting", body: noticeSettingSchema } },
    problems: {
      400: "Not a category, or a bad body (`errors`)",
      403: "An agent, ops, or a supervisor of another team",
      409: "The setting kept changing while it was written; try again",
      413: "A body over 16 KB",
      415: "Not application/json",
    },
  },
};
