// Test harness: the whole system in this process through the local runtime (embedded
// DynamoDB in memory, short queue timings), and clients the way a user would call it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, expect } from "vitest";
import type { BusEventRecord } from "#infra/local/bus.ts";
import { issueToken } from "#infra/local/local-auth.ts";
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from "#infra/local/runtime.ts";
import { expectDocumentedAnswer } from "./openapi-check.ts";

export interface LocalSystem {
  readonly runtime: LocalRuntime;
  readonly url: string;
  readonly dataDir: string;
  publish(
    entries: { detailType: string; detail: unknown; source?: string }[],
  ): Promise<PutEventsResultEntry[]>;
  token(sub: string, groups: string[]): Promise<string>;
  get(path: string, token?: string): Promise<{ status: number; headers: Headers; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  /** Any HTTP call: JSON body (a string is sent as is), bearer token, extra headers. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  /** Moves the runtime clock (POST /_local/clock) and waits for what became due. */
  advance(duration: string): Promise<void>;
  /** The runtime clock's time (GET /_local/clock). */
  now(): Promise<Date>;
  /** Moves the runtime clock forward to `target` and waits until nothing is left to do. */
  advanceTo(target: Date): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalSystem(
  options: Partial<LocalRuntimeOptions> = {},
): Promise<LocalSystem> {
  process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
  const dataDir = await mkdtemp(join(tmpdir(), "courier-care-it-"));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    queueTiming: { visibilityTimeoutMs: 200, maxBatchingWindowMs: 5 },
    log: () => undefined,
    ...options,
  });
  const eventBridge = new EventBridgeClient({
    endpoint: runtime.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const clockNow = async () => {
    const response = await fetch(`${runtime.url}/_local/clock`);
    return new Date(((await response.json()) as { now: string }).now);
  };
  const advance = async (duration: string) => {
    const response = await fetch(`${runtime.url}/_local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: duration }),
    });
    expect(response.status).toBe(200);
  };
  return {
    runtime,
    url: runtime.url,
    dataDir,
    async publish(entries) {
      const result = await eventBridge.send(
        new PutEventsCommand({
          Entries: entries.map((entry) => ({
            EventBusName: "courier-service",
            Source: entry.source ?? "courier.orders",
            DetailType: entry.detailType,
            Detail: JSON.stringify(entry.detail),
          })),
        }),
      );
      return result.Entries ?? [];
    },
    token: (sub, groups) => issueToken(dataDir, { sub, groups }),
    async get(path, token) {
      const response = await fetch(`${runtime.url}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const text = await response.text();
      const answer = {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : null,
      };
      expectDocumentedAnswer("GET", path, answer);
      return answer;
    },
    async post(path, body) {
      const response = await fetch(`${runtime.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      const answer = { status: response.status, body: text ? JSON.parse(text) : null };
      expectDocumentedAnswer("POST", path, { ...answer, headers: response.headers });
      return answer;
    },
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers["content-type"] ??= "application/json";
      const response = await fetch(`${runtime.url}${path}`, {
        method,
        headers,
        ...(options.body !== undefined
          ? {
              body: typeof options.body === "string" ? options.body : JSON.stringify(options.body),
            }
          : {}),
      });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      expectDocumentedAnswer(method, path, {
        status: response.status,
        headers: response.headers,
        body,
      });
      return { status: response.status, headers: response.headers, body };
    },
    advance,
    now: clockNow,
    async advanceTo(target) {
      const seconds = Math.ceil((target.getTime() - (await clockNow()).getTime()) / 1000);
      expect(seconds).toBeGreaterThanOrEqual(0);
      await advance(`PT${seconds}S`);
      await runtime.idle();
    },
    async stop() {
      eventBridge.destroy();
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique waybill number per call, so tests don't see each other's cases. */
export function newWaybill(prefix = "WB"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${counter.toString().padStart(4, "0")}`;
}

export function damaged(waybillNo: string, overrides: Record<string, unknown> = {}) {
  return {
    eventId: `evt-${waybillNo}-damaged`,
    waybillNo,
    occurredAt: "2026-11-23T10:00:00+08:00",
    customer: { id: "cust-1002", name: "Han Meimei", phone: "13987654321", tier: "regular" },
    description: "carton crushed",
    declaredValue: 120,
    ...overrides,
  };
}

/** Records every event the bus accepts (its fault hook, only listening): `useLocalSystem(bus)`. */
export function busRecorder() {
  const published: BusEventRecord[] = [];
  return {
    published,
    loseEvent: (event: BusEventRecord) => {
      published.push(event);
      return false;
    },
  };
}

/**
 * One local system for the test file: started before its tests, stopped after, with an ops
 * token (ops read every team's cases) and a lookup of a waybill's cases through the API.
 */
export function useLocalSystem(options: Partial<LocalRuntimeOptions> = {}) {
  let system: LocalSystem | undefined;
  let ops = "";
  beforeAll(async () => {
    system = await startLocalSystem(options);
    ops = await system.token("ops-1", ["ops"]);
  });
  afterAll(() => system?.stop());
  const started = () => {
    if (!system) throw new Error("The local system starts in beforeAll");
    return system;
  };
  const ifMatch = async (path: string): Promise<Record<string, string>> => {
    const response = await started().get(path, ops);
    expect(response.status, `GET ${path}`).toBe(200);
    return { "if-match": response.headers.get("etag") as string };
  };
  return {
    get system() {
      return started();
    },
    get ops() {
      return ops;
    },
    /** A case as ops read it. */
    async readCase(caseId: string): Promise<any> {
      const response = await started().get(`/v1/cases/${caseId}`, ops);
      expect(response.status).toBe(200);
      return response.body;
    },
    /** `If-Match` with the current ETag of a case or follow-up (`/v1/cases/…`), as ops read it. */
    ifMatch,
    /** A case action (`responses`, `resolve`, …) as a client sends it: with the case's ETag. */
    async act(caseId: string, action: string, token: string, body: unknown) {
      return started().request("POST", `/v1/cases/${caseId}/${action}`, {
        token,
        body,
        headers: await ifMatch(`/v1/cases/${caseId}`),
      });
    },
    /** The kinds of a case's timeline entries, in order (ops' view, first 100). */
    async timelineKinds(caseId: string): Promise<string[]> {
      const response = await started().get(`/v1/cases/${caseId}/timeline?limit=100`, ops);
      expect(response.status).toBe(200);
      return response.body.items.map((e: { kind: string }) => e.kind);
    },
    async casesOf(waybillNo: string): Promise<any[]> {
      const response = await started().get(`/v1/cases?waybillNo=${waybillNo}`, ops);
      expect(response.status).toBe(200);
      return response.body.items;
    },
  };
}
