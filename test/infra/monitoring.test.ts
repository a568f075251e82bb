// Monitoring reaches someone: one dashboard with the KPIs and the health of every queue, DLQ,
// function and the HTTP API; every alarm notifies the one encrypted alarm topic (an e-mail
// subscription only when the context names an address); and no metric, in an alarm, on the
// dashboard or emitted by the code, has a dimension of high cardinality (a courier, an outlet,
// an agent, a customer, a waybill, a case…).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { App, type CfnElement, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Alarm, Dashboard, GraphWidget, Metric } from "aws-cdk-lib/aws-cloudwatch";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import {
  CSAT_TARGET,
  KPI_METRICS,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from "#infra/cdk/monitoring.ts";
import type { ServiceStack } from "#infra/cdk/service-stack.ts";
import { functions, queues } from "#infra/topology.ts";
import { noBundling } from "./synth.ts";

type Resource = { Type: string; Properties: Record<string, any> };

/**
 * The only dimensions a metric may have here: ours (`service`, one value) and the AWS resources'
 * own (one value per deployed queue, function, API). Anything else — above all a business key —
 * fails the test.
 */
const ALLOWED_DIMENSIONS = new Set(["service", "FunctionName", "QueueName", "ApiId", "Stage"]);

let stack: ServiceStack;
let service: Template;

beforeAll(() => {
  const app = new App({ context: noBundling });
  // The default app, whose Control Tower findings stacks.test.ts checks: not again (seconds).
  stack = buildApp(app, { controlTowerGuard: false }).service;
  app.synth(); // cdk-nag runs: the topic, key and alarms add no unacknowledged finding
  service = Template.fromStack(stack);
});

const id = (construct: { node: { defaultChild?: unknown } }, of: Stack = stack) =>
  of.getLogicalId(construct.node.defaultChild as CfnElement);
const required = <T>(value: T | undefined): T => {
  expect(value).toBeDefined();
  return value as T;
};
const topicRef = () => ({ Ref: id(stack.monitoring.topic) });
const alarmOf = (key: string): Resource =>
  required(
    resources(service, "AWS::CloudWatch::Alarm")[
      stack.getLogicalId(required(stack.monitoring.alarms.get(key)).node.defaultChild as CfnElement)
    ],
  );

function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

describe("the dashboard", () => {
  it("is one dashboard named after the stack", () => {
    service.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    service.hasResourceProperties("AWS::CloudWatch::Dashboard", {
      DashboardName: "CourierCareService",
    });
  });

  it("shows every queue (depth, oldest message), every DLQ, every function and the API", () => {
    const metrics = dashboardMetrics(service);
    const shown = (namespace: string, metricName: string, dimension: string, value: string) =>
      metrics.some(
        (m) =>
          m.namespace === namespace &&
          m.metricName === metricName &&
          m.dimensions.some(([name, v]) => name === dimension && v === value),
      );
    for (const spec of queues) {
      const { queue, deadLetterQueue } = required(stack.queues.get(spec.name));
      const queueName = `GetAtt:${id(queue)}.QueueName`;
      for (const metricName of [
        "ApproximateNumberOfMessagesVisible",
        "ApproximateAgeOfOldestMessage",
      ])
        expect(
          shown("AWS/SQS", metricName, "QueueName", queueName),
          `${spec.name} ${metricName}`,
        ).toBe(true);
      expect(
        shown(
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          `GetAtt:${id(deadLetterQueue)}.QueueName`,
        ),
        `${spec.name} DLQ`,
      ).toBe(true);
    }
    for (const spec of functions) {
      const fn = `Ref:${id(required(stack.functions.get(spec.name)))}`;
      for (const metricName of ["Errors", "Throttles", "Duration"])
        expect(
          shown("AWS/Lambda", metricName, "FunctionName", fn),
          `${spec.name} ${metricName}`,
        ).toBe(true);
      const durations = metrics.filter(
        (m) => m.metricName === "Duration" && m.dimensions.some(([, v]) => v === fn),
      );
      expect(durations.map((m) => m.options.stat).sort()).toEqual(["p50", "p99"]);
    }
    const api = `Ref:${id(stack.httpApi)}`;
    for (const metricName of ["4xx", "5xx", "Latency"])
      expect(shown("AWS/ApiGateway", metricName, "ApiId", api), metricName).toBe(true);
  });

  it("shows every KPI, the ratios as metric math by the day and by the hour", () => {
    const body = dashboardBody(service);
    const names = new Set(dashboardMetrics(service).map((m) => m.metricName));
    for (const metricName of Object.values(KPI_METRICS)) expect(names).toContain(metricName);

    const ratios = widgetsOf(body).flatMap((w) => {
      const rows = (w.properties?.metrics ?? []) as unknown[][];
      const byId = new Map(
        rows
          .filter((row) => typeof row[0] === "string")
          .map((row) => [(row.at(-1) as { id?: string }).id, row[1] as string]),
      );
      return rows
        .map((row) => row[0])
        .filter(
          (first): first is { expression: string; period: number } =>
            typeof first === "object" && first !== null && "expression" in first,
        )
        .map(({ expression, period }) => {
          const [numerator, denominator] = operands(expression).map((ref) => byId.get(ref));
          return `${numerator} / ${denominator} @${period}`;
        });
    });
    for (const [numerator, denominator] of [
      [KPI_METRICS.followUpsSatisfied, KPI_METRICS.followUpsScored],
      [KPI_METRICS.slaMet, KPI_METRICS.slaDue],
      [KPI_METRICS.complaints, KPI_METRICS.parcelsDelivered],
    ])
      for (const period of [86_400, 3_600])
        expect(ratios).toContain(`${numerator} / ${denominator} @${period}`);
  });

  it("lists every alarm in an alarm status widget", () => {
    const widget = required(widgetsOf(dashboardBody(service)).find((w) => w.type === "alarm"));
    expect(widget.properties.alarms).toHaveLength(stack.monitoring.alarms.size);
  });
});

