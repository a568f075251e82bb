// The local runtime's one HTTP endpoint: the HTTP API routes, EventBridge PutEvents and SQS
// SendMessage (AWS JSON protocols, so the real SDK clients work against it), and /_local/*.
// Every client mistake is a 4xx; only a genuine internal error is a 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "#functions/api/http.ts";
import { matchRoute } from "../route-matching.ts";
import { DEFAULT_THROTTLE, type RouteSpec, unmatchedRoute } from "../topology.ts";
import { type LocalBus, PutEventsValidationError } from "./bus.ts";
import { maskQueueReport } from "./display-masking.ts";
import { parseClockAdvance } from "./duration.ts";
import {
  apiGatewayEvent,
  corsResponseHeaders,
  frontendOriginsFrom,
  isPreflight,
  normalizeResult,
  preflightHeaders,
} from "./http-api.ts";
import type { LocalFunction } from "./lambda.ts";
import type { TokenVerifier } from "./local-auth.ts";
import { type Throttle, type ThrottleLimits, tokenBucket } from "./throttle.ts";
import { type FaultInjector, sendFault } from "./dependency-faults.ts";
import { type DeadLetterTarget, SqsApiError, sendMessage } from "./sqs-api.ts";

export interface ServerDependencies {
  readonly routes: readonly RouteSpec[];
  readonly functions: (name: string) => LocalFunction;
  readonly bus: LocalBus;
  /**
   * The secret path our functions reach the runtime at (their AWS_ENDPOINT_URL_EVENTBRIDGE and
   * _SQS are the URL plus this path): AWS JSON calls there are trusted, those on `POST /` are not.
   */
  readonly functionsPath: string;
  readonly deadLetterQueue: (urlPath: string) => DeadLetterTarget | undefined;
  readonly verifyToken: TokenVerifier;
  readonly now: () => Date;
  /** Moves the clock by `ms` (0 to MAX_CLOCK_ADVANCE, validated) and runs what became due. */
  readonly advanceClock: (ms: number) => Promise<Date>;
  /** Raw queue stats and messages; served with message bodies masked. */
  readonly queueReport: () => unknown;
  /** Moves a queue's dead letters back to it; undefined when there is no such queue. */
  readonly redrive: (queue: string) => number | undefined;
  readonly log: (line: string) => void;
  /** Origins allowed by CORS; default from env FRONTEND_ORIGIN (frontendOriginsFrom). */
  readonly frontendOrigins?: readonly string[];
  /** The HTTP API's stage throttling, default DEFAULT_THROTTLE (as the CDK app's stage). */
  readonly throttle?: ThrottleLimits;
  /** Dependency faults for tests: PutEvents and SendMessage on the functions' path may fail. */
  readonly dependencyFaults?: FaultInjector;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** The clock never moves past the last time of a four-digit year (Date's own limit is later). */
const LATEST_CLOCK = Date.parse("9999-12-31T23:59:59.999Z");

export function createLocalServer(deps: ServerDependencies): Server {
  const origins = deps.frontendOrigins ?? frontendOriginsFrom(process.env.FRONTEND_ORIGIN);
  const throttle = tokenBucket(deps.throttle ?? DEFAULT_THROTTLE);
  return createServer((request, response) => {
    // Every answer, the runtime's own (401, 404, …) as the functions': the security headers, and
    // CORS for the front end's origin; a preflight is answered here, as API Gateway does.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (isPreflight(request.method, request.headers)) {
      request.resume();
      response.writeHead(204, preflightHeaders(origins, request.headers));
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(corsResponseHeaders(origins, request.headers)))
      response.setHeader(name, value);
    handle(deps, throttle, request, response).catch((error: unknown) => {
      deps.log(`local runtime error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!response.headersSent) send(response, 500, { message: "Internal server error" });
      else response.end();
    });
  });
}

async function handle(
  deps: ServerDependencies,
  throttle: Throttle,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const body = await readBody(request);
  if (body === null) return send(response, 413, { message: "Request Entity Too Large" });
  const target = request.headers["x-amz-target"];

  if (request.method === "POST" && typeof target === "string") {
    if (url.pathname === "/") return awsJsonCall(deps, target, body, false, response);
    if (url.pathname === deps.functionsPath || url.pathname === `${deps.functionsPath}/`)
      return awsJsonCall(deps, target, body, true, response, request.headers);
  }
  if (url.pathname === "/_local/clock") return clockCall(deps, request.method, body, response);
  if (url.pathname === "/_local/queues" && request.method === "GET")
    return send(response, 200, maskQueueReport(deps.queueReport()));
  const redrive = /^\/_local\/queues\/([a-z0-9-]{1,80})\/redrive$/.exec(url.pathname);
  if (redrive) {
    if (request.method !== "POST") return send(response, 405, { message: "Use POST" });
    const queue = redrive[1] as string;
    const moved = deps.redrive(queue);
    if (moved === undefined) return send(response, 404, { message: `No queue named ${queue}` });
    deps.log(`queue ${queue}: ${moved} dead letter(s) redriven`);
    return send(response, 200, { queue, moved });
  }

  // The HTTP API, as API Gateway serves it: throttling first, then the route (or `$default`).
  if (!throttle.take()) return send(response, 429, { message: "Too Many Requests" });
  const method = request.method ?? "GET";
  let matched: ReturnType<typeof matchRoute>;
  try {
    matched = matchRoute(deps.routes, method, url.pathname);
  } catch (error) {
    // A path parameter that is not valid percent-encoding.
    if (error instanceof URIError) return send(response, 400, { message: "Bad Request" });
    throw error;
  }
  if (!matched) {
    const event = apiGatewayEvent(request, url, body, undefined, null, deps.now());
    return reply(response, await deps.functions(unmatchedRoute.function).invoke(event));
  }
  const claims = matched.route.auth ? await deps.verifyToken(request.headers.authorization) : null;
  if (matched.route.auth && !claims) {
    return send(response, 401, { message: "Unauthorized" }, { "www-authenticate": "Bearer" });
  }
  const event = apiGatewayEvent(request, url, body, matched, claims, deps.now());
  reply(response, await deps.functions(matched.route.function).invoke(event));
}

function reply(response: ServerResponse, functionResult: unknown): void {
  const result = normalizeResult(functionResult);
  response.writeHead(result.statusCode, result.headers);
  response.end(result.body);
}

async function awsJsonCall(
  deps: ServerDependencies,
  target: string,
  body: Buffer,
  trusted: boolean,
  response: ServerResponse,
  headers: IncomingMessage["headers"] = {},
) {
  const version = target.startsWith("AmazonSQS.") ? "1.0" : "1.1";
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    payload = undefined;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return sendAws(
      response,
      400,
      { __type: "SerializationException", message: "The request body must be a JSON object" },
      version,
    );
  }
  if (target === "AWSEvents.PutEvents") {
    // An injected fault refuses the request, or (`after`) loses the answer of one carried out.
    const fault = trusted
      ? deps.dependencyFaults?.decide(
          "eventbridge",
          "PutEvents",
          payload as Record<string, unknown>,
          headers,
        )
      : undefined;
    if (fault?.when === "before") return sendFault(response, "eventbridge", fault);
    try {
      const result = deps.bus.putEvents(payload, body.length, { trusted });
      if (fault) return sendFault(response, "eventbridge", fault);
      return sendAws(response, 200, result, "1.1");
    } catch (error) {
      if (error instanceof PutEventsValidationError) {
        return sendAws(response, 400, { __type: error.type, message: error.message }, "1.1");
      }
      throw error;
    }
  }
  if (target === "AmazonSQS.SendMessage") {
    try {
      if (!trusted) {
        throw new SqsApiError(
          "AccessDeniedException",
          "You do not have sufficient access to perform this action.",
        );
      }
      const fault = deps.dependencyFaults?.decide(
        "sqs",
        "SendMessage",
        payload as Record<string, unknown>,
        headers,
      );
      if (fault?.when === "before") return sendFault(response, "sqs", fault);
      const result = sendMessage(payload, deps.deadLetterQueue);
      if (fault) return sendFault(response, "sqs", fault);
      return sendAws(response, 200, result, "1.0");
    } catch (error) {
      if (error instanceof SqsApiError) {
        return sendAws(
          response,
          400,
          { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
          "1.0",
        );
      }
      throw error;
    }
  }
  return sendAws(
    response,
    400,
    { __type: "UnknownOperationException", message: `${target} is not served locally` },
    version,
  );
}

async function clockCall(
  deps: ServerDependencies,
  method: string | undefined,
  body: Buffer,
  response: ServerResponse,
) {
  if (method === "GET") return send(response, 200, { now: deps.now().toISOString() });
  if (method !== "POST") return send(response, 405, { message: "Use GET or POST" });
  let request: unknown;
  try {
    request = JSON.parse(body.toString("utf8"));
  } catch {
    request = undefined;
  }
  if (typeof request !== "object" || request === null || Array.isArray(request))
    return problem(response, 400, 'The body must be a JSON object like {"advance": "PT2H"}');
  const { advance } = request as { advance?: unknown };
  if (typeof advance !== "string")
    return problem(response, 400, "advance must be an ISO-8601 duration such as PT2H or P1D");
  let ms: number;
  try {
    ms = parseClockAdvance(advance);
  } catch (error) {
    if (error instanceof RangeError) return problem(response, 400, error.message);
    throw error;
  }
  if (deps.now().getTime() + ms > LATEST_CLOCK) {
    return problem(response, 400, `"${advance}" would move the clock past the year 9999`);
  }
  const now = await deps.advanceClock(ms);
  return send(response, 200, { now: now.toISOString() });
}

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function sendAws(response: ServerResponse, status: number, body: unknown, version: "1.0" | "1.1") {
  response.writeHead(status, { "content-type": `application/x-amz-json-${version}` });
  response.end(JSON.stringify(body));
}

function problem(response: ServerResponse, status: number, detail: string) {
  response.writeHead(status, { "content-type": "application/problem+json" });
  response.end(JSON.stringify({ type: "about:blank", status, title: "Bad Request", detail }));
}
