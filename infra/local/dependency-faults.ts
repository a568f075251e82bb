// Dependency faults for tests: DynamoDB and EventBridge (and SQS) answering the functions with
// throttling or 5xx errors, on the wire, so that the real SDK clients meet them with their real
// retry strategy. A plan of rules says which calls fail (service, operation, a predicate on the
// request), how (the error, before the request is carried out or after: the answer is lost),
// and how often (the Nth matching calls, how many attempts of each, or a probability).
//
// DynamoDB: a small HTTP proxy in front of the embedded store, which the functions' endpoint
// (AWS_ENDPOINT_URL_DYNAMODB) points at while faults are enabled; the runtime's own use of the
// store (tables, start-up recovery) goes to the store directly. EventBridge PutEvents and SQS
// SendMessage: the runtime's server asks `decide` on the functions' (trusted) path.
// A call and its retries are one call: the SDK sends the same `amz-sdk-invocation-id` header on
// every attempt, and `amz-sdk-request: attempt=N; max=M`.
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  Agent,
  createServer,
  request as httpRequest,
} from "node:http";
import { mulberry32 } from "../seeded-random.ts";
import { listenOnLoopback } from "./dynamo-server.ts";

export type DependencyService = "dynamodb" | "eventbridge" | "sqs";

/**
 * - `throttling`: 400 ThrottlingException (every service);
 * - `provisioned-throughput`: 400 ProvisionedThroughputExceededException (DynamoDB);
 * - `internal`: 500 (DynamoDB InternalServerError, EventBridge InternalException, SQS InternalError);
 * - `unavailable`: 503 ServiceUnavailable.
 */
export type DependencyError = "throttling" | "provisioned-throughput" | "internal" | "unavailable";

/** One attempt of a call, as a rule sees it. */
export interface DependencyCall {
  readonly service: DependencyService;
  /** The operation: PutItem, UpdateItem, Query, GetItem, DeleteItem, PutEvents, SendMessage, … */
  readonly operation: string;
  /** The request body as sent (DynamoDB items in their wire format: `{ pk: { S: "…" } }`). */
  readonly input: Record<string, unknown>;
  /** DynamoDB: the table. */
  readonly table?: string;
  /** DynamoDB: the item's `pk` and `sk` (of `Item` or `Key`), when they are strings. */
  readonly key?: { readonly pk?: string; readonly sk?: string };
  /** PutEvents: the entries' detail types. */
  readonly detailTypes?: readonly string[];
  /** 1 for the first attempt of the call (from `amz-sdk-request`). */
  readonly attempt: number;
  /** The client's attempt budget for the call (`max` of `amz-sdk-request`), when it says. */
  readonly maxAttempts?: number;
  readonly invocationId?: string;
}

export interface DependencyFault {
  readonly service: DependencyService;
  /** One operation or several; default every operation of the service. */
  readonly operation?: string | readonly string[];
  /** Narrows the calls further (a table, a key, a detail type). */
  readonly match?: (call: DependencyCall) => boolean;
  readonly error: DependencyError;
  /**
   * `before` (default): the request is refused, nothing is carried out. `after`: it is carried
   * out and its answer replaced by the error (DynamoDB's "the operation may have succeeded").
   */
  readonly when?: "before" | "after";
  /** Matching calls let through before the fault starts (0: from the first). */
  readonly skip?: number;
  /** How many matching calls fail after the skipped ones; default every one until cleared. */
  readonly calls?: number;
  /**
   * How many attempts of each of those calls fail, then it goes through; default all of them
   * (the call fails past the client's retry budget).
   */
  readonly attempts?: number;
  /** Each attempt of a matching call fails with this probability (0..1) instead; seeded. */
  readonly probability?: number;
  readonly seed?: number;
}

/** An attempt that a fault failed. */
export interface InjectedFault {
  readonly rule: number;
  readonly service: DependencyService;
  readonly operation: string;
  readonly error: DependencyError;
  readonly when: "before" | "after";
  readonly attempt: number;
  readonly maxAttempts?: number;
  readonly invocationId?: string;
  readonly table?: string;
  readonly key?: { readonly pk?: string; readonly sk?: string };
  readonly detailTypes?: readonly string[];
}

/** What the runtime exposes to tests (`runtime.dependencyFaults`). */
export interface DependencyFaults {
  /** Whether the runtime was started with the `dependencyFaults` option (else `set` throws). */
  readonly enabled: boolean;
  /** Replaces the plan (and forgets what the old one injected). */
  set(plan: readonly DependencyFault[]): void;
  /** No faults from now on. */
  clear(): void;
  /** The attempts failed since the plan was set, oldest first. */
  injected(): readonly InjectedFault[];
  /** The store itself, not behind the faults: for a test's own reads, which must not meet them. */
  readonly storeEndpoint: string;
}