describe("the alarm topic", () => {
  it("is encrypted with a rotating key CloudWatch may use, and refuses publishing without TLS", () => {
    const topics = resources(service, "AWS::SNS::Topic");
    expect(Object.keys(topics)).toEqual([id(stack.monitoring.topic)]);
    const keyId = required(Object.values(topics)[0]).Properties.KmsMasterKeyId["Fn::GetAtt"][0];
    const key = required(resources(service, "AWS::KMS::Key")[keyId]).Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      }),
    );
    service.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topicRef()],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sns:Publish",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Condition: Match.objectLike({
              StringEquals: { "aws:SourceAccount": Match.anyValue() },
            }),
          }),
        ]),
      },
    });
  });

  it("has no subscription unless the context names an e-mail address", () => {
    service.resourceCountIs("AWS::SNS::Subscription", 0);

    const app = new App({ context: { ...noBundling, alarmEmail: "ops@example.com" } });
    // No Control Tower rule checks SNS subscriptions: skipped (seconds a synth).
    const withEmail = buildApp(app, { controlTowerGuard: false }).service;
    expect(() => app.synth()).not.toThrow(); // acknowledged, with its reason
    const template = Template.fromStack(withEmail);
    template.resourceCountIs("AWS::SNS::Subscription", 1);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: { Ref: id(withEmail.monitoring.topic, withEmail) },
    });
  });

  it("refuses a context value that is not an e-mail address or not a fraction", () => {
    expect(() => buildApp(new App({ context: { ...noBundling, alarmEmail: "ops" } }))).toThrow(
      /alarmEmail/,
    );
    for (const slaTarget of ["1.5", "0", "ninety", 95])
      expect(() => buildApp(new App({ context: { ...noBundling, slaTarget } }))).toThrow(
        /slaTarget/,
      );
  });
});

