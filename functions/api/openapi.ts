// The OpenAPI 3.1 description of the HTTP API, served at GET /openapi.json. It is generated, never
// written by hand: the paths are the routes of infra/topology.ts, and each operation is what its
// route module documents next to its handlers (route-docs.ts) — the zod schemas the handlers
// validate requests with (as JSON Schema of their input) and the response schemas the views are
// typed against (as JSON Schema of their output). Built once per process, on first use.
import * as z from "zod";
import { type RouteSpec, routes } from "#infra/topology.ts";
import { MAX_BODY_BYTES } from "./request.ts";
import type { ProblemStatus, RouteDoc, RouteDocs, SuccessDoc } from "./route-docs.ts";
import { caseActionDocs } from "./routes/case-actions.ts";
import { caseTimelineDocs } from "./routes/case-timeline.ts";
import { correctCaseDocs } from "./routes/correct-case.ts";
import { createCaseDocs } from "./routes/create-case.ts";
import { customerContactDocs } from "./routes/customer-contact.ts";
import { customerErasureDocs } from "./routes/customer-erasure.ts";
import { followUpDocs } from "./routes/follow-ups.ts";
import { getCaseDocs } from "./routes/get-case.ts";
import { kpiDocs } from "./routes/kpis.ts";
import { listCasesDocs } from "./routes/list-cases.ts";
import { noticeSettingDocs } from "./routes/notice-settings.ts";
import { agentDocs } from "./routes/org-agents.ts";
import { teamDocs } from "./routes/org-teams.ts";
import { publicRouteDocs } from "./routes/public-routes.ts";
import { gatewayMessageSchema, problemSchema, responseBodies } from "./schemas.ts";

/** Every route's documentation, by "METHOD path". */
export const routeDocs: RouteDocs = {
  ...publicRouteDocs,
  ...listCasesDocs,
  ...createCaseDocs,
  ...getCaseDocs,
  ...correctCaseDocs,
  ...caseTimelineDocs,
  ...customerContactDocs,
  ...caseActionDocs,
  ...followUpDocs,
  ...customerErasureDocs,
  ...kpiDocs,
  ...teamDocs,
  ...agentDocs,
  ...noticeSettingDocs,
};

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: Json;
  readonly tags: readonly Json[];
  readonly paths: Record<string, Record<string, Json>>;
  readonly components: Json;
}

let built: OpenApiDocument | undefined;

/** The document (the same object on every call: do not change it). */
export function openApiDocument(): OpenApiDocument {
  built ??= buildDocument(routes, routeDocs);
  return built;
}

const SECURITY_SCHEME = "bearerAuth";
const schemaRef = (id: string) => `#/components/schemas/${id}`;
const JSON_TYPE = "application/json";
const PROBLEM_TYPE = "application/problem+json";

/** What each problem status means, before the route's own words. */
const PROBLEM_MEANING: Record<ProblemStatus, string> = {
  400: "Bad request",
  401: "No valid token",
  403: "Not allowed to the caller",
  404: "Not found",
  409: "Conflict",
  412: "Precondition failed",
  413: "Content too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  428: "Precondition required",
};

/** Descriptions of the query parameters every paginated route shares. */
const QUERY_NOTES: Record<string, string> = {
  limit: "Items per page.",
  cursor:
    "`nextCursor` of the previous page, as is. Signed, not encrypted, and bound to the caller, the route and the other parameters (send them again unchanged); valid for 24 hours. Any other cursor is a 400: start again from the first page.",
};

export function buildDocument(topology: readonly RouteSpec[], docs: RouteDocs): OpenApiDocument {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of topology) {
    const doc = docs[`${route.method} ${route.path}`];
    if (!doc) continue; // test/unit/api/openapi.test.ts fails for a route without documentation
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "courier-care HTTP API",
      version: "1",
      description: INFO,
    },
    tags: [...new Set(topology.map(tagOf))].map((name) => ({ name })),
    paths,
    components: {
      schemas: responseSchemas(),
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A Cognito access token (locally: `npm run -s token -- --sub <id> --groups <groups>`); groups agents, supervisors, ops, admins.",
        },
      },
      headers: {
        ETag: {
          description: 'The record\'s version, e.g. `"3"`: send it as If-Match to write it',
          required: true,
          schema: { type: "string", pattern: '^"\\d+"$' },
        },
        Location: {
          description: "Where the record is",
          required: true,
          schema: { type: "string" },
        },
        "WWW-Authenticate": { schema: { type: "string" } },
      },
    },
  };
}

