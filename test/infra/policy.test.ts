// Infrastructure policies that cdk-nag and the Control Tower guard rules do not check, on the
// synthesized templates of the whole app. Each check lists what breaks its rule, over every
// resource of its type, so a new queue, function, rule or route of the topology is covered
// without a change here; "would catch" breaks a copy of the templates once per check, so none
// of them passes by looking at nothing.
//
// Asserted elsewhere, not again here: every queue encrypted, TLS-only, with a DLQ and
// maxReceiveCount (stacks.test.ts "queues", and cdk-nag's SQS rules); every EventBridge target
// with a DLQ and a retry policy (stacks.test.ts "rules", "schedules"); active tracing on every
// function (stacks.test.ts "functions", and Serverless-LambdaTracing); which topic each alarm
// notifies (monitoring.test.ts).
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import { queues, routes } from "#infra/topology.ts";
import { noBundling } from "./synth.ts";

type Resource = { Type: string; Properties?: Record<string, any> };
type CfnTemplate = { Resources: Record<string, Resource> };
/** The app's templates by stack name. */
type Templates = Record<string, CfnTemplate>;

const DAY = 86_400;
/** SQS's own defaults, for a property the template leaves out. */
const SQS_DEFAULT_RETENTION = 4 * DAY;
const SQS_DEFAULT_VISIBILITY_TIMEOUT = 30;
const LAMBDA_DEFAULT_TIMEOUT = 3;

/**
 * A dead letter must outlive its source queue's retention by this much: SQS counts a message's
 * age from its first enqueue, so one moved late in its life has only the difference left (a
 * week: it outlasts a Golden Week holiday).
 */
const DEAD_LETTER_MARGIN = 7 * DAY;
/** AWS guidance for SQS event sources: visibility ≥ 6 × the function's timeout (+ its batching window). */
const VISIBILITY_FACTOR = 6;
/** A region's default concurrent executions; the SQS consumers together may take half. */
const ACCOUNT_CONCURRENCY = 1_000;
const QUEUE_CONSUMERS_SHARE = ACCOUNT_CONCURRENCY / 2;
/** Log lines kept at least a year (and never forever: a cost without end). */
const MIN_LOG_RETENTION_DAYS = 365;

/**
 * The routes without the JWT authorizer, spelled out: a public route is a decision to write down
 * here, not a default. `$default` answers only 404 and 405 for what no route matches.
 */
const UNAUTHENTICATED_ROUTES = ["$default", "GET /health", "GET /openapi.json"];

let templates: Templates;

beforeAll(() => {
  const app = new App({ context: noBundling });
  // Templates only: the Control Tower rules run in stacks.test.ts on the same app.
  const { data, service } = buildApp(app, { controlTowerGuard: false });
  app.synth();
  templates = {
    [data.stackName]: Template.fromStack(data).toJSON() as CfnTemplate,
    [service.stackName]: Template.fromStack(service).toJSON() as CfnTemplate,
  };
});

// ── The checks: each returns what breaks its rule, as "<stack>/<logical id>: what" ─────────────

function ofType(template: CfnTemplate, type: string): [string, Record<string, any>][] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** The logical id a `Ref` or `Fn::GetAtt` points at (undefined for anything else). */
function target(value: unknown): string | undefined {
  const token = value as { Ref?: unknown; "Fn::GetAtt"?: unknown[] } | undefined;
  if (typeof token?.Ref === "string") return token.Ref;
  const getAtt = token?.["Fn::GetAtt"]?.[0];
  return typeof getAtt === "string" ? getAtt : undefined;
}

function referenced(template: CfnTemplate, value: unknown, type: string) {
  const id = target(value);
  const resource = id === undefined ? undefined : template.Resources[id];
  return resource?.Type === type
    ? { id: id as string, props: resource.Properties ?? {} }
    : undefined;
}

function forEachStack(all: Templates, check: (stack: string, t: CfnTemplate) => string[]) {
  return Object.entries(all).flatMap(([stack, t]) => check(stack, t));
}

/** Every queue with a redrive policy: its DLQ keeps messages DEAD_LETTER_MARGIN longer than it. */
function deadLetterRetentionFindings(all: Templates): string[] {
  return forEachStack(all, (stack, t) =>
    ofType(t, "AWS::SQS::Queue").flatMap(([id, queue]) => {
      if (!queue.RedrivePolicy) return [];
      const dlq = referenced(t, queue.RedrivePolicy.deadLetterTargetArn, "AWS::SQS::Queue");
      if (!dlq) return [`${stack}/${id}: its DLQ is not a queue of the stack`];
      const source = queue.MessageRetentionPeriod ?? SQS_DEFAULT_RETENTION;
      const kept = dlq.props.MessageRetentionPeriod ?? SQS_DEFAULT_RETENTION;
      return kept - source >= DEAD_LETTER_MARGIN
        ? []
        : [`${stack}/${id}: keeps ${source / DAY} days, its DLQ ${dlq.id} only ${kept / DAY}`];
    }),
  );
}

