// Every function's role allows exactly what its topology entry says it does, nothing more: the
// tables it reads or writes (and their indexes, and the key only through DynamoDB), the bus if it
// publishes (our own source only), the DLQs it rejects to, the queue it consumes, X-Ray. The
// expectations are spelled out here, not taken from infra/cdk, so a change of a grant in the CDK
// code has to be a change of this file too.
import { App, type CfnElement, type Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import type { DataStack } from "#infra/cdk/data-stack.ts";
import type { ServiceStack } from "#infra/cdk/service-stack.ts";
import {
  DOMAIN_EVENT_SOURCE,
  envNames,
  type FunctionSpec,
  functions,
  queues,
  routes,
  tableAccessOf,
  tables,
} from "#infra/topology.ts";
import { noBundling } from "./synth.ts";

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

let dataStack: DataStack;
let serviceStack: ServiceStack;
let service: Template;

beforeAll(() => {
  const app = new App({ context: noBundling });
  // The default app, whose Control Tower findings stacks.test.ts checks: not again (seconds).
  const stacks = buildApp(app, { controlTowerGuard: false });
  app.synth(); // cdk-nag runs too: the grants below add no unacknowledged finding
  dataStack = stacks.data;
  serviceStack = stacks.service;
  service = Template.fromStack(stacks.service);
});

const id = (construct: { node: { defaultChild?: unknown } }, stack: Stack) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
};
const resources = (type: string) => service.findResources(type) as Record<string, Resource>;
const fn = (name: string) => required(serviceStack.functions.get(name), `function ${name}`);
const roleId = (name: string) => id(required(fn(name).role, `role of ${name}`), serviceStack);

/**
 * A resource of a statement by name: `*`, `table:cases`, `table:cases/index/gsi1`, `key`,
 * `bus`, `queue:intake`, `dlq:intake`; anything else is `unknown:…` (and fails the test).
 */
function nameOf(resource: unknown): string {
  if (resource === "*") return "*";
  const exported = (value: unknown, construct: { node: { defaultChild?: unknown } }, of: Stack) =>
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>)["Fn::ImportValue"] === "string" &&
    ((value as Record<string, string>)["Fn::ImportValue"] as string).includes(
      `ExportsOutputFnGetAtt${id(construct, of)}Arn`,
    );
  // `${table.tableArn}/index/${name}`: Fn::Join of the imported table ARN and the suffix.
  const join = (resource as { "Fn::Join"?: [string, unknown[]] } | null)?.["Fn::Join"];
  const [base, suffix] = join && join[0] === "" && join[1].length === 2 ? join[1] : [];
  const index = typeof suffix === "string" ? /^\/index\/([\w.-]+)$/.exec(suffix)?.[1] : undefined;
  for (const spec of tables) {
    const table = required(dataStack.tables.get(spec.name), spec.name);
    if (exported(resource, table, dataStack)) return `table:${spec.name}`;
    if (index && exported(base, table, dataStack)) return `table:${spec.name}/index/${index}`;
  }
  if (exported(resource, dataStack.key, dataStack)) return "key";
  if (exported(resource, dataStack.bus, dataStack)) return "bus";
  const json = JSON.stringify(resource);
  for (const [name, { queue, deadLetterQueue }] of serviceStack.queues) {
    if (json === JSON.stringify({ "Fn::GetAtt": [id(queue, serviceStack), "Arn"] }))
      return `queue:${name}`;
    if (json === JSON.stringify({ "Fn::GetAtt": [id(deadLetterQueue, serviceStack), "Arn"] }))
      return `dlq:${name}`;
  }
  return `unknown:${json}`;
}

/** Each statement as its single grants: "Allow action on resource [if condition]". */
function grantsOf(statements: readonly Statement[]): string[] {
  return statements.flatMap((s) =>
    [s.Action].flat().flatMap((action) =>
      [s.Resource].flat().map((resource) => {
        const condition = s.Condition ? ` if ${JSON.stringify(s.Condition)}` : "";
        return `${s.Effect} ${action} on ${nameOf(resource)}${condition}`;
      }),
    ),
  );
}

