// Every answer the integration tests get from a route of the topology is checked against the
// OpenAPI document (GET /openapi.json, functions/api/openapi.ts): its status must be one the
// route documents, with a documented content type and a body its schema accepts, and the
// response headers it requires (ETag, Location). Anything else throws, naming the route, the
// status and what is wrong. Schemas are compiled on first use and kept per route and status.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { openApiDocument } from "#functions/api/openapi.ts";
import { type RouteSpec, routes } from "#infra/topology.ts";

// ajv-formats is CommonJS: its default export is the plugin itself or wraps it.
const addFormats = ((addFormatsPlugin as { default?: unknown }).default ??
  addFormatsPlugin) as unknown as (ajv: Ajv2020) => void;

const DOCUMENT_ID = "openapi.json";
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function validator(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv2020({ allErrors: true, strict: true });
      addFormats(ajv);
      // The document's own keywords (openapi, info, paths, components) are not JSON Schema.
      for (const keyword of ["openapi", "info", "tags", "paths", "components"])
        ajv.addKeyword(keyword);
      ajv.addSchema(openApiDocument() as unknown as object, DOCUMENT_ID);
    }
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** The route of the topology a request path goes to, as API Gateway matches (exact segments first). */
export function routeOf(method: string, pathname: string): RouteSpec | undefined {
  const segments = pathname.split("/").filter(Boolean);
  const params = (route: RouteSpec) => (route.path.match(/\{/g) ?? []).length;
  return routes
    .filter((route) => route.method === method)
    .filter((route) => route.path.split("/").filter(Boolean).length === segments.length)
    .sort((a, b) => params(a) - params(b))
    .find((route) =>
      route.path
        .split("/")
        .filter(Boolean)
        .every((part, i) => part.startsWith("{") || part === segments[i]),
    );
}

/**
 * The JSON pointer (into the document) of the schema of a route's answer, or why there is none.
 * Exported for the unit test, which compiles every one of them.
 */
export function responseSchemaPointer(
  route: Pick<RouteSpec, "method" | "path">,
  status: number,
  contentType: string,
): { pointer: string } | { missing: string } {
  const operation = openApiDocument().paths[route.path]?.[route.method.toLowerCase()] as
    { responses?: Record<string, { content?: Record<string, unknown> }> } | undefined;
  if (!operation) return { missing: "the route is not in the OpenAPI document" };
  const responses = operation.responses ?? {};
  const response = responses[String(status)];
  if (!response)
    return {
      missing: `status ${status} is not documented (documented: ${Object.keys(responses).join(", ")})`,
    };
  if (!response.content?.[contentType])
    return {
      missing: `content type ${contentType || "(none)"} is not documented for ${status} (documented: ${Object.keys(response.content ?? {}).join(", ")})`,
    };
  const pointer = ["paths", route.path, route.method.toLowerCase(), "responses", String(status)]
    .concat(["content", contentType, "schema"])
    .map(escape)
    .join("/");
  return { pointer: `/${pointer}` };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (null when empty; the text when it is not JSON). */
  readonly body: unknown;
}

/**
 * Throws unless the answer to `method path` is one its route documents. Paths of no route (the
 * runtime's own /_local endpoints, the PutEvents ingress, unknown paths) are not checked.
 */
export function expectDocumentedAnswer(method: string, path: string, answer: Answer): void {
  const pathname = new URL(path, "http://127.0.0.1").pathname;
  const route = routeOf(method.toUpperCase(), pathname);
  if (!route) return;
  const what = `${route.method} ${route.path} (${method.toUpperCase()} ${path.slice(0, 200)}) answered ${answer.status}`;
  const contentType = (answer.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  const found = responseSchemaPointer(route, answer.status, contentType);
  const shown = () => JSON.stringify(answer.body)?.slice(0, 1000);
  if ("missing" in found)
    throw new Error(
      `${what}, outside its OpenAPI documentation: ${found.missing}. Body: ${shown()}`,
    );
  const validate = validator(found.pointer);
  if (!validate(answer.body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 10)
      .map(
        (e) =>
          `${e.instancePath || "(root)"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
      )
      .join("; ");
    throw new Error(
      `${what}, with a body outside its documented schema: ${errors}. Body: ${shown()}`,
    );
  }
  const headers = (
    openApiDocument().paths[route.path]?.[route.method.toLowerCase()] as {
      responses: Record<string, { headers?: Record<string, unknown> }>;
    }
  ).responses[String(answer.status)]?.headers;
  const required = openApiDocument().components.headers as Record<string, { required?: boolean }>;
  for (const name of Object.keys(headers ?? {}))
    if (required[name]?.required && !answer.headers.has(name))
      throw new Error(`${what} without its documented ${name} header`);
}