/**
 * Every SQS event source: the queue's visibility timeout covers 6 tries of the function (and the
 * batching window), and a maximum concurrency (2 to 1,000, SQS's bounds) caps what a flood takes;
 * all of them together leave the API at least half the account's concurrency.
 */
function eventSourceFindings(all: Templates): string[] {
  return forEachStack(all, (stack, t) => {
    const found: string[] = [];
    let total = 0;
    for (const [id, mapping] of ofType(t, "AWS::Lambda::EventSourceMapping")) {
      const queue = referenced(t, mapping.EventSourceArn, "AWS::SQS::Queue");
      const fn = referenced(t, mapping.FunctionName, "AWS::Lambda::Function");
      if (!queue || !fn) {
        found.push(`${stack}/${id}: not a queue and a function of the stack`);
        continue;
      }
      const visibility = queue.props.VisibilityTimeout ?? SQS_DEFAULT_VISIBILITY_TIMEOUT;
      const timeout = fn.props.Timeout ?? LAMBDA_DEFAULT_TIMEOUT;
      const needed = VISIBILITY_FACTOR * timeout + (mapping.MaximumBatchingWindowInSeconds ?? 0);
      if (visibility < needed)
        found.push(
          `${stack}/${id}: ${queue.id} hides a message ${visibility} s, ${fn.id} needs ${needed} s`,
        );
      const max: unknown = mapping.ScalingConfig?.MaximumConcurrency;
      if (typeof max !== "number" || !Number.isInteger(max) || max < 2 || max > 1_000)
        found.push(`${stack}/${id}: maximum concurrency ${String(max)}, not 2 to 1000`);
      else total += max;
    }
    if (total > QUEUE_CONSUMERS_SHARE)
      found.push(`${stack}: the queues' consumers may take ${total} concurrent executions`);
    return found;
  });
}

/**
 * Every log group keeps its lines for a finite time of at least a year, encrypted with a key of
 * its stack; every function and every API stage writes into such a group of the template, never
 * into one Lambda creates on the fly (kept forever, with the service's default encryption).
 */
function logFindings(all: Templates): string[] {
  return forEachStack(all, (stack, t) => [
    ...ofType(t, "AWS::Logs::LogGroup").flatMap(([id, group]) => [
      ...(typeof group.RetentionInDays === "number" &&
      group.RetentionInDays >= MIN_LOG_RETENTION_DAYS
        ? []
        : [`${stack}/${id}: retention ${group.RetentionInDays ?? "forever"}`]),
      ...(referenced(t, group.KmsKeyId, "AWS::KMS::Key")
        ? []
        : [`${stack}/${id}: not encrypted with a key of the stack`]),
    ]),
    ...ofType(t, "AWS::Lambda::Function").flatMap(([id, fn]) =>
      referenced(t, fn.LoggingConfig?.LogGroup, "AWS::Logs::LogGroup")
        ? []
        : [`${stack}/${id}: logs into a log group the template does not declare`],
    ),
    ...ofType(t, "AWS::ApiGatewayV2::Stage").flatMap(([id, stage]) =>
      referenced(t, stage.AccessLogSettings?.DestinationArn, "AWS::Logs::LogGroup")
        ? []
        : [`${stack}/${id}: no access log group of the stack`],
    ),
  ]);
}

/** The route keys without a JWT authorizer of their own API. */
function unauthenticatedRoutes(all: Templates): string[] {
  return forEachStack(all, (_stack, t) =>
    ofType(t, "AWS::ApiGatewayV2::Route").flatMap(([, route]) => {
      const authorizer = referenced(t, route.AuthorizerId, "AWS::ApiGatewayV2::Authorizer");
      const guarded =
        route.AuthorizationType === "JWT" &&
        authorizer?.props.AuthorizerType === "JWT" &&
        JSON.stringify(authorizer.props.ApiId) === JSON.stringify(route.ApiId);
      return guarded ? [] : [route.RouteKey as string];
    }),
  ).sort();
}

/**
 * Only API Gateway invokes a function through its resource policy (queues use event source
 * mappings), and only through an API of the stack, for a route's path (any path: `$default`):
 * SourceArn = arn:<partition>:execute-api:<region>:<account>:<api>/*\/*<path> — what
 * CT.LAMBDA.PR.2 cannot read, as CDK joins it from parts.
 */