function operation(route: RouteSpec, doc: RouteDoc): Json {
  const parameters = [
    ...pathParameters(route, doc),
    ...(doc.query ? queryParameters(doc.query) : []),
    ...headerParameters(doc),
  ];
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [tagOf(route)],
    security: route.auth ? [{ [SECURITY_SCHEME]: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            description: `JSON, at most ${MAX_BODY_BYTES / 1024} KB; no fields other than these.`,
            content: { [JSON_TYPE]: { schema: requestSchema(doc.body) } },
          },
        }
      : {}),
    responses: { ...successes(route, doc), ...problems(route, doc) },
  };
}

/** /v1/cases/{caseId}/timeline → cases; the routes without a token → service. */
function tagOf(route: RouteSpec): string {
  return route.auth ? (route.path.split("/")[2] ?? "service") : "service";
}

function pathParameters(route: RouteSpec, doc: RouteDoc): Json[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const documented = Object.keys(doc.path ?? {});
  if (names.join() !== documented.join())
    throw new Error(
      `${route.method} ${route.path} documents the path parameters [${documented}], not [${names}]`,
    );
  return names.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: requestSchema(doc.path?.[name] as z.ZodType),
  }));
}

function queryParameters(query: z.ZodObject): Json[] {
  const schema = requestSchema(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name) ?? false,
    ...(QUERY_NOTES[name] ? { description: QUERY_NOTES[name] } : {}),
    schema: property,
  }));
}

function headerParameters(doc: RouteDoc): Json[] {
  const headers: Json[] = [];
  if (doc.ifMatch)
    headers.push({
      name: "If-Match",
      in: "header",
      required: doc.ifMatch === "required",
      description:
        doc.ifMatch === "required"
          ? 'The ETag of the version read, e.g. `"3"` (428 without it; 412 when the record changed since).'
          : 'The ETag of the version read, e.g. `"3"`: the write is refused with 412 when the record changed since. Without it, the last write wins.',
      schema: { type: "string", pattern: '^\\s*(W/)?"\\d{1,15}"\\s*$' },
    });
  if (doc.idempotencyKey)
    headers.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "A retry with the same key by the same caller gives the same answer instead of a second write.",
      schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,128}$" },
    });
  return headers;
}

function successes(route: RouteSpec, doc: RouteDoc): Json {
  const answers: Json = {};
  for (const [status, success] of Object.entries(doc.responses) as [string, SuccessDoc][]) {
    answers[status] = {
      description: success.description,
      ...(success.headers?.length
        ? {
            headers: Object.fromEntries(
              success.headers.map((name) => [name, { $ref: `#/components/headers/${name}` }]),
            ),
          }
        : {}),
      content: { [JSON_TYPE]: { schema: { $ref: schemaRef(componentId(route, success.body)) } } },
    };
  }
  return answers;
}

/**
 * Problems as the route documents them, and what the gateway answers itself (`{"message"}` as
 * application/json): 401 on /v1, 400 for a path that is not valid percent-encoding, 413 for a
 * body over its limit, 429 on every route past the stage's throttling.
 */