describe("alarms", () => {
  it("every alarm of the stack notifies the topic, when it fires and when it is OK again", () => {
    const alarms = Object.entries(resources(service, "AWS::CloudWatch::Alarm"));
    expect(alarms).toHaveLength(2 * queues.length + functions.length + 4);
    expect(stack.monitoring.alarms.size).toBe(alarms.length);
    for (const [logicalId, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, logicalId).toContainEqual(topicRef());
      expect(alarm.Properties.OKActions, logicalId).toContainEqual(topicRef());
      expect(alarm.Properties.ActionsEnabled ?? true, logicalId).toBe(true); // actions that run
      expect(alarm.Properties.TreatMissingData, logicalId).toBe("notBreaching");
    }
  });

  it("CSAT below 90 % over a day (metric math)", () => {
    const csat = alarmOf("csat").Properties;
    expect(csat).toMatchObject({
      ComparisonOperator: "LessThanThreshold",
      Threshold: CSAT_TARGET,
      EvaluationPeriods: 1,
    });
    expect(ratioOf(csat)).toEqual({
      numerator: KPI_METRICS.followUpsSatisfied,
      denominator: KPI_METRICS.followUpsScored,
      period: 86_400,
    });
  });

  it("SLA attainment below the target, 0.9 unless the context says otherwise", () => {
    const sla = alarmOf("sla-attainment").Properties;
    expect(sla).toMatchObject({ ComparisonOperator: "LessThanThreshold", Threshold: 0.9 });
    expect(ratioOf(sla)).toEqual({
      numerator: KPI_METRICS.slaMet,
      denominator: KPI_METRICS.slaDue,
      period: 86_400,
    });

    // As `cdk synth -c slaTarget=0.95` passes it: a string.
    const other = buildApp(new App({ context: { ...noBundling, slaTarget: "0.95" } }), {
      controlTowerGuard: false, // an alarm threshold: nothing the Control Tower rules check
    }).service;
    Template.fromStack(other).hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "CourierCareService-sla-attainment",
      Threshold: 0.95,
    });
  });

  it("any message in a dead-letter queue", () => {
    for (const spec of queues) {
      const { deadLetterQueue } = required(stack.queues.get(spec.name));
      expect(alarmOf(`dead-letters-${spec.name}`).Properties).toMatchObject({
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [
          { Name: "QueueName", Value: { "Fn::GetAtt": [id(deadLetterQueue), "QueueName"] } },
        ],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
      });
    }
  });

  it("a queue's oldest message older than the queue's SLA in the topology", () => {
    for (const spec of queues) {
      expect(spec.maxMessageAgeSeconds, spec.name).toBeGreaterThan(0);
      const { queue } = required(stack.queues.get(spec.name));
      expect(alarmOf(`queue-age-${spec.name}`).Properties).toMatchObject({
        Namespace: "AWS/SQS",
        MetricName: "ApproximateAgeOfOldestMessage",
        Statistic: "Maximum",
        Period: 60,
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id(queue), "QueueName"] } }],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: spec.maxMessageAgeSeconds,
      });
    }
    expect(queues.find((q) => q.name === "intake")?.maxMessageAgeSeconds).toBe(120);
  });

  it("errors of each function", () => {
    for (const spec of functions) {
      const fn = required(stack.functions.get(spec.name));
      expect(alarmOf(`errors-${spec.name}`).Properties).toMatchObject({
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Statistic: "Sum",
        Dimensions: [{ Name: "FunctionName", Value: { Ref: id(fn) } }],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
      });
    }
  });

  it("HTTP API 5xx, summed over 5 minutes", () => {
    expect(alarmOf("api-5xx").Properties).toMatchObject({
      Namespace: "AWS/ApiGateway",
      MetricName: "5xx",
      Statistic: "Sum",
      Period: 300,
      Dimensions: [{ Name: "ApiId", Value: { Ref: id(stack.httpApi) } }],
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
    });
  });

  it("follow-up calls overdue for 60 minutes", () => {
    const overdue = alarmOf("follow-ups-overdue").Properties;
    expect(overdue).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: KPI_METRICS.followUpsOverdue,
      Dimensions: [{ Name: "service", Value: SERVICE_NAME }],
      Statistic: "Minimum",
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
    });
    expect(overdue.Period * overdue.EvaluationPeriods).toBe(3_600);
    expect(overdue.DatapointsToAlarm).toBe(overdue.EvaluationPeriods);
  });
});