/** The server's side: what to answer an attempt with, if a fault takes it. */
export interface FaultDecision {
  readonly when: "before" | "after";
  readonly status: number;
  readonly body: { readonly __type: string; readonly message: string };
}

export interface FaultInjector extends DependencyFaults {
  decide(
    service: DependencyService,
    operation: string,
    input: Record<string, unknown>,
    headers: IncomingHttpHeaders,
  ): FaultDecision | undefined;
}

interface RuleState {
  readonly fault: DependencyFault;
  readonly operations: ReadonlySet<string> | undefined;
  /** Matching calls seen, by invocation id: their 1-based index and the attempts failed. */
  readonly calls: Map<string, { index: number; failed: number }>;
  seen: number;
  random: () => number;
}

const SERVICES: readonly DependencyService[] = ["dynamodb", "eventbridge", "sqs"];
const ERRORS: readonly DependencyError[] = [
  "throttling",
  "provisioned-throughput",
  "internal",
  "unavailable",
];

/** Checks the initial plan at once (a bad one throws); the store's endpoint is asked for later. */
export function faultInjector(
  initial: readonly DependencyFault[] | undefined,
  storeEndpoint: () => string,
): FaultInjector {
  const enabled = initial !== undefined;
  let rules: RuleState[] = [];
  let injected: InjectedFault[] = [];
  let anonymous = 0;

  const set = (plan: readonly DependencyFault[]) => {
    if (!enabled)
      throw new Error("Start the local runtime with the dependencyFaults option to inject faults");
    rules = plan.map(ruleState);
    injected = [];
  };
  if (initial) set(initial);

  return {
    enabled,
    set,
    clear: () => {
      rules = [];
    },
    injected: () => [...injected],
    get storeEndpoint() {
      return storeEndpoint();
    },
    decide(service, operation, input, headers) {
      if (rules.length === 0) return undefined;
      const call = describeCall(service, operation, input, headers);
      const invocation = call.invocationId ?? `anonymous-${++anonymous}`;
      for (const [index, rule] of rules.entries()) {
        const { fault } = rule;
        if (fault.service !== service) continue;
        if (rule.operations && !rule.operations.has(operation)) continue;
        if (fault.match && !fault.match(call)) continue;
        let state = rule.calls.get(invocation);
        if (!state) {
          state = { index: ++rule.seen, failed: 0 };
          rule.calls.set(invocation, state);
        }
        const skip = fault.skip ?? 0;
        if (state.index <= skip) continue;
        if (fault.calls !== undefined && state.index > skip + fault.calls) continue;
        if (fault.attempts !== undefined && state.failed >= fault.attempts) continue;
        if (fault.probability !== undefined && rule.random() >= fault.probability) continue;
        state.failed++;
        const when = fault.when ?? "before";
        injected.push({
          rule: index,
          service,
          operation,
          error: fault.error,
          when,
          attempt: call.attempt,
          ...(call.maxAttempts !== undefined ? { maxAttempts: call.maxAttempts } : {}),
          ...(call.invocationId ? { invocationId: call.invocationId } : {}),
          ...(call.table ? { table: call.table } : {}),
          ...(call.key ? { key: call.key } : {}),
          ...(call.detailTypes ? { detailTypes: call.detailTypes } : {}),
        });
        return { when, ...errorAnswer(service, fault.error) };
      }
      return undefined;
    },
  };
}

function ruleState(fault: DependencyFault): RuleState {
  if (!SERVICES.includes(fault.service))
    throw new RangeError(`Unknown service ${String(fault.service)}`);
  if (!ERRORS.includes(fault.error)) throw new RangeError(`Unknown error ${String(fault.error)}`);
  if (fault.error === "provisioned-throughput" && fault.service !== "dynamodb")
    throw new RangeError("provisioned-throughput is a DynamoDB error");
  if (fault.probability !== undefined && !(fault.probability >= 0 && fault.probability <= 1))
    throw new RangeError("probability is between 0 and 1");
  const operations =
    fault.operation === undefined
      ? undefined
      : new Set(typeof fault.operation === "string" ? [fault.operation] : fault.operation);
  return { fault, operations, calls: new Map(), seen: 0, random: mulberry32(fault.seed ?? 1) };
}

