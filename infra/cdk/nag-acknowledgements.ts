// cdk-nag findings (AwsSolutions and Serverless packs) that are deliberate choices or false
// positives, each with its reason. The `<Pack>::` prefix keeps them in the validation report as
// acknowledged (with the reason) instead of hiding them.
import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { functions, queues, routes } from "#infra/topology.ts";
import type { ServiceStack } from "./service-stack.ts";

const NODE_22 =
  "nodejs22.x is deliberate: the code is built and tested on Node 20/22, not yet on 24 (see README)";

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  const pack = id.slice(0, id.indexOf("-"));
  Validations.of(scope).acknowledge({ id: `${pack}::${id}`, reason });
}

export function acknowledgeNagFindings(service: ServiceStack): void {
  const consumers = new Set(queues.map((q) => q.consumer));
  for (const spec of functions) {
    const fn = service.functions.get(spec.name);
    if (!fn) continue;
    acknowledge(fn, "AwsSolutions-L1", NODE_22);
    acknowledge(fn, "Serverless-LambdaLatestVersion", NODE_22);
    acknowledge(
      fn,
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "AWSLambdaBasicExecutionRole only lets the function write its own logs",
    );
    acknowledge(
      fn,
      "AwsSolutions-IAM5[Resource::*]",
      "X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions (the only * in the functions' roles)",
    );
    acknowledge(
      fn,
      "Serverless-LambdaDLQ",
      consumers.has(spec.name)
        ? "False positive: a function DLQ only catches async invocations; SQS-triggered, its failed messages go to the source queue's redrive DLQ"
        : "False positive: a function DLQ only catches async invocations; API Gateway invokes it synchronously and the caller sees the error",
    );
    if (consumers.has(spec.name)) {
      acknowledge(
        fn,
        "Serverless-LambdaEventSourceMappingDestination",
        "False positive: on-failure destinations exist only for stream and Kafka sources; SQS failures go to the queue's redrive DLQ",
      );
    }
  }
  const cursorKeys = new Set([...service.functions.values()].map((fn) => fn.cursorKey));
  for (const key of cursorKeys)
    if (key)
      acknowledge(
        key,
        "AwsSolutions-SMG4",
        "The cursor key signs pagination cursors valid 24 h; the functions read it at deployment, so rotation would not reach them: a new key is a new secret (cursors in flight get a 400)",
      );
  for (const { deadLetterQueue } of service.queues.values()) {
    acknowledge(
      deadLetterQueue,
      "Serverless-SQSRedrivePolicy",
      "A dead-letter queue is the end of the line: its alarm pages ops, who fix and redrive by hand",
    );
  }
  const email = service.monitoring.emailSubscription;
  if (email)
    acknowledge(
      email,
      "Serverless-SNSRedrivePolicy",
      "The alarm e-mail subscription: a notification SNS cannot deliver after its retries would wait in a queue nobody reads; the alarm state stays on the dashboard's alarm widget and in CloudWatch",
    );
  for (const route of routes.filter((r) => !r.auth)) {
    const construct = service.routes.get(`${route.method} ${route.path}`);
    if (construct)
      acknowledge(
        construct,
        "AwsSolutions-APIG4",
        `${route.method} ${route.path} is deliberately public in the topology (auth: false)`,
      );
  }
  const unmatched = service.routes.get("$default");
  if (unmatched)
    acknowledge(
      unmatched,
      "AwsSolutions-APIG4",
      "$default only answers requests no route matches (404, or 405 with Allow); it reads nothing and names only routes /openapi.json publishes",
    );
}
