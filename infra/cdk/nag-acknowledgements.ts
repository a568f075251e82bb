// cdk-nag (AwsSolutions) findings that are deliberate choices or false positives, each with its reason.
import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { ServiceStack } from "./service-stack.ts";

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
}

export function acknowledgeNagFindings(service: ServiceStack): void {
  for (const fn of service.functions.values()) {
    acknowledge(
      fn,
      "AwsSolutions-L1",
      "nodejs22.x is deliberate: the code is built and tested on Node 20/22 (see README)",
    );
    acknowledge(
      fn,
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "AWSLambdaBasicExecutionRole only lets the function write its own logs",
    );
    acknowledge(
      fn,
      "AwsSolutions-IAM5[Resource::*]",
      "X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions",
    );
    acknowledge(
      fn,
      "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
      "CDK's table grant for the customer-managed key; scoped to that one key",
    );
    acknowledge(
      fn,
      "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      "CDK's table grant for the customer-managed key; scoped to that one key",
    );
  }
  const health = service.node.tryFindChild("HttpApi")?.node.tryFindChild("GET--health");
  if (health)
    acknowledge(
      health,
      "AwsSolutions-APIG4",
      "GET /health is a public liveness probe; it reads nothing",
    );
}