function describeCall(
  service: DependencyService,
  operation: string,
  input: Record<string, unknown>,
  headers: IncomingHttpHeaders,
): DependencyCall {
  const request = /attempt=(\d+)(?:;\s*max=(\d+))?/.exec(String(headers["amz-sdk-request"] ?? ""));
  const invocationId = headers["amz-sdk-invocation-id"];
  const base = {
    service,
    operation,
    input,
    attempt: request ? Number(request[1]) : 1,
    ...(request?.[2] ? { maxAttempts: Number(request[2]) } : {}),
    ...(typeof invocationId === "string" ? { invocationId } : {}),
  };
  if (service === "dynamodb") {
    const item = (input.Item ?? input.Key) as Record<string, { S?: unknown }> | undefined;
    const pk = item?.pk?.S;
    const sk = item?.sk?.S;
    return {
      ...base,
      ...(typeof input.TableName === "string" ? { table: input.TableName } : {}),
      ...(item
        ? {
            key: {
              ...(typeof pk === "string" ? { pk } : {}),
              ...(typeof sk === "string" ? { sk } : {}),
            },
          }
        : {}),
    };
  }
  if (service === "eventbridge" && Array.isArray(input.Entries)) {
    const detailTypes = input.Entries.map((entry) =>
      String((entry as { DetailType?: unknown } | null)?.DetailType ?? ""),
    );
    return { ...base, detailTypes };
  }
  return base;
}

function errorAnswer(
  service: DependencyService,
  error: DependencyError,
): Omit<FaultDecision, "when"> {
  const dynamo = service === "dynamodb";
  switch (error) {
    case "throttling":
      return {
        status: 400,
        body: {
          __type: dynamo
            ? "com.amazon.coral.availability#ThrottlingException"
            : service === "sqs"
              ? "com.amazonaws.sqs#ThrottlingException"
              : "ThrottlingException",
          message: "Rate exceeded (injected fault)",
        },
      };
    case "provisioned-throughput":
      return {
        status: 400,
        body: {
          __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
          message:
            "The level of configured provisioned throughput for the table was exceeded (injected fault)",
        },
      };
    case "internal":
      return {
        status: 500,
        body: {
          __type: dynamo
            ? "com.amazonaws.dynamodb.v20120810#InternalServerError"
            : service === "sqs"
              ? "com.amazonaws.sqs#InternalError"
              : "InternalException",
          message: "Internal server error (injected fault)",
        },
      };
    case "unavailable":
      return {
        status: 503,
        body: {
          __type: dynamo
            ? "com.amazonaws.dynamodb.v20120810#ServiceUnavailable"
            : service === "sqs"
              ? "com.amazonaws.sqs#ServiceUnavailable"
              : "ServiceUnavailable",
          message: "Service unavailable (injected fault)",
        },
      };
  }
}

/** Writes a fault's answer in the service's AWS JSON protocol. */
export function sendFault(
  response: ServerResponse,
  service: DependencyService,
  decision: FaultDecision,
): void {
  response.writeHead(decision.status, {
    "content-type": `application/x-amz-json-${service === "eventbridge" ? "1.1" : "1.0"}`,
    "x-amzn-errortype": decision.body.__type.replace(/^.*#/, ""),
  });
  response.end(JSON.stringify(decision.body));
}

export interface DynamoFaultProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** An HTTP proxy in front of the store that applies the injector's faults to DynamoDB calls. */
export async function startDynamoFaultProxy(
  storeEndpoint: string,
  injector: FaultInjector,
  log: (line: string) => void,
): Promise<DynamoFaultProxy> {
  const store = new URL(storeEndpoint);
  const agent = new Agent({ keepAlive: true });
  const server: Server = createServer((request, response) => {
    proxy(request, response).catch((error: unknown) => {
      log(`dependency fault proxy: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });

  async function proxy(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request);
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.indexOf(".") + 1);
    let input: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(body.toString("utf8") || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        input = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: the store answers it.
    }
    const fault = operation
      ? injector.decide("dynamodb", operation, input, request.headers)
      : undefined;
    if (fault?.when === "before") return sendFault(response, "dynamodb", fault);
    const answer = await forward(request, body);
    if (fault) return sendFault(response, "dynamodb", fault); // carried out; the answer is lost
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  function forward(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: store.hostname,
          port: store.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: store.host, "content-length": body.length },
          agent,
        },
        (answer) => {
          readAll(answer).then(
            (data) =>
              resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }),
            reject,
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  return listenOnLoopback(server, () => agent.destroy());
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}