function invokePermissionFindings(all: Templates): string[] {
  const paths = new Set(["/*/*", ...routes.map((route) => `/*/*${route.path}`)]);
  return forEachStack(all, (stack, t) =>
    ofType(t, "AWS::Lambda::Permission").flatMap(([id, permission]) => {
      const [separator, parts] = (permission.SourceArn?.["Fn::Join"] ?? []) as [string, unknown[]];
      const api = (parts ?? []).map((part) =>
        referenced(t, part, "AWS::ApiGatewayV2::Api") ? "<api>" : part,
      );
      const scoped =
        permission.Principal === "apigateway.amazonaws.com" &&
        permission.Action === "lambda:InvokeFunction" &&
        separator === "" &&
        JSON.stringify(api.slice(0, 8)) ===
          JSON.stringify([
            "arn:",
            { Ref: "AWS::Partition" },
            ":execute-api:",
            { Ref: "AWS::Region" },
            ":",
            { Ref: "AWS::AccountId" },
            ":",
            "<api>",
          ]) &&
        api.length === 9 &&
        paths.has(api[8] as string);
      return scoped ? [] : [`${stack}/${id}: not only API Gateway for an API of the stack`];
    }),
  );
}

/** Every alarm of every stack has an action, and its actions are enabled. */
function alarmFindings(all: Templates): string[] {
  return forEachStack(all, (stack, t) =>
    ofType(t, "AWS::CloudWatch::Alarm").flatMap(([id, alarm]) =>
      (alarm.AlarmActions ?? []).length > 0 && alarm.ActionsEnabled !== false
        ? []
        : [`${stack}/${id}: fires into nothing`],
    ),
  );
}

// ── The app ────────────────────────────────────────────────────────────────────────────────────

const service = () => templates.CourierCareService as CfnTemplate;

describe("queues", () => {
  it("each dead-letter queue keeps its messages at least a week longer than its source queue", () => {
    const redriven = ofType(service(), "AWS::SQS::Queue").filter(([, q]) => q.RedrivePolicy);
    expect(redriven).toHaveLength(queues.length);
    expect(deadLetterRetentionFindings(templates)).toEqual([]);
  });
});

describe("SQS event sources", () => {
  it("visibility timeout ≥ 6 × the consumer's timeout (+ batching window); maximum concurrency capped, the API keeps half", () => {
    expect(ofType(service(), "AWS::Lambda::EventSourceMapping")).toHaveLength(queues.length);
    expect(eventSourceFindings(templates)).toEqual([]);
  });
});

describe("logs", () => {
  it("every log group keeps a year, encrypted with its stack's key; every function and the API stage log into one", () => {
    expect(ofType(service(), "AWS::Logs::LogGroup").length).toBeGreaterThan(
      ofType(service(), "AWS::Lambda::Function").length,
    );
    expect(logFindings(templates)).toEqual([]);
  });
});

describe("HTTP API", () => {
  it("has the JWT authorizer on every route but the explicit allow-list, which is the topology's auth: false and $default", () => {
    const topologyPublic = [
      ...routes.filter((r) => !r.auth).map((r) => `${r.method} ${r.path}`),
      "$default",
    ].sort();
    expect(topologyPublic).toEqual(UNAUTHENTICATED_ROUTES);
    expect(unauthenticatedRoutes(templates)).toEqual(UNAUTHENTICATED_ROUTES);
    expect(ofType(service(), "AWS::ApiGatewayV2::Route")).toHaveLength(routes.length + 1);
  });

  it("lets API Gateway invoke the functions only for routes of this API", () => {
    expect(ofType(service(), "AWS::Lambda::Permission")).toHaveLength(routes.length + 1);
    expect(invokePermissionFindings(templates)).toEqual([]);
  });
});

describe("alarms", () => {
  it("every alarm of every stack has an enabled action", () => {
    expect(ofType(service(), "AWS::CloudWatch::Alarm").length).toBeGreaterThan(0);
    expect(alarmFindings(templates)).toEqual([]);
  });
});

// ── Each check, shown to fail on a broken copy of the templates ──────────────────────────────────

