// What the API answers, as zod schemas: the pieces several routes share (Case, Problem, pages of
// items, timestamps) and the registry that names every response body in the OpenAPI document
// (functions/api/openapi.ts, served at GET /openapi.json). The views (case-view.ts, org-view.ts,
// routes/*.ts) are typed against these schemas, so a view and its documentation cannot drift
// apart without `npm run typecheck` failing. Nothing here runs at request time.
import * as z from "zod";
import {
  CASE_STATUSES,
  CATEGORIES,
  CHANNELS,
  FEEDBACK_TYPES,
  PRIORITIES,
  SEVERITIES,
} from "#shared/domain/case.ts";
import { SIGNALS } from "#shared/domain/classifier/read-text.ts";
import { CASE_ID } from "./request.ts";

/** The response bodies of the API, each named by its `id`: `components.schemas[id]`. */
export const responseBodies = z.registry<{ id: string; description?: string }>();

/** Names a response body; it appears in the OpenAPI document as `#/components/schemas/{id}`. */
export function responseBody<S extends z.ZodType>(id: string, description: string, schema: S): S {
  responseBodies.add(schema, { id, description });
  return schema;
}

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * What a view function may return for a response schema (read-only all the way down, as the
 * domain types are): annotate the view's return type with it, and a field the schema does not
 * know, or one it requires and the view leaves out, fails the typecheck.
 */
export type ResponseOf<S extends z.ZodType> = DeepReadonly<z.input<S>>;

// ---- pieces ----------------------------------------------------------------------------------

/** An instant: ISO 8601 with `Z` (what the API writes) or an offset (an upstream event's own). */
export const timestamp = z.iso.datetime({ offset: true });
/** A business day, YYYY-MM-DD. */
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const caseId = z.string().regex(CASE_ID);
/** The `{caseId}` of a case's routes. */
export const caseIdPath = { caseId: z.string().regex(CASE_ID, "a case id like CS-7K2M9Q4R1T8B") };
/** A record's version, also its `ETag` ("3") for If-Match. */
export const version = z.number().int().min(1);
/** A share of something, 0..1. */
export const ratio = z.number().min(0).max(1);

/** One page of a list, oldest or newest first as the route says; `nextCursor` null on the last. */
export const pageOf = <S extends z.ZodType>(item: S) =>
  z.object({
    items: z.array(item),
    /** Pass as `cursor` (as is, with the same other parameters) for the next page. */
    nextCursor: z.string().min(1).nullable(),
  });

export const listOf = <S extends z.ZodType>(item: S) => z.object({ items: z.array(item) });

// ---- errors ----------------------------------------------------------------------------------

/** RFC 9457 problem details: every error the API itself answers (application/problem+json). */
export const problemSchema = responseBody(
  "Problem",
  "An error (RFC 9457 problem details); `errors` names the fields of a request that failed validation",
  z.object({
    type: z.literal("about:blank"),
    status: z.number().int().min(400).max(599),
    title: z.string().min(1),
    detail: z.string().min(1),
    /** The path of the request. */
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          /** The field, dot-separated (`customer.tier`, `categories.1`), `(root)` for the body. */
          path: z.string().min(1),
          message: z.string().min(1),
        }),
      )
      .optional(),
  }),
);

/** What API Gateway answers itself (401 without a valid token), as `application/json`. */
export const gatewayMessageSchema = responseBody(
  "GatewayMessage",
  'An answer of the gateway itself, e.g. 401 {"message":"Unauthorized"} without a valid token',
  z.object({ message: z.string().min(1) }),
);

// ---- the case --------------------------------------------------------------------------------

const category = z.enum(CATEGORIES);
const severity = z.enum(SEVERITIES);

