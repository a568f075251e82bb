// What the operators watch, and what wakes them: one dashboard (the KPIs, then the technical
// health of every queue, dead-letter queue, function and the HTTP API) and alarms that all notify
// one encrypted SNS topic, with an e-mail subscription when `-c alarmEmail=…` is given. Built from
// the topology: a new queue or function gets its widgets and alarms without a change here.
//
//   Powertools EMF (namespace CourierCare, dimension service) ──┐
//   AWS/SQS (QueueName) · AWS/Lambda (FunctionName) ────────────┼─▶ dashboard
//   AWS/ApiGateway (ApiId) ─────────────────────────────────────┘
//                                                 └─▶ alarms ──▶ SNS topic (KMS) ──▶ e-mail
//
// Every metric here has only low-cardinality dimensions: never a courier, outlet, agent,
// customer, waybill or case (test/infra/monitoring.test.ts checks it).
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type { IHttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IWidget,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Effect, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Subscription, SubscriptionProtocol, Topic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { functions, queues } from "#infra/topology.ts";
import { pascal } from "./data-stack.ts";
import { onlyAwsServicesCreateGrants } from "./encryption.ts";

/** Powertools Metrics (EMF): the namespace and the one dimension, `service`, of our own metrics. */
export const METRICS_NAMESPACE = "CourierCare";
export const SERVICE_NAME = "courier-care";

/** The metrics the KPI aggregator (function `kpis`) and the sweeper emit, by what they count. */
export const KPI_METRICS = {
  casesOpened: "KpiCasesOpened",
  casesResolved: "KpiCasesResolved",
  slaDue: "KpiSlaDue",
  slaMet: "KpiSlaMet",
  followUpsScored: "KpiFollowUpsScored",
  followUpsSatisfied: "KpiFollowUpsSatisfied",
  complaints: "KpiComplaints",
  parcelsDelivered: "KpiParcelsDelivered",
  followUpsOverdue: "FollowUpsOverdue",
} as const;

/** CSAT below this over a day pages someone. */
export const CSAT_TARGET = 0.9;
/** Default SLA attainment target (context `slaTarget`). */
export const DEFAULT_SLA_TARGET = 0.9;

export interface MonitoredQueue {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** The alarm on the dead-letter queue, created with the queue; it gets the topic's actions. */
  readonly deadLetterAlarm: Alarm;
}

export interface MonitoringProps {
  /** By topology function name. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** By topology queue name. */
  readonly queues: ReadonlyMap<string, MonitoredQueue>;
  readonly httpApi: IHttpApi;
  /** SLA attainment (met / due, over a day) below this raises an alarm. */
  readonly slaTarget: number;
  /** Subscribed to the alarm topic by e-mail (the address confirms it); none when absent. */
  readonly alarmEmail?: string;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm that notifies the topic, by a stable key (`csat`, `errors-intake`, …). */
  readonly alarms = new Map<string, Alarm>();
  /** The e-mail subscription, when `alarmEmail` is set. */
  readonly emailSubscription?: Subscription;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = this.createAlarmTopic();
    this.action = new SnsAction(this.topic);
    if (props.alarmEmail) {
      this.emailSubscription = new Subscription(this, "AlarmEmail", {
        topic: this.topic,
        protocol: SubscriptionProtocol.EMAIL,
        endpoint: props.alarmEmail,
      });
    }

    this.alarmOnKpis(props.slaTarget);
    this.alarmOnQueues(props.queues);
    this.alarmOnFunctions(props.functions);
    this.alarmOnApi(props.httpApi);

    this.dashboard = new Dashboard(this, "Dashboard", {
      dashboardName: Stack.of(this).stackName,
      widgets: [
        ...this.kpiWidgets(props.slaTarget),
        ...this.queueWidgets(props.queues),
        ...this.functionWidgets(props.functions),
        ...this.apiWidgets(props.httpApi),
        [
          new AlarmStatusWidget({
            title: "Alarms",
            alarms: [...this.alarms.values()],
            width: 24,
            height: 6,
          }),
        ],
      ],
    });
  }

  /**
   * One topic for every alarm, encrypted with its own rotating key (alarm texts only). CloudWatch
   * publishes as a service: the key lets it encrypt, the topic policy lets alarms of this account
   * publish and refuses anything but TLS.
   */
  private createAlarmTopic(): Topic {
    const { account, region, partition } = Stack.of(this);
    const cloudwatch = new ServicePrincipal("cloudwatch.amazonaws.com");
    const key = onlyAwsServicesCreateGrants(
      new Key(this, "AlarmTopicKey", {
        description: "courier-care: the alarm notification topic",
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(7),
      }),
    );
    // Without conditions: the key protects nothing but these notifications, and a condition that
    // CloudWatch's KMS request did not carry would drop every notification without a word.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsEncryptNotifications",
        principals: [cloudwatch],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    const topic = new Topic(this, "AlarmTopic", {
      displayName: "courier-care alarms",
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsOfThisAccountPublish",
        effect: Effect.ALLOW,
        principals: [cloudwatch],
        actions: ["sns:Publish"],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    return topic;
  }

  // ── Alarms ──────────────────────────────────────────────────────────────────────────────────

  private alarmOnKpis(slaTarget: number) {
    this.alarm("csat", {
      description: `CSAT (satisfied / scored follow-ups) below ${percent(CSAT_TARGET)} over a day`,
      metric: ratio("csat", KPI_METRICS.followUpsSatisfied, KPI_METRICS.followUpsScored, DAY),
      threshold: CSAT_TARGET,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    this.alarm("sla-attainment", {
      description: `SLA attainment (met / due) below ${percent(slaTarget)} over a day`,
      metric: ratio("sla", KPI_METRICS.slaMet, KPI_METRICS.slaDue, DAY),
      threshold: slaTarget,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    // Overdue (due for over an hour) in every 5-minute window of the last hour.
    this.alarm("follow-ups-overdue", {
      description:
        "Follow-up calls overdue (due for more than an hour) for 60 minutes: GET /v1/follow-ups?status=due",
      metric: ownMetric(KPI_METRICS.followUpsOverdue, "Minimum", Duration.minutes(5)),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 12,
    });
  }

  private alarmOnQueues(monitored: ReadonlyMap<string, MonitoredQueue>) {
    for (const spec of queues) {
      const { queue, deadLetterAlarm } = required(monitored.get(spec.name), spec.name);
      this.notify(`dead-letters-${spec.name}`, deadLetterAlarm);
      this.alarm(`queue-age-${spec.name}`, {
        description: `The oldest message in the ${spec.name} queue waits longer than its SLA (${spec.maxMessageAgeSeconds} s)`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: "Maximum",
        }),
        threshold: spec.maxMessageAgeSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
  }

  private alarmOnFunctions(monitored: ReadonlyMap<string, IFunction>) {
    for (const spec of functions) {
      const fn = required(monitored.get(spec.name), spec.name);
      this.alarm(`errors-${spec.name}`, {
        description: `The ${spec.name} function failed (Errors > 0 in 5 minutes): read its log group`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
  }

  private alarmOnApi(api: IHttpApi) {
    this.alarm("api-5xx", {
      description:
        "The HTTP API answered 5xx (in 5 minutes): read the log groups of the api and api-read functions",
      metric: api.metricServerError({ period: Duration.minutes(5), statistic: "Sum" }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }

  /** An alarm that notifies the topic; no data (a quiet system) is not a breach. */
  private alarm(
    key: string,
    props: {
      description: string;
      metric: IMetric;
      threshold: number;
      comparisonOperator: ComparisonOperator;
      evaluationPeriods?: number;
    },
  ): Alarm {
    const evaluationPeriods = props.evaluationPeriods ?? 1;
    const alarm = new Alarm(this, `${pascal(key)}Alarm`, {
      alarmName: `${Stack.of(this).stackName}-${key}`,
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    return this.notify(key, alarm);
  }

  /** Into the topic when it fires and when it is OK again. */
  private notify(key: string, alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.set(key, alarm);
    return alarm;
  }

  // ── Dashboard ───────────────────────────────────────────────────────────────────────────────

  private kpiWidgets(slaTarget: number): IWidget[][] {
    const ratioGraph = (
      title: string,
      id: string,
      numerator: string,
      denominator: string,
      target?: number,
    ) =>
      new GraphWidget({
        title,
        width: 8,
        start: "-P14D",
        left: [
          ratio(`${id}_d`, numerator, denominator, DAY, "daily"),
          ratio(`${id}_h`, numerator, denominator, HOUR, "hourly"),
        ],
        leftYAxis: { min: 0, max: 1, showUnits: false },
        leftAnnotations: target === undefined ? [] : [{ value: target, label: "target" }],
      });
    const lastDay = (title: string, id: string, numerator: string, denominator: string) =>
      new SingleValueWidget({
        title,
        width: 8,
        height: 3,
        start: "-P1D",
        setPeriodToTimeRange: true,
        metrics: [ratio(`${id}_v`, numerator, denominator, DAY, title)],
      });
    return [
      [new TextWidget({ markdown: "# KPIs (last 24 hours, then 14 days)", width: 24, height: 1 })],
      [
        lastDay("CSAT", "csat", KPI_METRICS.followUpsSatisfied, KPI_METRICS.followUpsScored),
        lastDay("SLA attainment", "sla", KPI_METRICS.slaMet, KPI_METRICS.slaDue),
        lastDay("Complaint rate", "cr", KPI_METRICS.complaints, KPI_METRICS.parcelsDelivered),
      ],
      [
        ratioGraph(
          "CSAT: satisfied / scored follow-ups",
          "csat",
          KPI_METRICS.followUpsSatisfied,
          KPI_METRICS.followUpsScored,
          CSAT_TARGET,
        ),
        ratioGraph(
          "SLA attainment: met / due",
          "sla",
          KPI_METRICS.slaMet,
          KPI_METRICS.slaDue,
          slaTarget,
        ),
        ratioGraph(
          "Complaint rate: complaints / parcels delivered",
          "cr",
          KPI_METRICS.complaints,
          KPI_METRICS.parcelsDelivered,
        ),
      ],
      [
        new GraphWidget({
          title: "Cases opened and resolved (hourly)",
          width: 12,
          start: "-P14D",
          left: [
            ownMetric(KPI_METRICS.casesOpened, "Sum", HOUR, "opened"),
            ownMetric(KPI_METRICS.casesResolved, "Sum", HOUR, "resolved"),
          ],
        }),
        new GraphWidget({
          title: "Follow-up calls overdue (due for more than an hour)",
          width: 12,
          left: [
            ownMetric(KPI_METRICS.followUpsOverdue, "Maximum", Duration.minutes(5), "overdue"),
          ],
          leftAnnotations: [{ value: 0, label: "alarm after 60 minutes above" }],
        }),
      ],
    ];
  }

  private queueWidgets(monitored: ReadonlyMap<string, MonitoredQueue>): IWidget[][] {
    const period = Duration.minutes(1);
    const perQueue = queues.map((spec) => {
      const { queue } = required(monitored.get(spec.name), spec.name);
      return new GraphWidget({
        title: `Queue ${spec.name}`,
        width: 8,
        left: [
          queue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: "Maximum",
            label: `${spec.name} visible`,
          }),
        ],
        right: [
          queue.metricApproximateAgeOfOldestMessage({
            period,
            statistic: "Maximum",
            label: `${spec.name} oldest (s)`,
          }),
        ],
        rightAnnotations: [{ value: spec.maxMessageAgeSeconds, label: "SLA" }],
      });
    });
    const deadLetters = new GraphWidget({
      title: "Dead-letter queues: messages visible (any is an alarm)",
      width: 24,
      left: queues.map((spec) =>
        required(
          monitored.get(spec.name),
          spec.name,
        ).deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: "Maximum",
          label: `${spec.name} DLQ`,
        }),
      ),
    });
    return [
      [new TextWidget({ markdown: "# Technical health", width: 24, height: 1 })],
      ...rows(perQueue, 3),
      [deadLetters],
    ];
  }

  private functionWidgets(monitored: ReadonlyMap<string, IFunction>): IWidget[][] {
    const period = Duration.minutes(5);
    const perFunction = functions.map((spec) => {
      const fn = required(monitored.get(spec.name), spec.name);
      return new GraphWidget({
        title: `λ ${spec.name}`,
        width: 8,
        left: [
          fn.metricErrors({ period, statistic: "Sum", label: `${spec.name} errors` }),
          fn.metricThrottles({ period, statistic: "Sum", label: `${spec.name} throttles` }),
        ],
        right: [
          fn.metricDuration({ period, statistic: "p50", label: `${spec.name} p50 (ms)` }),
          fn.metricDuration({ period, statistic: "p99", label: `${spec.name} p99 (ms)` }),
        ],
      });
    });
    return rows(perFunction, 3);
  }

  private apiWidgets(api: IHttpApi): IWidget[][] {
    const period = Duration.minutes(5);
    return [
      [
        new GraphWidget({
          title: "HTTP API: 4xx and 5xx",
          width: 12,
          left: [
            api.metricClientError({ period, statistic: "Sum", label: "4xx" }),
            api.metricServerError({ period, statistic: "Sum", label: "5xx" }),
          ],
        }),
        new GraphWidget({
          title: "HTTP API: latency",
          width: 12,
          left: [
            api.metricLatency({ period, statistic: "p50", label: "p50 (ms)" }),
            api.metricLatency({ period, statistic: "p99", label: "p99 (ms)" }),
          ],
        }),
      ],
    ];
  }
}

const HOUR = Duration.hours(1);
const DAY = Duration.days(1);

/** One of our own EMF metrics: namespace CourierCare, the `service` dimension and nothing else. */
function ownMetric(
  metricName: string,
  statistic: string,
  period: Duration,
  label?: string,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period,
    ...(label ? { label } : {}),
  });
}

/**
 * numerator / denominator over the period (metric math; ids unique per `id`). The KPI aggregator
 * emits a count only when it is not zero, so a missing numerator is 0: a day on which nobody was
 * satisfied is a CSAT of 0, not "no data". No denominator (nothing to score) stays no data.
 */
function ratio(
  id: string,
  numerator: string,
  denominator: string,
  period: Duration,
  label?: string,
): MathExpression {
  return new MathExpression({
    expression: `FILL(${id}_n, 0) / ${id}_d`,
    usingMetrics: {
      [`${id}_n`]: ownMetric(numerator, "Sum", period),
      [`${id}_d`]: ownMetric(denominator, "Sum", period),
    },
    period,
    ...(label ? { label } : {}),
  });
}

function rows<T>(items: readonly T[], perRow: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) result.push(items.slice(i, i + perRow));
  return result;
}

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`The topology names ${name}, which does not exist`);
  return value;
}
