// api: the agents' HTTP API (API Gateway HTTP API, payload 2.0, JWT-authorized under /v1).
// Routes are declared in infra/topology.ts; this file maps each to its implementation.
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy, { type MiddyHandlerObject } from "@middy/core";
import httpRouterHandler, { type Route } from "@middy/http-router";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  Context,
} from "aws-lambda";
import { functionSpec, routes } from "#infra/topology.ts";
import { InvalidCursorError } from "#shared/adapters/cursor.ts";
import { logger } from "#shared/adapters/powertools.ts";
import { callerOf } from "./caller.ts";
import { HttpError, type HttpResult, problem } from "./http.ts";
import type { ApiRequest } from "./request.ts";
import { unmatchedRequest } from "./unmatched.ts";
import {
  assignRoute,
  closeRoute,
  escalateRoute,
  mergeRoute,
  noteRoute,
  resolveRoute,
  respondRoute,
  waitRoute,
} from "./routes/case-actions.ts";
import { caseTimelineRoute } from "./routes/case-timeline.ts";
import { correctCaseRoute } from "./routes/correct-case.ts";
import { createCaseRoute } from "./routes/create-case.ts";
import { caseContactRoute, followUpContactRoute } from "./routes/customer-contact.ts";
import { customerErasureRoute } from "./routes/customer-erasure.ts";
import { getFollowUpRoute, listFollowUpsRoute, recordOutcomeRoute } from "./routes/follow-ups.ts";
import { getCaseRoute } from "./routes/get-case.ts";
import { hotspotsRoute, kpisRoute } from "./routes/kpis.ts";
import { listCasesRoute } from "./routes/list-cases.ts";
import { listNoticeSettingsRoute, putNoticeSettingRoute } from "./routes/notice-settings.ts";
import { listAgentsRoute, patchAgentRoute, putAgentRoute } from "./routes/org-agents.ts";
import { listTeamsRoute, putTeamRoute } from "./routes/org-teams.ts";
import { healthRoute, openApiRoute } from "./routes/public-routes.ts";

type Implementation = (request: ApiRequest) => Promise<HttpResult>;

/** Every `api` route of the topology, by "METHOD path". */
export const implementations: Record<string, Implementation> = {
  "GET /v1/cases": listCasesRoute,
  "POST /v1/cases": createCaseRoute,
  "GET /v1/cases/{caseId}": getCaseRoute,
  "PATCH /v1/cases/{caseId}": correctCaseRoute,
  "GET /v1/cases/{caseId}/timeline": caseTimelineRoute,
  "GET /v1/cases/{caseId}/contact": caseContactRoute,
  "POST /v1/cases/{caseId}/responses": respondRoute,
  "POST /v1/cases/{caseId}/notes": noteRoute,
  "POST /v1/cases/{caseId}/wait": waitRoute,
  "POST /v1/cases/{caseId}/assign": assignRoute,
  "POST /v1/cases/{caseId}/escalate": escalateRoute,
  "POST /v1/cases/{caseId}/merge": mergeRoute,
  "POST /v1/cases/{caseId}/resolve": resolveRoute,
  "POST /v1/cases/{caseId}/close": closeRoute,
  "GET /v1/follow-ups": listFollowUpsRoute,
  "GET /v1/follow-ups/{followUpId}": getFollowUpRoute,
  "GET /v1/follow-ups/{followUpId}/contact": followUpContactRoute,
  "POST /v1/customers/{customerId}/erasure": customerErasureRoute,
  "POST /v1/follow-ups/{followUpId}/outcome": recordOutcomeRoute,
  "GET /v1/kpis": kpisRoute,
  "GET /v1/kpis/hotspots": hotspotsRoute,
  "GET /v1/teams": listTeamsRoute,
  "PUT /v1/teams/{teamId}": putTeamRoute,
  "GET /v1/agents": listAgentsRoute,
  "PUT /v1/agents/{agentId}": putAgentRoute,
  "PATCH /v1/agents/{agentId}": patchAgentRoute,
  "GET /v1/notice-settings": listNoticeSettingsRoute,
  "PUT /v1/notice-settings/{category}": putNoticeSettingRoute,
};

/** The routes without a token (auth: false). */
const publicRoutes: Record<string, () => Promise<HttpResult>> = {
  "GET /health": healthRoute,
  "GET /openapi.json": openApiRoute,
};

function route(method: string, path: string, auth: boolean) {
  const key = `${method} ${path}`;
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      if (!auth) return await (publicRoutes[key] as () => Promise<HttpResult>)();
      const authorized = event as APIGatewayProxyEventV2WithJWTAuthorizer;
      return await (implementations[key] as Implementation)({
        event: authorized,
        caller: callerOf(authorized),
      });
    } catch (error) {
      return toProblem(error, event.rawPath);
    }
  };
}

function toProblem(error: unknown, path: string): HttpResult {
  if (error instanceof HttpError) return problem(error, path);
  if (error instanceof InvalidCursorError || error instanceof RangeError) {
    return problem(new HttpError(400, "Bad Request", error.message), path);
  }
  // Name and message only: a stack or a quoted request could carry personal data.
  logger.error("Unhandled API error", {
    path,
    error: error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : "Unknown",
  });
  return problem(
    new HttpError(500, "Internal Server Error", "Something went wrong; it has been logged"),
    path,
  );
}

// Every route of a function built from this bundle (`api` writes, `api-read` only reads: API
// Gateway sends each its own routes, and the read function's role cannot write).
const apiRoutes: Route<APIGatewayProxyEventV2, HttpResult>[] = routes
  .filter((r) => functionSpec(r.function).entry === "functions/api/handler.ts")
  .map((r) => ({ method: r.method, path: r.path, handler: route(r.method, r.path, r.auth) }));

const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResult>({
  routes: apiRoutes,
  notFoundResponse: ({ method, path }) => {
    throw unmatchedRequest(method, path);
  },
});

// API Gateway sends `$default` what no route matched: never a route for it (the router would
// take `/v1/cases/` for `/v1/cases`, unauthorized).
async function apiHandler(
  event: APIGatewayProxyEventV2,
  context: Context,
  options: MiddyHandlerObject,
): Promise<HttpResult> {
  if (event.routeKey === "$default")
    throw unmatchedRequest(event.requestContext.http.method, event.rawPath);
  return (await router(event, context, options)) as HttpResult;
}

export const handler = middy(apiHandler)
  .use(injectLambdaContext(logger))
  .use({
    onError: async (request) => {
      request.response = toProblem(request.error, request.event.rawPath);
    },
  });