function problems(route: RouteSpec, doc: RouteDoc): Json {
  const answers: Json = {};
  const problem = { [PROBLEM_TYPE]: { schema: { $ref: schemaRef("Problem") } } };
  const gateway = { [JSON_TYPE]: { schema: { $ref: schemaRef("GatewayMessage") } } };
  const statuses = Object.keys(doc.problems).map(Number) as ProblemStatus[];
  for (const always of [401, 403] as const)
    if (route.auth && !statuses.includes(always)) statuses.push(always);
  for (const status of statuses.sort((a, b) => a - b)) {
    const own = status === 403 && route.auth ? forbidden(doc.problems[403]) : doc.problems[status];
    const fromGateway =
      status === 401 || (status === 400 && route.path.includes("{")) || status === 413;
    answers[status] = {
      description:
        status === 401
          ? 'No valid token: the gateway answers {"message":"Unauthorized"} itself (a token without a subject gets a problem)'
          : `${PROBLEM_MEANING[status]}: ${own?.replace(/^\p{Lu}(?=\p{Ll}*\s)/u, (c) => c.toLowerCase())}`,
      ...(status === 401
        ? { headers: { "WWW-Authenticate": { $ref: "#/components/headers/WWW-Authenticate" } } }
        : {}),
      content: fromGateway ? { ...problem, ...gateway } : problem,
    };
  }
  answers[429] = {
    description:
      'Too many requests: the stage\'s throttling (rate and burst per second) answers {"message":"Too Many Requests"} before any function runs; try again later',
    content: gateway,
  };
  return answers;
}

/** Every /v1 route refuses a valid token that names none of the API's groups (caller.ts). */
function forbidden(own: string | undefined): string {
  const noGroup = "a token of none of the API's groups";
  if (!own) return noGroup.replace(/^a/, "A");
  return own.includes("none of the API's groups") ? own : `${own}; or ${noGroup}`;
}

function componentId(route: RouteSpec, schema: z.ZodType): string {
  const id = responseBodies.get(schema)?.id;
  if (!id)
    throw new Error(
      `${route.method} ${route.path}: name its response body with responseBody() (functions/api/schemas.ts)`,
    );
  return id;
}

/**
 * An instant is `format: date-time` (RFC 3339) without zod's own pattern for it, which says the
 * same in 600 characters at every timestamp of the document.
 */
function formatOverPattern({ jsonSchema }: { jsonSchema: Json }): void {
  if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
}

/** A request schema as JSON Schema of what it accepts (defaults optional, coerced types as sent). */
function requestSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    override: formatOverPattern,
  }) as Json;
  return json;
}

/** Every named response body as JSON Schema of what the API writes, referring to each other. */
function responseSchemas(): Record<string, Json> {
  // Named for the link from the problem responses and the gateway's; also registered by import.
  void problemSchema;
  void gatewayMessageSchema;
  const { schemas } = z.toJSONSchema(responseBodies, {
    target: "draft-2020-12",
    io: "output",
    uri: schemaRef,
    metadata: responseBodies,
    override: formatOverPattern,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      // The document's own ids and dialect: components are referred to by their place in it.
      const { $schema: _dialect, $id: _id, ...json } = schema as Json;
      return [id, json];
    }),
  );
}

const INFO = `The agents' front end's API for courier-care: cases (delivery exceptions and customers' messages, classified and routed), follow-up calls (回访), KPIs, the organisation and customer notices.

Generated from the zod schemas the handlers validate requests with and the response schemas their answers are typed against (\`functions/api/openapi.ts\`).

- **Authentication**: everything under \`/v1\` needs \`Authorization: Bearer <JWT>\` (a Cognito access token). Without a valid one the gateway answers \`401 {"message":"Unauthorized"}\` itself.
- **Errors**: every error of the API itself is \`application/problem+json\` (RFC 9457) with \`status\`, \`title\`, \`detail\`, and \`errors: [{ path, message }]\` naming the fields of a request that failed validation. A 5xx is a fault of the service, never an answer to what was sent.
- **Pagination**: lists answer one page (\`limit\`) and \`nextCursor\`: null on the last page, else send it as \`cursor\` for the next, with the other parameters unchanged.
- **Versions**: a record's \`ETag\` is its version (\`"3"\`); a write conditional on it sends \`If-Match\` and gets 412 when the record changed since.
- **Personal data**: phone numbers are masked; ops read cases without names and without the customers' and agents' words.`;
