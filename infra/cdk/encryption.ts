// What every customer-managed key of the app gets, and the log groups: kept a year, encrypted
// with their stack's own key (AWS Control Tower CT.KMS.PR.3, CT.CLOUDWATCH.PR.2 and PR.3).
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/**
 * Nobody creates a grant on the key but an AWS service for one of its own resources (DynamoDB
 * for a table it encrypts: kms:GrantIsForAWSResource): a principal with broad KMS rights in the
 * account cannot hand the key on to one the key policy does not name.
 */
export function onlyAwsServicesCreateGrants(key: Key): Key {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: "OnlyAwsServicesCreateGrants",
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ["kms:CreateGrant"],
      resources: ["*"],
      conditions: {
        BoolIfExists: {
          "kms:GrantIsForAWSResource": "false",
          "aws:PrincipalIsAWSService": "false",
        },
      },
    }),
  );
  return key;
}

/** How long every log group keeps its lines; no line holds personal data (infra/data-model.md). */
export const LOG_RETENTION = RetentionDays.ONE_YEAR;

/** A log group kept LOG_RETENTION, encrypted with its stack's logs key (created at first use). */
export function encryptedLogGroup(scope: Construct, id: string): LogGroup {
  return new LogGroup(scope, id, {
    retention: LOG_RETENTION,
    encryptionKey: logsKeyOf(Stack.of(scope)),
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * The stack's one key for its log groups: CloudWatch Logs may use it for log groups of this
 * account and region only (the key must exist before the groups, so it cannot name them).
 */
function logsKeyOf(stack: Stack): Key {
  const existing = stack.node.tryFindChild("LogsKey");
  if (existing instanceof Key) return existing;
  const { account, region, partition } = stack;
  const key = new Key(stack, "LogsKey", {
    description: "courier-care: the log groups of the functions and the HTTP API",
    enableKeyRotation: true,
    // The log groups go with the stack (RemovalPolicy.DESTROY), so does their key.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: "CloudWatchLogsEncryptLogGroupsOfThisAccount",
      principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ],
      resources: ["*"],
      conditions: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*`,
        },
      },
    }),
  );
  return onlyAwsServicesCreateGrants(key);
}
