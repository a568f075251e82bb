// How a route module documents its routes for the OpenAPI document (functions/api/openapi.ts):
// the zod schemas its handlers validate with (path, query, body), what it answers, and the
// problems it can answer. Plain data next to the handlers; nothing here is built at start.
import type * as z from "zod";

/** The statuses of the problems (application/problem+json) a route may answer. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 428;

export interface SuccessDoc {
  readonly description: string;
  /** The JSON body: a schema named with `responseBody` (schemas.ts). */
  readonly body: z.ZodType;
  /** `ETag`: the record's version (send it as If-Match); `Location`: where the record is. */
  readonly headers?: readonly ("ETag" | "Location")[];
}

export interface RouteDoc {
  /** Unique, for generated clients, e.g. `listCases`. */
  readonly operationId: string;
  readonly summary: string;
  /** Who may call it and what it does, beyond the summary (Markdown). */
  readonly description?: string;
  /** The `{param}` segments of the path, each in the format the handler checks. */
  readonly path?: Readonly<Record<string, z.ZodType>>;
  /** The query schema the handler parses with (its fields become the query parameters). */
  readonly query?: z.ZodObject;
  /** The JSON body schema the handler parses with. */
  readonly body?: z.ZodType;
  /** `If-Match: "<version>"`: required (428 without it) or optional (412 when stale). */
  readonly ifMatch?: "required" | "optional";
  /** Reads an optional `Idempotency-Key` header. */
  readonly idempotencyKey?: boolean;
  readonly responses: Readonly<Partial<Record<200 | 201, SuccessDoc>>>;
  /** Every problem the route can answer, with when. 401 (no valid token) is added for /v1. */
  readonly problems: Readonly<Partial<Record<ProblemStatus, string>>>;
}

/** A module's routes, by "METHOD path" as in infra/topology.ts. */
export type RouteDocs = Readonly<Record<string, RouteDoc>>;