describe("metric dimensions", () => {
  it("alarms and dashboard use only allowed dimensions, and our own metrics only service=courier-care", () => {
    const used = [...alarmMetrics(service), ...dashboardMetrics(service)];
    expect(used.length).toBeGreaterThan(50);
    expect(findings(used)).toEqual([]);
  });

  it("would catch a high-cardinality dimension or a SEARCH across dimensions", () => {
    const app = new App();
    const careless = new Stack(app, "Careless");
    const perCourier = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: "CasesOpened",
      dimensionsMap: { service: SERVICE_NAME, courier: "C-1" },
      period: Duration.minutes(5),
    });
    new Alarm(careless, "PerCourier", { metric: perCourier, threshold: 1, evaluationPeriods: 1 });
    new Dashboard(careless, "Dashboard", {
      widgets: [
        [
          new GraphWidget({
            left: [
              new Metric({
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensionsMap: { FunctionName: "f", agent: "agent-1" },
              }),
            ],
          }),
        ],
      ],
    });
    const template = Template.fromStack(careless);
    const used = [...alarmMetrics(template), ...dashboardMetrics(template)];
    expect(findings(used)).toEqual([
      "CourierCare CasesOpened: dimension courier",
      "CourierCare CasesOpened: courier=C-1, not service=courier-care",
      "AWS/Lambda Errors: dimension agent",
    ]);
    expect(
      findings([
        {
          namespace: "",
          metricName: "",
          dimensions: [],
          options: {},
          expression: "SEARCH('{CourierCare,courier}', 'Sum')",
        },
      ]),
    ).toEqual(["SEARCH('{CourierCare,courier}', 'Sum'): SEARCH"]);
  });

  it("the code emits no EMF dimension but service (and a holiday calendar's region)", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const used = ["functions", "shared"].flatMap((dir) =>
      sourceFiles(join(root, dir)).flatMap((file) =>
        emfDimensions(readFileSync(file, "utf8")).map((name) => `${relative(root, file)}: ${name}`),
      ),
    );
    const allowed = (use: string) =>
      use.endsWith(": service") ||
      // HolidayCalendarMissing/Provisional: one value per calendar region, a handful.
      use === "shared/adapters/holiday-coverage.ts: region";
    expect(used.filter((use) => !allowed(use))).toEqual([]);
  });

  it("the code scan sees dimensions however they are added", () => {
    const code = `
      metrics.addDimension("courier", courierId);
      single.addDimension(key, value);
      metrics.addDimensions({ outlet: o, "agentId": a });
      metrics.addDimensions(perCase);
      new Metrics({ namespace, defaultDimensions: { waybill: w } });
      metrics.setDefaultDimensions({ service: "x" });`;
    expect(emfDimensions(code)).toEqual([
      "courier",
      "<not a literal: key>",
      "outlet",
      "agentId",
      "<not a literal: perCase>",
      "waybill",
      "service",
    ]);
  });
});

// ── Helpers: the metrics of a template, as { namespace, metricName, dimensions } ──────────────

interface UsedMetric {
  namespace: string;
  metricName: string;
  /** [name, value]; a CloudFormation reference as `Ref:<id>` or `GetAtt:<id>.<attribute>`. */
  dimensions: [string, string][];
  options: Record<string, unknown>;
  expression?: string;
}

