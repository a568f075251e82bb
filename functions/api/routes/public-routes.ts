// GET /health and GET /openapi.json: the routes without a token (auth: false in the topology).
// The OpenAPI document is built on its first request, not when the function starts.
import * as z from "zod";
import { type HttpResult, json } from "../http.ts";
import type { RouteDocs } from "../route-docs.ts";
import { responseBody, type ResponseOf } from "../schemas.ts";

export const healthSchema = responseBody(
  "Health",
  "The function answers",
  z.object({ status: z.literal("ok") }),
);

/**
 * The OpenAPI document. Its own schema is the OpenAPI 3.1 specification's, so only its frame is
 * checked here (the fields of an OpenAPI document are open by that specification).
 */
export const openApiDocumentSchema = responseBody(
  "OpenApiDocument",
  "This API's OpenAPI 3.1 description",
  z.looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }),
);

export async function healthRoute(): Promise<HttpResult> {
  return json(200, { status: "ok" } satisfies ResponseOf<typeof healthSchema>);
}

export async function openApiRoute(): Promise<HttpResult> {
  const { openApiDocument } = await import("../openapi.ts");
  return json(200, openApiDocument());
}

export const publicRouteDocs: RouteDocs = {
  "GET /health": {
    operationId: "getHealth",
    summary: "Whether the API answers",
    responses: { 200: { description: "It does", body: healthSchema } },
    problems: {},
  },
  "GET /openapi.json": {
    operationId: "getOpenApiDocument",
    summary: "This document: the API in OpenAPI 3.1",
    description:
      "Generated from the zod schemas the handlers validate requests with and the response schemas their answers are typed against.",
    responses: { 200: { description: "The OpenAPI document", body: openApiDocumentSchema } },
    problems: {},
  },
};
