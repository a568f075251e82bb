// cdk-nag findings (AwsSolutions and Serverless packs) and AWS Control Tower guard findings
// (cdk-validator-cfnguard) that are deliberate choices or false positives, each with its reason,
// on the narrowest construct. The `<Pack>::` prefix keeps them in the validation report as
// acknowledged (with the reason) instead of hiding them.
import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { functions, queues, routes } from "#infra/topology.ts";
import { CONTROL_TOWER_GUARD } from "./control-tower-guard.ts";
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
  for (const [construct, reason] of publicRoutes(service))
    acknowledge(construct, "AwsSolutions-APIG4", reason);
}

/** The routes without the JWT authorizer, each with why: topology `auth: false`, and `$default`. */
function publicRoutes(service: ServiceStack): [IConstruct, string][] {
  const found: [IConstruct, string][] = [];
  for (const route of routes.filter((r) => !r.auth)) {
    const construct = service.routes.get(`${route.method} ${route.path}`);
    if (construct)
      found.push([
        construct,
        `${route.method} ${route.path} is deliberately public in the topology (auth: false)`,
      ]);
  }
  const unmatched = service.routes.get("$default");
  if (unmatched)
    found.push([
      unmatched,
      "$default only answers requests no route matches (404, or 405 with Allow); it reads nothing and names only routes /openapi.json publishes",
    ]);
  return found;
}

/** A Control Tower rule of the cfn-guard plugin, by the rule name its report gives. */
function acknowledgeGuard(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${CONTROL_TOWER_GUARD}::${rule}`, reason });
}

/**
 * What the Control Tower proactive controls flag and we keep, with the reason; every other
 * finding was fixed. An account that enforces CT.LAMBDA.PR.3 or CT.APIGATEWAY.PR.5 as a proactive
 * control (a CloudFormation hook) would refuse these resources: they are choices, to be exempted
 * there too.
 */
export function acknowledgeGuardFindings(service: ServiceStack): void {
  for (const fn of service.functions.values())
    acknowledgeGuard(
      fn,
      "lambda_inside_vpc_check", // CT.LAMBDA.PR.3
      "No VPC by design: the functions reach only AWS service endpoints (DynamoDB, EventBridge, SQS, X-Ray, CloudWatch) with IAM-signed TLS requests and no private resource; a VPC would add NAT gateways or interface endpoints per AZ for no isolation gain",
    );
  // CDK builds each permission's SourceArn (…:execute-api:<region>:<account>:<api>/*/*/<path>)
  // with Fn::Join, which the static rule cannot read (it takes a literal, Ref or GetAtt).
  for (const route of service.routes.values())
    acknowledgeGuard(
      route,
      "lambda_function_public_access_prohibited_check", // CT.LAMBDA.PR.2
      "False positive: only API Gateway may invoke, for this API and this route's path (SourceArn = execute-api:<region>:<account>:<api>/*/*/<path>, asserted in test/infra/policy.test.ts); the rule cannot read a SourceArn built with Fn::Join",
    );
  for (const [construct, reason] of publicRoutes(service))
    acknowledgeGuard(construct, "api_gw_v2_authorization_type_configured_check", reason); // CT.APIGATEWAY.PR.5
}
