// Stateful resources, deployed apart from the code so a redeploy of functions never risks data:
// the KMS key, the DynamoDB tables (from the topology) and the event bus with an archive.
import { Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import {
  AttributeType,
  BillingMode,
  Table,
  TableEncryption,
  ProjectionType,
} from "aws-cdk-lib/aws-dynamodb";
import { EventBus } from "aws-cdk-lib/aws-events";
import { Key } from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { tables } from "#infra/topology.ts";
import { onlyAwsServicesCreateGrants } from "./encryption.ts";

export interface DataStackProps extends StackProps {
  readonly busName: string;
}

export class DataStack extends Stack {
  readonly key: Key;
  readonly tables: ReadonlyMap<string, Table>;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.key = onlyAwsServicesCreateGrants(
      new Key(this, "DataKey", {
        description: "courier-care: cases, customers' personal data, queues",
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    );

    const created = new Map<string, Table>();
    for (const spec of tables) {
      const table = new Table(this, `${pascal(spec.name)}Table`, {
        partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
        ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of spec.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...index.projected],
        });
      }
      created.set(spec.name, table);
    }
    this.tables = created;

    this.bus = new EventBus(this, "Bus", { eventBusName: props.busName });
    this.bus.archive("Archive", {
      description: "Every event, for replay after an incident",
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(90),
    });
  }
}

export const pascal = (name: string) =>
  name.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase());