/** The statements of every IAM policy attached to the function's role. */
function statementsOf(name: string): Statement[] {
  const role = JSON.stringify([{ Ref: roleId(name) }]);
  return Object.values(resources("AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties.Roles) === role)
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const VIA_DYNAMODB = JSON.stringify({
  StringEquals: {
    "kms:ViaService": { "Fn::Join": ["", ["dynamodb.", { Ref: "AWS::Region" }, ".amazonaws.com"]] },
  },
});
const OWN_SOURCE = JSON.stringify({ StringEquals: { "events:source": DOMAIN_EVENT_SOURCE } });

/** What the topology entry says the function may do, as grants. */
function expectedGrants(spec: FunctionSpec): string[] {
  const grants = ["Allow xray:PutTraceSegments on *", "Allow xray:PutTelemetryRecords on *"];
  for (const [tableName, access] of tableAccessOf(spec)) {
    const table = `table:${tableName}`;
    for (const action of ["GetItem", "BatchGetItem", "Query"])
      grants.push(`Allow dynamodb:${action} on ${table}`);
    for (const index of required(
      tables.find((t) => t.name === tableName),
      tableName,
    ).indexes)
      grants.push(`Allow dynamodb:Query on ${table}/index/${index.name}`);
    for (const action of ["Decrypt", "DescribeKey"])
      grants.push(`Allow kms:${action} on key if ${VIA_DYNAMODB}`);
    if (access === "write") {
      for (const action of ["PutItem", "UpdateItem", "DeleteItem"])
        grants.push(`Allow dynamodb:${action} on ${table}`);
      for (const action of ["Encrypt", "GenerateDataKey"])
        grants.push(`Allow kms:${action} on key if ${VIA_DYNAMODB}`);
    }
  }
  if (spec.publishes) grants.push(`Allow events:PutEvents on bus if ${OWN_SOURCE}`);
  for (const queue of spec.sendsToDeadLetterQueuesOf ?? [])
    grants.push(`Allow sqs:SendMessage on dlq:${queue}`);
  // What the SQS event source mapping needs to poll, settle and extend its batches.
  for (const queue of queues.filter((q) => q.consumer === spec.name))
    for (const action of [
      "ReceiveMessage",
      "ChangeMessageVisibility",
      "GetQueueUrl",
      "DeleteMessage",
      "GetQueueAttributes",
    ])
      grants.push(`Allow sqs:${action} on queue:${queue.name}`);
  return [...new Set(grants)].sort();
}

const readOnly = functions.filter(
  (spec) => !spec.publishes && tableAccessOf(spec).every(([, access]) => access === "read"),
);

describe("each function's role", () => {
  it("has a read-only function to check (the read API)", () => {
    expect(readOnly.map((spec) => spec.name)).toContain("api-read");
  });

  for (const spec of functions) {
    it(`${spec.name}: allows exactly what its topology entry declares`, () => {
      expect([...new Set(grantsOf(statementsOf(spec.name)))].sort()).toEqual(expectedGrants(spec));
    });
  }

  it("has no inline policy and no managed policy but the one that writes its own logs", () => {
    const roles = resources("AWS::IAM::Role");
    for (const spec of functions) {
      const role = required(roles[roleId(spec.name)], `role of ${spec.name}`).Properties;
      expect(role.Policies, spec.name).toBeUndefined();
      expect(JSON.stringify(role.ManagedPolicyArns), spec.name).toBe(
        JSON.stringify([
          {
            "Fn::Join": [
              "",
              [
                "arn:",
                { Ref: "AWS::Partition" },
                ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
              ],
            ],
          },
        ]),
      );
    }
    for (const policy of Object.values(resources("AWS::IAM::ManagedPolicy")))
      for (const spec of functions)
        expect(JSON.stringify(policy.Properties.Roles ?? [])).not.toContain(roleId(spec.name));
  });
});

describe("read paths", () => {
  it("cannot put, update or delete an item, encrypt with the key, or publish", () => {
    for (const spec of readOnly) {
      const actions = statementsOf(spec.name).flatMap((s) => [s.Action].flat());
      expect(actions, spec.name).toContain("dynamodb:Query");
      for (const action of actions) {
        expect(action, spec.name).not.toMatch(
          /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQL|Transact|Restore|Import)|^kms:(Encrypt|GenerateDataKey|ReEncrypt)|^events:|^sqs:Send/,
        );
      }
    }
  });

  it("has only the read API's environment: its table, no bus, no DLQ", () => {
    const all = resources("AWS::Lambda::Function");
    for (const spec of readOnly) {
      const vars = Object.keys(
        required(all[id(fn(spec.name), serviceStack)], spec.name).Properties.Environment.Variables,
      );
      expect(vars.filter((v) => v.endsWith("_TABLE_NAME")).sort()).toEqual(
        tableAccessOf(spec)
          .map(([table]) => envNames.tableName(table))
          .sort(),
      );
      expect(vars).not.toContain(envNames.eventBusName);
      expect(vars.some((v) => v.endsWith("_DLQ_URL"))).toBe(false);
    }
  });

  /**
   * GETs that must write, so run on `api`: the audited reads of a customer's full contact write
   * their `contact-read` timeline entry before the data leaves (no audit, no data). Nothing
   * else: a GET added here needs the same kind of reason.
   */
  const AUDITED_READS = new Set([
    "GET /v1/cases/{caseId}/contact",
    "GET /v1/follow-ups/{followUpId}/contact",
  ]);

  it("are served by api-read: every GET route but the audited reads integrates that function, every other route api", () => {
    const integrations = resources("AWS::ApiGatewayV2::Integration");
    const all = Object.values(resources("AWS::ApiGatewayV2::Route"));
    expect(all).toHaveLength(routes.length + 1); // and `$default`, whose answers read nothing
    for (const route of all) {
      const key = route.Properties.RouteKey as string;
      const integrationId = route.Properties.Target["Fn::Join"][1][1].Ref as string;
      const target = required(integrations[integrationId], key).Properties.IntegrationUri;
      const expected =
        (key.startsWith("GET ") && !AUDITED_READS.has(key)) || key === "$default"
          ? "api-read"
          : "api";
      expect(target, key).toEqual({ "Fn::GetAtt": [id(fn(expected), serviceStack), "Arn"] });
    }
  });
});

describe("every role of the stack", () => {
  const everyStatement = () =>
    Object.values(resources("AWS::IAM::Policy")).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );

  it("may not Scan, nor use a wildcard action", () => {
    const actions = everyStatement().flatMap((s) => [s.Action].flat());
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect(action).not.toMatch(/^dynamodb:Scan$/);
      expect(action).not.toContain("*");
    }
  });

  it("names its resources: * only for X-Ray, which has no resource-level permissions", () => {
    for (const statement of everyStatement()) {
      if ([statement.Resource].flat().includes("*"))
        expect([statement.Action].flat().sort()).toEqual([
          "xray:PutTelemetryRecords",
          "xray:PutTraceSegments",
        ]);
    }
  });

  it("reaches the tables only if a function's, naming a table or its indexes", () => {
    const functionRoles = new Set(
      functions.map((spec) => JSON.stringify([{ Ref: roleId(spec.name) }])),
    );
    for (const policy of Object.values(resources("AWS::IAM::Policy"))) {
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      for (const statement of statements) {
        const names = [statement.Resource].flat().map(nameOf);
        const onTables = names.some((n) => n.startsWith("table:") || n === "key");
        if (onTables) expect(functionRoles.has(JSON.stringify(policy.Properties.Roles))).toBe(true);
        if ([statement.Action].flat().some((a) => a.startsWith("dynamodb:")))
          for (const name of names) expect(name).toMatch(/^table:[a-z]+(\/index\/[a-z0-9]+)?$/);
      }
    }
  });
});