export const caseSchema = responseBody(
  "Case",
  `A case as the caller may see it: the customer's name and phone masked for every role (the assigned agent reads them through GET /v1/cases/{caseId}/contact); in the words (text, resolution, waitingReason, facts.description, facts.reason) phone, ID-card, bank-card and e-mail numbers and the customer's name masked, for ops street addresses too; name and phone null once the customer's data was erased. textSignals: what the words say beyond the category (${SIGNALS.join(", ")})`,
  z.object({
    caseId,
    /** null for a customer's message that names no waybill. */
    waybillNo: z.string().nullable(),
    status: z.enum(CASE_STATUSES),
    category,
    /** null until classified. */
    severity: severity.nullable(),
    priority: z.enum(PRIORITIES).nullable(),
    feedbackType: z.enum(FEEDBACK_TYPES).nullable(),
    /** The team owning the category; null until classified (or when no team owns it). */
    team: z.string().nullable(),
    /** The agent working it; null while new or queued. */
    assignee: z.string().nullable(),
    escalated: z.boolean(),
    customer: z.object({
      id: z.string().min(1),
      name: z.string().nullable(),
      /** Masked, e.g. 139****4321. */
      phone: z.string().nullable(),
      tier: z.enum(["regular", "vip"]),
    }),
    source: z.enum(["event", "feedback"]),
    /** The channel of a customer's message; null for a case opened by an event. */
    channel: z.enum(CHANNELS).nullable(),
    sla: z.object({
      firstResponseDue: timestamp.nullable(),
      resolutionDue: timestamp.nullable(),
      firstRespondedAt: timestamp.nullable(),
      breached: z.boolean(),
      firstResponseWarnedAt: timestamp.nullable(),
      firstResponseBreachedAt: timestamp.nullable(),
      resolutionWarnedAt: timestamp.nullable(),
      resolutionBreachedAt: timestamp.nullable(),
      /** While waiting: when the resolution clock paused. */
      pausedAt: timestamp.nullable(),
      /** Business minutes paused in total (already added to resolutionDue). */
      pausedMinutes: z.number().min(0),
    }),
    /** 0 none; 1 the team's supervisors; 2 and up the team's further escalation levels. */
    escalationLevel: z.number().int().min(0),
    resolvedAt: timestamp.nullable(),
    resolution: z.string().nullable(),
    closedAt: timestamp.nullable(),
    mergedInto: caseId.nullable(),
    waitingReason: z.string().nullable(),
    /** What opened the case: an upstream event, or a customer's message ("Customer Message"). */
    trigger: z.object({
      detailType: z.string().min(1),
      eventId: z.string().min(1),
      occurredAt: timestamp,
    }),
    /** Facts of the events attached (the highest declared value counts). */
    facts: z.object({
      declaredValue: z.number().min(0).optional(),
      orderId: z.string().optional(),
      outletId: z.string().optional(),
      courierId: z.string().optional(),
      region: z.string().optional(),
      attempt: z.number().int().min(0).optional(),
      reason: z.string().optional(),
      description: z.string().optional(),
      promisedAt: timestamp.optional(),
      estimatedAt: timestamp.optional(),
      lastScanAt: timestamp.optional(),
      lastLocation: z.string().optional(),
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
    /** The customer's words of a message case, masked for the caller; null for event cases. */
    text: z.string().nullable(),
    /** What the words say beyond the category, merged over every message and event attached. */
    textSignals: z.array(z.string().min(1)),
    /** How sure the classifier was of the category, 0..1 (1 for an event's category). */
    confidence: ratio.nullable(),
    /** A repeat complaint: the earlier resolved case of the same customer and waybill. */
    repeatOf: caseId.nullable(),
    /** The latest correction by an agent (PATCH /v1/cases/{caseId}); it wins over the rules. */
    correction: z
      .object({
        by: z.string().min(1),
        at: timestamp,
        category: z.object({ from: category, to: category }).optional(),
        severity: z.object({ from: severity.nullable(), to: severity }).optional(),
      })
      .nullable(),
    /** Message or event received → case number given. */
    acceptance: z
      .object({ receivedAt: timestamp, acceptedAt: timestamp, seconds: z.number().min(0) })
      .nullable(),
    classifiedAt: timestamp.nullable(),
    reclassifiedAt: timestamp.nullable(),
    routedAt: timestamp.nullable(),
    version,
  }),
);

export const casePageSchema = responseBody(
  "CasePage",
  "A page of cases, newest first",
  pageOf(caseSchema),
);
