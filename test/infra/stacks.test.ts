// The synthesized CloudFormation follows the topology: every queue has a DLQ, every function is
// wired, the tables are encrypted with the customer-managed key and recoverable, the API has
// the authorizer, and cdk-nag finds nothing unacknowledged. Bundling is skipped (template only).
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import { functions, queues, routes, rules, tables } from "#infra/topology.ts";

const noBundling = { "aws:cdk:bundling-stacks": [] };
let data: Template;
let service: Template;

beforeAll(() => {
  const app = new App({ context: noBundling });
  const stacks = buildApp(app);
  app.synth(); // runs cdk-nag: throws when a finding is not acknowledged
  data = Template.fromStack(stacks.data);
  service = Template.fromStack(stacks.service);
});

/** Logical id of the one resource of `type` whose properties match. */
function logicalId(template: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as string;
}

describe("functions", () => {
  it("deploys every function of the topology on Node 22, arm64, with tracing", () => {
    for (const fn of functions) {
      service.hasResourceProperties("AWS::Lambda::Function", {
        Description: fn.description,
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        MemorySize: fn.memoryMb,
        Timeout: fn.timeoutSeconds,
        TracingConfig: { Mode: "Active" },
      });
    }
    expect(Object.keys(service.findResources("AWS::Lambda::Function"))).toHaveLength(
      functions.length,
    );
  });

  it("never lets a function Scan a table", () => {
    const policies = JSON.stringify(service.findResources("AWS::IAM::Policy"));
    expect(policies).toContain("dynamodb:Query");
    expect(policies).not.toMatch(/dynamodb:(Scan|\*)/);
  });
});

describe("queues", () => {
  it("gives every queue a dead-letter queue with the topology's maxReceiveCount", () => {
    for (const spec of queues) {
      service.hasResourceProperties("AWS::SQS::Queue", {
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: Match.anyValue(),
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
    }
    const all = service.findResources("AWS::SQS::Queue");
    const withRedrive = Object.values(all).filter((q) => q.Properties?.RedrivePolicy);
    expect(withRedrive).toHaveLength(queues.length);
    expect(Object.keys(all)).toHaveLength(queues.length * 2);
  });

  it("encrypts every queue and alarms on every dead-letter queue", () => {
    for (const queue of Object.values(service.findResources("AWS::SQS::Queue"))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    expect(Object.keys(service.findResources("AWS::CloudWatch::Alarm"))).toHaveLength(
      queues.length,
    );
  });

  it("feeds each queue to its consumer with partial batch failures", () => {
    for (const spec of queues) {
      const fn = functions.find((f) => f.name === spec.consumer);
      const fnId = logicalId(service, "AWS::Lambda::Function", { Description: fn?.description });
      service.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        FunctionName: { Ref: fnId },
        BatchSize: spec.batchSize,
        MaximumBatchingWindowInSeconds: spec.maxBatchingWindowSeconds,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      });
    }
    expect(Object.keys(service.findResources("AWS::Lambda::EventSourceMapping"))).toHaveLength(
      queues.length,
    );
  });
});

describe("rules", () => {
  it("routes each pattern of the topology to its queue, with a DLQ for failed deliveries", () => {
    for (const rule of rules()) {
      service.hasResourceProperties("AWS::Events::Rule", {
        EventPattern: rule.pattern,
        Targets: [
          Match.objectLike({
            DeadLetterConfig: { Arn: Match.anyValue() },
            RetryPolicy: Match.anyValue(),
          }),
        ],
      });
    }
    expect(Object.keys(service.findResources("AWS::Events::Rule"))).toHaveLength(rules().length);
  });
});

describe("data", () => {
  it("encrypts every table with the customer-managed key and keeps point-in-time recovery", () => {
    const keyId = logicalId(data, "AWS::KMS::Key", { EnableKeyRotation: true });
    for (const spec of tables) {
      data.hasResourceProperties("AWS::DynamoDB::Table", {
        KeySchema: Match.arrayWith([{ AttributeName: spec.partitionKey, KeyType: "HASH" }]),
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: "KMS",
          KMSMasterKeyId: { "Fn::GetAtt": [keyId, "Arn"] },
        },
      });
    }
    expect(Object.keys(data.findResources("AWS::DynamoDB::Table"))).toHaveLength(tables.length);
  });

  it("keeps the event bus under its contract name", () => {
    data.hasResourceProperties("AWS::Events::EventBus", { Name: "courier-service" });
  });
});

describe("HTTP API", () => {
  it("puts the Cognito JWT authorizer on every /v1 route and none on /health", () => {
    service.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", { AuthorizerType: "JWT" });
    for (const route of routes) {
      service.hasResourceProperties("AWS::ApiGatewayV2::Route", {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: route.auth ? "JWT" : "NONE",
      });
    }
    expect(routes.filter((r) => r.path.startsWith("/v1")).every((r) => r.auth)).toBe(true);
  });

  it("creates the four groups of the contract", () => {
    for (const group of ["agents", "supervisors", "ops", "admins"]) {
      service.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: group });
    }
  });
});

describe("cdk-nag", () => {
  it("fails the synth on an unacknowledged finding (so the clean synth above means something)", () => {
    const app = new App({ context: noBundling });
    buildApp(app);
    new Queue(new Stack(app, "Careless"), "Unencrypted", { enforceSSL: false });
    expect(() => app.synth()).toThrow(/Validation failed|AwsSolutions/);
  });
});
