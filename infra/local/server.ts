// The local runtime's one HTTP endpoint: the HTTP API routes, EventBridge PutEvents and SQS
// SendMessage (AWS JSON protocols, so the real SDK clients work against it), and /_local/*.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { RouteSpec } from "../topology.ts";
import { type LocalBus, PutEventsValidationError } from "./bus.ts";
import { apiGatewayEvent, matchRoute, normalizeResult } from "./http-api.ts";
import type { LocalFunction } from "./lambda.ts";
import type { TokenVerifier } from "./local-auth.ts";
import { type DeadLetterTarget, SqsApiError, sendMessage } from "./sqs-api.ts";

export interface ServerDependencies {
  readonly routes: readonly RouteSpec[];
  readonly functions: (name: string) => LocalFunction;
  readonly bus: LocalBus;
  readonly deadLetterQueue: (urlPath: string) => DeadLetterTarget | undefined;
  readonly verifyToken: TokenVerifier;
  readonly now: () => Date;
  /** Moves the clock and runs what became due; answers the new time. */
  readonly advanceClock: (isoDuration: string) => Promise<Date>;
  readonly queueReport: () => unknown;
  readonly log: (line: string) => void;
}

const MAX_BODY_BYTES = 1024 * 1024;

export function createLocalServer(deps: ServerDependencies): Server {
  return createServer((request, response) => {
    handle(deps, request, response).catch((error: unknown) => {
      deps.log(`local runtime error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!response.headersSent) send(response, 500, { message: "Internal server error" });
      else response.end();
    });
  });
}

async function handle(
  deps: ServerDependencies,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const body = await readBody(request);
  if (body === null) return send(response, 413, { message: "Request Entity Too Large" });
  const target = request.headers["x-amz-target"];

  if (request.method === "POST" && url.pathname === "/" && typeof target === "string") {
    return awsJsonCall(deps, target, body, response);
  }
  if (url.pathname === "/_local/clock") return clockCall(deps, request.method, body, response);
  if (url.pathname === "/_local/queues" && request.method === "GET")
    return send(response, 200, deps.queueReport());

  const matched = matchRoute(deps.routes, request.method ?? "GET", url.pathname);
  if (!matched) return send(response, 404, { message: "Not Found" });
  const claims = matched.route.auth ? await deps.verifyToken(request.headers.authorization) : null;
  if (matched.route.auth && !claims) {
    return send(response, 401, { message: "Unauthorized" }, { "www-authenticate": "Bearer" });
  }
  const event = apiGatewayEvent(request, url, body, matched, claims, deps.now());
  const result = normalizeResult(await deps.functions(matched.route.function).invoke(event));
  response.writeHead(result.statusCode, result.headers);
  response.end(result.body);
}

async function awsJsonCall(
  deps: ServerDependencies,
  target: string,
  body: Buffer,
  response: ServerResponse,
) {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return sendAws(
      response,
      400,
      { __type: "SerializationException", message: "The request body is not JSON" },
      "1.1",
    );
  }
  if (target === "AWSEvents.PutEvents") {
    try {
      return sendAws(response, 200, deps.bus.putEvents(payload, body.length), "1.1");
    } catch (error) {
      if (error instanceof PutEventsValidationError) {
        return sendAws(response, 400, { __type: error.type, message: error.message }, "1.1");
      }
      throw error;
    }
  }
  if (target === "AmazonSQS.SendMessage") {
    try {
      return sendAws(response, 200, sendMessage(payload, deps.deadLetterQueue), "1.0");
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
    "1.1",
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
  let advance: unknown;
  try {
    advance = (JSON.parse(body.toString("utf8") || "{}") as { advance?: unknown }).advance;
  } catch {
    return problem(response, 400, 'The body must be JSON like {"advance": "PT2H"}');
  }
  if (typeof advance !== "string")
    return problem(response, 400, "advance must be an ISO-8601 duration such as PT2H or P1D");
  try {
    const now = await deps.advanceClock(advance);
    return send(response, 200, { now: now.toISOString() });
  } catch (error) {
    if (error instanceof RangeError) return problem(response, 400, error.message);
    throw error;
  }
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
