// Every function of the system: one set of defaults (Node 22 on arm64, ESM bundle with the AWS
// SDK inside, tracing, a log group with retention), and bind* methods that add the environment
// variable and the IAM grant in one call so wiring and permission cannot drift apart.
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { envNames, type FunctionSpec, type TableSpec } from "#infra/topology.ts";
import { METRICS_NAMESPACE, SERVICE_NAME } from "./monitoring.ts";

const TABLE_ACTIONS = [
  "GetItem",
  "BatchGetItem",
  "Query",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "ConditionCheckItem",
  "DescribeTable",
];

export interface CareFunctionProps {
  readonly spec: FunctionSpec;
  /** Absolute path of the repository root (entries in the topology are relative to it). */
  readonly rootDir: string;
  readonly environment?: Record<string, string>;
}

export class CareFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, { spec, rootDir, environment }: CareFunctionProps) {
    super(scope, id, {
      entry: `${rootDir}/${spec.entry}`,
      projectRoot: rootDir,
      depsLockFilePath: `${rootDir}/package-lock.json`,
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        // Metrics (EMF) land in this namespace with the one dimension service=SERVICE_NAME.
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: "--enable-source-maps",
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a copy of every source file (a smaller map loads faster).
        sourcesContent: false,
        bundleAwsSDK: true,
        mainFields: ["module", "main"],
        // Some dependencies still `require` Node built-ins; ESM bundles need a require.
        banner:
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /**
   * Item and query access to a table and its named indexes — no Scan, which no request or
   * event path may use — with the key to decrypt it, and its name in `<TABLE>_TABLE_NAME`.
   */
  bindTable(spec: TableSpec, table: ITable): this {
    this.addEnvironment(envNames.tableName(spec.name), table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: TABLE_ACTIONS.map((action) => `dynamodb:${action}`),
        resources: [
          table.tableArn,
          ...spec.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
        ],
      }),
    );
    table.encryptionKey?.grantEncryptDecrypt(this);
    return this;
  }

  /** Publishing domain events, and the bus name in EVENT_BUS_NAME. */
  bindBus(bus: IEventBus): this {
    this.addEnvironment(envNames.eventBusName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /** Sending rejected messages straight to a queue's DLQ, its URL in `<QUEUE>_DLQ_URL`. */
  bindDeadLetterQueue(queueName: string, dlq: IQueue): this {
    this.addEnvironment(envNames.deadLetterQueueUrl(queueName), dlq.queueUrl);
    dlq.grantSendMessages(this);
    return this;
  }
}
