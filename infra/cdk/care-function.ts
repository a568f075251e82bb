// Every function of the system: one set of defaults (Node 22 on arm64, ESM bundle with the AWS
// SDK inside, tracing, an encrypted log group with retention), and bind* methods that add the
// environment variable and the IAM grant in one call so wiring and permission cannot drift apart.
import { Duration, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  DOMAIN_EVENT_SOURCE,
  envNames,
  type FunctionSpec,
  type TableAccess,
  type TableSpec,
} from "#infra/topology.ts";
import { CURSOR_KEY_VARIABLE } from "#shared/adapters/config.ts";
import { encryptedLogGroup } from "./encryption.ts";
import { METRICS_NAMESPACE, SERVICE_NAME } from "./monitoring.ts";

/**
 * What a `read` and a `write` declaration of the topology grant: only the calls the code makes.
 * GetItem and BatchGetItem address the table, Query also its indexes. No Scan for anyone (no
 * request or event path reads a whole table); no BatchWriteItem, ConditionCheckItem (no
 * transactions: infra/data-model.md) or DescribeTable: nothing calls them.
 */
export const TABLE_ACTIONS = {
  read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
  write: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  index: ["dynamodb:Query"],
} as const;

/** The tables' customer-managed key, only through DynamoDB: reading decrypts, writing also encrypts. */
export const KEY_ACTIONS = {
  read: ["kms:Decrypt", "kms:DescribeKey"],
  write: ["kms:Encrypt", "kms:GenerateDataKey"],
} as const;

export interface CareFunctionProps {
  readonly spec: FunctionSpec;
  /** Absolute path of the repository root (entries in the topology are relative to it). */
  readonly rootDir: string;
  readonly environment?: Record<string, string>;
}

export class CareFunction extends NodejsFunction {
  /** The secret whose value signs this function's pagination cursors (bindCursorKey). */
  cursorKey?: Secret;

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
      logGroup: encryptedLogGroup(scope, `${id}Logs`),
      environment: {
        // Metrics (EMF) land in this namespace with the one dimension service=SERVICE_NAME.
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // No --enable-source-maps at run time: it made every cold start 11–15 ms (about 12 %)
        // slower (npm run bench). The maps stay in the asset, next to the bundle, to read a
        // minified stack trace with when one is needed.
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
   * What the topology says the function does with a table (`read` or `write`: TABLE_ACTIONS)
   * on the table and its named indexes, the key to decrypt (to write, also encrypt) it only
   * through DynamoDB (kms:ViaService), and its name in `<TABLE>_TABLE_NAME`.
   */
  bindTable(spec: TableSpec, table: ITable, access: TableAccess): this {
    this.addEnvironment(envNames.tableName(spec.name), table.tableName);
    const writes = access === "write";
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...TABLE_ACTIONS.read, ...(writes ? TABLE_ACTIONS.write : [])],
        resources: [table.tableArn],
      }),
    );
    if (spec.indexes.length > 0)
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...TABLE_ACTIONS.index],
          resources: spec.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
        }),
      );
    if (table.encryptionKey)
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...KEY_ACTIONS.read, ...(writes ? KEY_ACTIONS.write : [])],
          resources: [table.encryptionKey.keyArn],
          conditions: {
            StringEquals: { "kms:ViaService": `dynamodb.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    return this;
  }

  /** Publishing domain events (our own source only), and the bus name in EVENT_BUS_NAME. */
  bindBus(bus: IEventBus): this {
    this.addEnvironment(envNames.eventBusName, bus.eventBusName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ["events:PutEvents"],
        resources: [bus.eventBusArn],
        conditions: { StringEquals: { "events:source": DOMAIN_EVENT_SOURCE } },
      }),
    );
    return this;
  }

  /**
   * Signing pagination cursors: the stack's one key (every API function shares it, so a cursor
   * stays good whichever function serves its route), generated by Secrets Manager at deployment,
   * in CURSOR_KEY. The template holds only a dynamic reference, which CloudFormation resolves
   * into the function's configuration (readable there with lambda:GetFunctionConfiguration).
   */
  bindCursorKey(): this {
    const stack = Stack.of(this);
    this.cursorKey =
      (stack.node.tryFindChild("CursorKey") as Secret | undefined) ??
      new Secret(stack, "CursorKey", {
        description: "courier-care: HMAC key of the API's pagination cursors",
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      });
    this.addEnvironment(CURSOR_KEY_VARIABLE, this.cursorKey.secretValue.unsafeUnwrap());
    return this;
  }

  /** Sending rejected messages straight to a queue's DLQ (SendMessage only), its URL in `<QUEUE>_DLQ_URL`. */
  bindDeadLetterQueue(queueName: string, dlq: IQueue): this {
    this.addEnvironment(envNames.deadLetterQueueUrl(queueName), dlq.queueUrl);
    this.addToRolePolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [dlq.queueArn] }),
    );
    return this;
  }
}