function findings(used: readonly UsedMetric[]): string[] {
  const found: string[] = [];
  for (const m of used) {
    if (m.expression !== undefined) {
      if (/SEARCH\s*\(/i.test(m.expression)) found.push(`${m.expression}: SEARCH`);
      continue;
    }
    for (const [name, value] of m.dimensions) {
      if (!ALLOWED_DIMENSIONS.has(name))
        found.push(`${m.namespace} ${m.metricName}: dimension ${name}`);
      if (m.namespace === METRICS_NAMESPACE && (name !== "service" || value !== SERVICE_NAME))
        found.push(`${m.namespace} ${m.metricName}: ${name}=${value}, not service=${SERVICE_NAME}`);
    }
  }
  return [...new Set(found)];
}

function alarmMetrics(template: Template): UsedMetric[] {
  const dims = (list: { Name: string; Value: unknown }[] = []): [string, string][] =>
    list.map(({ Name, Value }) => [Name, tokenText(Value)]);
  return Object.values(resources(template, "AWS::CloudWatch::Alarm")).flatMap(
    ({ Properties: p }): UsedMetric[] => {
      if (p.MetricName)
        return [
          {
            namespace: p.Namespace,
            metricName: p.MetricName,
            dimensions: dims(p.Dimensions),
            options: {},
          },
        ];
      return (p.Metrics as any[]).map((m) =>
        m.Expression !== undefined
          ? { namespace: "", metricName: "", dimensions: [], options: {}, expression: m.Expression }
          : {
              namespace: m.MetricStat.Metric.Namespace,
              metricName: m.MetricStat.Metric.MetricName,
              dimensions: dims(m.MetricStat.Metric.Dimensions),
              options: {},
            },
      );
    },
  );
}

function dashboardMetrics(template: Template): UsedMetric[] {
  return Object.values(resources(template, "AWS::CloudWatch::Dashboard")).flatMap((dashboard) =>
    widgetsOf(parseBody(dashboard.Properties.DashboardBody)).flatMap((widget) =>
      ((widget.properties?.metrics ?? []) as unknown[][]).map((row): UsedMetric => {
        // CDK writes every metric out in full; CloudWatch's "." / "..." shorthand would hide dimensions.
        expect(row).not.toContain(".");
        expect(row).not.toContain("...");
        const last = row.at(-1);
        const options = (typeof last === "object" && last !== null ? last : {}) as Record<
          string,
          any
        >;
        if (typeof row[0] !== "string")
          return {
            namespace: "",
            metricName: "",
            dimensions: [],
            options,
            expression: options.expression,
          };
        const plain = row.filter((part): part is string => typeof part === "string");
        const [namespace = "", metricName = "", ...pairs] = plain;
        expect(pairs.length % 2, `${namespace} ${metricName}`).toBe(0);
        const dimensions: [string, string][] = [];
        for (let i = 0; i < pairs.length; i += 2)
          dimensions.push([pairs[i] ?? "", pairs[i + 1] ?? ""]);
        return { namespace, metricName, dimensions, options };
      }),
    ),
  );
}

function dashboardBody(template: Template): { widgets: any[] } {
  const [dashboard] = Object.values(resources(template, "AWS::CloudWatch::Dashboard"));
  return parseBody(required(dashboard).Properties.DashboardBody);
}

/** The body is a Fn::Join of JSON text and references inside its strings: name the references. */
function parseBody(body: unknown): { widgets: any[] } {
  const parts: unknown[] =
    typeof body === "string"
      ? [body]
      : (body as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1];
  return JSON.parse(
    parts.map((part) => (typeof part === "string" ? part : tokenText(part))).join(""),
  );
}

function widgetsOf(body: { widgets: any[] }): any[] {
  return body.widgets;
}

function tokenText(value: unknown): string {
  if (typeof value === "string") return value;
  const token = value as { Ref?: string; "Fn::GetAtt"?: string[] };
  if (token.Ref) return `Ref:${token.Ref}`;
  if (token["Fn::GetAtt"]) return `GetAtt:${token["Fn::GetAtt"].join(".")}`;
  return `Token:${Object.keys(value as object).join(",")}`;
}

function ratioOf(alarm: Record<string, any>) {
  const metrics = alarm.Metrics as any[];
  const [expression] = metrics.filter((m) => m.Expression);
  const [n, d] = operands(expression.Expression as string);
  const stat = (ref: string | undefined) => required(metrics.find((m) => m.Id === ref)).MetricStat;
  for (const ref of [n, d])
    expect(stat(ref).Metric.Dimensions).toEqual([{ Name: "service", Value: SERVICE_NAME }]);
  return {
    numerator: stat(n).Metric.MetricName,
    denominator: stat(d).Metric.MetricName,
    period: stat(n).Period,
  };
}

/** `FILL(n, 0) / d` → [n, d]: a missing numerator counts as 0 (the aggregator omits zeros). */
function operands(expression: string): [string, string] {
  const match = /^FILL\((\w+), 0\) \/ (\w+)$/.exec(expression);
  expect(match, expression).not.toBeNull();
  return [match?.[1] ?? "", match?.[2] ?? ""];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The dimension names an EMF emitter's code adds (Powertools Metrics), in order of appearance. */
function emfDimensions(code: string): string[] {
  const pattern =
    /\.addDimension\(\s*([^,)]*)|(?:\.addDimensions\(|setDefaultDimensions\(|defaultDimensions\s*:)\s*(\{[^}]*\}|[^,)]*)/g;
  return [...code.matchAll(pattern)].flatMap(([, single, many]) => {
    if (single !== undefined) {
      const name = /^\s*["'`]([^"'`$]*)["'`]\s*$/.exec(single)?.[1];
      return [name ?? `<not a literal: ${single.trim()}>`];
    }
    const object = (many ?? "").trim();
    if (!object.startsWith("{")) return [`<not a literal: ${object}>`];
    return [...object.matchAll(/["']?([A-Za-z_]\w*)["']?\s*:/g)].map((key) => key[1] ?? "");
  });
}
