// Adding a function, a queue, a rule, a schedule and routes is one entry each in the topology, and
// no CDK change: with an extended topology the app wires everything and cdk-nag stays clean.
import { App, type CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it, vi } from "vitest";
import type * as Topology from "#infra/topology.ts";
import { noBundling } from "./synth.ts";

vi.mock("#infra/topology.ts", async (importOriginal) => {
  const original = await importOriginal<typeof Topology>();
  const survey: Topology.FunctionSpec = {
    name: "survey",
    // Any existing module: bundling is skipped, but NodejsFunction checks that the entry exists.
    entry: "functions/api/handler.ts",
    description: "Survey test function",
    memoryMb: 256,
    timeoutSeconds: 15,
    access: { cases: "read" },
    publishes: false,
  };
  return {
    ...original,
    functions: [...original.functions, survey],
    queues: [
      ...original.queues,
      {
        name: "survey",
        consumer: "survey",
        batchSize: 5,
        maxBatchingWindowSeconds: 2,
        visibilityTimeoutSeconds: 90,
        maxReceiveCount: 4,
        retentionDays: 7,
        maxMessageAgeSeconds: 240,
      },
    ],
    rules: (source?: string) => [
      ...original.rules(source),
      {
        name: "case-resolved-to-survey",
        description: "Test rule",
        pattern: { source: [original.DOMAIN_EVENT_SOURCE], "detail-type": ["Case Resolved"] },
        targetQueue: "survey",
      },
    ],
    schedules: [
      ...original.schedules,
      {
        name: "survey-every-five-minutes",
        description: "Test schedule",
        rateMinutes: 5,
        targetQueue: "survey",
      },
    ],
    routes: [
      ...original.routes,
      { method: "POST", path: "/v1/cases/{caseId}/surveys", function: "api", auth: true },
      { method: "GET", path: "/version", function: "api-read", auth: false },
    ],
  } satisfies typeof Topology;
});

describe("an extended topology", () => {
  it("is deployed without any CDK change, and cdk-nag and the Control Tower rules stay clean", async () => {
    const { buildApp } = await import("#infra/cdk/app.ts");
    const actual = await vi.importActual<typeof Topology>("#infra/topology.ts");
    const app = new App({ context: noBundling });
    const { service: stack } = buildApp(app);
    expect(() => app.synth()).not.toThrow();
    const service = Template.fromStack(stack);

    service.resourceCountIs("AWS::Lambda::Function", actual.functions.length + 1);
    service.hasResourceProperties("AWS::Lambda::Function", {
      Description: "Survey test function",
      Runtime: "nodejs22.x",
      MemorySize: 256,
    });
    service.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 90,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 4 },
    });
    service.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 2,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
    service.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: { source: ["courier.care"], "detail-type": ["Case Resolved"] },
    });
    const surveyQueue = stack.getLogicalId(
      stack.queues.get("survey")?.queue.node.defaultChild as CfnElement,
    );
    service.hasResourceProperties("AWS::Events::Rule", {
      Description: "Test schedule",
      ScheduleExpression: "rate(5 minutes)",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [surveyQueue, "Arn"] } })],
    });
    // The new function does not publish: its role is not exempt from the bus policy's Deny.
    const roleArn = (name: string) => ({
      "Fn::GetAtt": [
        stack.getLogicalId(stack.functions.get(name)?.role?.node.defaultChild as CfnElement),
        "Arn",
      ],
    });
    const [policy] = Object.values(service.findResources("AWS::Events::EventBusPolicy"));
    const exempt: unknown = policy?.Properties.Statement.Condition.ArnNotEquals["aws:PrincipalArn"];
    expect(exempt).toHaveLength(actual.functions.filter((f) => f.publishes).length);
    expect(exempt).not.toContainEqual(roleArn("survey"));
    expect(exempt).toContainEqual(roleArn("intake"));
    // It only reads (access cases: "read"): its role may query, never write.
    const surveyRole = stack.getLogicalId(
      stack.functions.get("survey")?.role?.node.defaultChild as CfnElement,
    );
    const surveyActions = Object.values(service.findResources("AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: surveyRole }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
    expect(surveyActions).toContain("dynamodb:Query");
    expect(surveyActions.filter((a: string) => /^dynamodb:(Put|Update|Delete)/.test(a))).toEqual(
      [],
    );
    service.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "POST /v1/cases/{caseId}/surveys",
      AuthorizationType: "JWT",
    });
    service.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "GET /version",
      AuthorizationType: "NONE",
    });
    // Monitored too: the queue's age alarm at its own SLA, its DLQ and the function on the dashboard.
    service.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [surveyQueue, "QueueName"] } }],
      Threshold: 240,
    });
    const surveyFunction = stack.getLogicalId(
      stack.functions.get("survey")?.node.defaultChild as CfnElement,
    );
    service.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: surveyFunction } }],
    });
    const surveyDeadLetterQueue = stack.getLogicalId(
      stack.queues.get("survey")?.deadLetterQueue.node.defaultChild as CfnElement,
    );
    const [dashboard] = Object.values(service.findResources("AWS::CloudWatch::Dashboard"));
    const body: unknown[] = dashboard?.Properties.DashboardBody["Fn::Join"][1];
    for (const reference of [
      { "Fn::GetAtt": [surveyQueue, "QueueName"] },
      { "Fn::GetAtt": [surveyDeadLetterQueue, "QueueName"] },
      { Ref: surveyFunction },
    ])
      expect(body).toContainEqual(reference);
    expect(body.join("")).toContain("Queue survey");
  });
});