describe("the checks would catch", () => {
  /** A deep copy of the templates with `change` applied to the first resource of `type`. */
  function broken(type: string, change: (props: Record<string, any>, t: CfnTemplate) => void) {
    const copy = structuredClone(templates);
    const t = copy.CourierCareService as CfnTemplate;
    const [, first] = required(ofType(t, type)[0]);
    change(first, t);
    return copy;
  }
  const required = <T>(value: T | undefined): T => {
    expect(value).toBeDefined();
    return value as T;
  };
  const dlqOf = (queue: Record<string, any>, t: CfnTemplate) =>
    required(referenced(t, queue.RedrivePolicy?.deadLetterTargetArn, "AWS::SQS::Queue")).props;
  const firstRedriven = (t: CfnTemplate) =>
    required(ofType(t, "AWS::SQS::Queue").find(([, q]) => q.RedrivePolicy))[1];

  const cases: [string, () => Templates, (all: Templates) => string[], RegExp][] = [
    [
      "a DLQ that keeps no longer than its source",
      () => {
        const copy = structuredClone(templates);
        const t = copy.CourierCareService as CfnTemplate;
        const queue = firstRedriven(t);
        dlqOf(queue, t).MessageRetentionPeriod = queue.MessageRetentionPeriod;
        return copy;
      },
      deadLetterRetentionFindings,
      /keeps (\d+) days, its DLQ \w+ only \1$/,
    ],
    [
      "a visibility timeout under 6 × the consumer's timeout",
      () =>
        broken("AWS::Lambda::EventSourceMapping", (mapping, t) => {
          required(referenced(t, mapping.FunctionName, "AWS::Lambda::Function")).props.Timeout =
            300;
        }),
      eventSourceFindings,
      /needs 1800 s/,
    ],
    [
      "a batching window the visibility timeout does not cover",
      () =>
        broken("AWS::Lambda::EventSourceMapping", (mapping, t) => {
          const queue = required(referenced(t, mapping.EventSourceArn, "AWS::SQS::Queue"));
          const fn = required(referenced(t, mapping.FunctionName, "AWS::Lambda::Function"));
          queue.props.VisibilityTimeout = 6 * fn.props.Timeout;
          mapping.MaximumBatchingWindowInSeconds = 1;
        }),
      eventSourceFindings,
      /hides a message/,
    ],
    [
      "an event source without a maximum concurrency",
      () => broken("AWS::Lambda::EventSourceMapping", (mapping) => delete mapping.ScalingConfig),
      eventSourceFindings,
      /maximum concurrency undefined/,
    ],
    [
      "event sources that may take more than half the account",
      () => {
        const copy = structuredClone(templates);
        for (const [, mapping] of ofType(
          copy.CourierCareService as CfnTemplate,
          "AWS::Lambda::EventSourceMapping",
        ))
          mapping.ScalingConfig = { MaximumConcurrency: 100 };
        return copy;
      },
      eventSourceFindings,
      /may take \d+ concurrent executions/,
    ],
    [
      "a log group kept forever",
      () => broken("AWS::Logs::LogGroup", (group) => delete group.RetentionInDays),
      logFindings,
      /retention forever/,
    ],
    [
      "a log group kept three months",
      () => broken("AWS::Logs::LogGroup", (group) => (group.RetentionInDays = 90)),
      logFindings,
      /retention 90/,
    ],
    [
      "a log group without the stack's key",
      () => broken("AWS::Logs::LogGroup", (group) => delete group.KmsKeyId),
      logFindings,
      /not encrypted/,
    ],
    [
      "a function logging into a group Lambda creates itself",
      () => broken("AWS::Lambda::Function", (fn) => delete fn.LoggingConfig),
      logFindings,
      /does not declare/,
    ],
    [
      "a route without the authorizer",
      () => {
        const copy = structuredClone(templates);
        const [, route] = required(
          ofType(copy.CourierCareService as CfnTemplate, "AWS::ApiGatewayV2::Route").find(
            ([, r]) => r.AuthorizationType === "JWT",
          ),
        );
        route.AuthorizationType = "NONE";
        delete route.AuthorizerId;
        return copy;
      },
      (all) => unauthenticatedRoutes(all).filter((key) => !UNAUTHENTICATED_ROUTES.includes(key)),
      /^[A-Z]+ \/v1\//,
    ],
    [
      "an invoke permission for any caller of API Gateway",
      () => broken("AWS::Lambda::Permission", (permission) => delete permission.SourceArn),
      invokePermissionFindings,
      /not only API Gateway/,
    ],
    [
      "an invoke permission for another service",
      () =>
        broken("AWS::Lambda::Permission", (permission) => {
          permission.Principal = "sns.amazonaws.com";
        }),
      invokePermissionFindings,
      /not only API Gateway/,
    ],
    [
      "an invoke permission for a path no route has",
      () =>
        broken("AWS::Lambda::Permission", (permission) => {
          permission.SourceArn["Fn::Join"][1][8] = "/*/*/admin";
        }),
      invokePermissionFindings,
      /not only API Gateway/,
    ],
    [
      "an alarm without an action",
      () => broken("AWS::CloudWatch::Alarm", (alarm) => delete alarm.AlarmActions),
      alarmFindings,
      /fires into nothing/,
    ],
    [
      "an alarm whose actions are disabled",
      () => broken("AWS::CloudWatch::Alarm", (alarm) => (alarm.ActionsEnabled = false)),
      alarmFindings,
      /fires into nothing/,
    ],
  ];

  it.each(cases)("%s", (_what, breakCopy, check, finding) => {
    // What the break adds to what the check finds in the app as it is (nothing, when it passes).
    const before = new Set(check(templates));
    const added = check(breakCopy()).filter((found) => !before.has(found));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(finding);
  });
});
