// Stateless resources, generated from the topology: queues with DLQs and alarms, functions,
// EventBridge rules and schedules into the queues, the bus policy that reserves our own event
// source to our functions, the HTTP API with a Cognito JWT authorizer, and the monitoring
// (dashboard, alarms, the alarm topic).
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
} from "aws-cdk-lib/aws-cognito";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import {
  CfnEventBusPolicy,
  type EventPattern,
  type IEventBus,
  Rule,
  Schedule,
} from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { Effect, PolicyStatement, StarPrincipal } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption, RedrivePermission } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  cors,
  DEFAULT_THROTTLE,
  DOMAIN_EVENT_SOURCE,
  envNames,
  functions,
  queues,
  routes,
  rules,
  schedules,
  tableAccessOf,
  tables,
  unmatchedRoute,
} from "#infra/topology.ts";
import { CareFunction } from "./care-function.ts";
import { pascal } from "./data-stack.ts";
import { encryptedLogGroup } from "./encryption.ts";
import { DEFAULT_SLA_TARGET, type MonitoredQueue, Monitoring } from "./monitoring.ts";

export interface ServiceStackProps extends StackProps {
  readonly rootDir: string;
  readonly tables: ReadonlyMap<string, ITable>;
  readonly bus: IEventBus;
  readonly upstreamSource: string;
  /** E-mail address subscribed to the alarm topic (context `alarmEmail`); none when absent. */
  readonly alarmEmail?: string;
  /** SLA attainment alarm threshold (context `slaTarget`), default DEFAULT_SLA_TARGET. */
  readonly slaTarget?: number;
  /** Origins whose browsers may call the API (context `frontendOrigin`); none: no CORS. */
  readonly frontendOrigins?: readonly string[];
  /** Where Cognito may send the authorization code (context `callbackUrls`), default DEFAULT_CALLBACK_URLS. */
  readonly callbackUrls?: readonly string[];
  /** Where Cognito may send the browser after sign-out (context `logoutUrls`); default: the callback URLs' origins. */
  readonly logoutUrls?: readonly string[];
  /** Prefix of the managed login's Cognito domain (context `authDomainPrefix`); none: no domain. */
  readonly authDomainPrefix?: string;
  /** Default stage throttling (context `throttleRateLimit`, `throttleBurstLimit`), default DEFAULT_THROTTLE. */
  readonly throttle?: { readonly rateLimit?: number; readonly burstLimit?: number };
}

/** The front end's callback on a Vite dev server, until context `callbackUrls` names the real one. */
export const DEFAULT_CALLBACK_URLS: readonly string[] = ["http://localhost:5173/callback"];

/** Sign-out returns to the front end's start page: the origin of each callback URL. */
export function logoutUrlsFor(callbackUrls: readonly string[]): string[] {
  return [...new Set(callbackUrls.map((url) => `${new URL(url).origin}/`))];
}

export const USER_GROUPS = ["agents", "supervisors", "ops", "admins"] as const;

/**
 * The concurrent executions each SQS event source may take (ScalingConfig.MaximumConcurrency):
 * a flood on one queue (an upstream burst, an archive replay) holds at most 25 of the account's
 * concurrent executions (1,000 by default), floods on every queue at once 25 each, so the API
 * keeps most of them (test/infra/policy.test.ts: the queues' sum stays under half). Past it
 * Lambda leaves messages waiting in the queue (no throttle, no receive counted). Locally: no limit.
 */
export const EVENT_SOURCE_MAX_CONCURRENCY = 25;

/** One JSON line per request, without personal data (no caller IP, no claims). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: "$context.requestId",
    requestTime: "$context.requestTime",
    routeKey: "$context.routeKey",
    status: "$context.status",
    responseLength: "$context.responseLength",
    latencyMs: "$context.responseLatency",
    integrationLatencyMs: "$context.integrationLatency",
    integrationError: "$context.integrationErrorMessage",
    authorizerError: "$context.authorizer.error",
  }),
);

export class ServiceStack extends Stack {
  readonly functions = new Map<string, CareFunction>();
  readonly queues = new Map<string, MonitoredQueue & { queue: Queue; deadLetterQueue: Queue }>();
  /** Schedule rules (on the default bus) by schedule name. */
  readonly schedules = new Map<string, Rule>();
  /** The bus policy reserving DOMAIN_EVENT_SOURCE to the publishing functions. */
  readonly busPolicy: CfnEventBusPolicy;
  /** HTTP routes by route key (`GET /v1/cases`). */
  readonly routes = new Map<string, HttpRoute>();
  readonly httpApi: HttpApi;
  /** Dashboard, alarms and the alarm topic. */
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    this.createQueues();
    this.createFunctions(props);
    this.connectQueuesToFunctions();
    this.createRules(props.bus, props.upstreamSource);
    this.createSchedules();
    this.busPolicy = this.createBusPolicy(props.bus);
    this.httpApi = this.createHttpApi(props);
    this.monitoring = new Monitoring(this, "Monitoring", {
      functions: this.functions,
      queues: this.queues,
      httpApi: this.httpApi,
      slaTarget: props.slaTarget ?? DEFAULT_SLA_TARGET,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
    new CfnOutput(this, "EventBusName", { value: props.bus.eventBusName });
  }

  /** Each queue with its dead-letter queue (SQS-managed encryption: EventBridge can deliver to it without a key policy). */
  private createQueues() {
    for (const spec of queues) {
      const name = pascal(spec.name);
      const deadLetterQueue = new Queue(this, `${name}DeadLetterQueue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // The most SQS keeps; longer than the source queue's retention, since a message's age
        // counts from its first enqueue (test/infra/policy.test.ts).
        retentionPeriod: Duration.days(14),
        // Declares it a dead-letter queue (CT.SQS.PR.1). allowAll is SQS's default; naming the
        // source queue (byQueue) would be a dependency cycle with the source's redrive policy.
        redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
      });
      const queue = new Queue(this, `${name}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      });
      const deadLetterAlarm = new Alarm(this, `${name}DeadLetterAlarm`, {
        alarmDescription: `Messages in the ${spec.name} dead-letter queue: read their rejectionReason, fix, redrive`,
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.queues.set(spec.name, { queue, deadLetterQueue, deadLetterAlarm });
    }
  }

  private createFunctions(props: ServiceStackProps) {
    for (const spec of functions) {
      const fn = new CareFunction(this, `${pascal(spec.name)}Function`, {
        spec,
        rootDir: props.rootDir,
        // Set on every function, as the local runtime does: the source integrators publish under.
        environment: { [envNames.upstreamSource]: props.upstreamSource },
      });
      for (const [tableName, access] of tableAccessOf(spec)) {
        const tableSpec = required(
          tables.find((t) => t.name === tableName),
          tableName,
        );
        fn.bindTable(tableSpec, required(props.tables.get(tableName), tableName), access);
      }
      if (spec.publishes) fn.bindBus(props.bus);
      if (routes.some((route) => route.function === spec.name)) fn.bindCursorKey();
      for (const queueName of spec.sendsToDeadLetterQueuesOf ?? []) {
        fn.bindDeadLetterQueue(
          queueName,
          required(this.queues.get(queueName), queueName).deadLetterQueue,
        );
      }
      this.functions.set(spec.name, fn);
    }
  }

  private connectQueuesToFunctions() {
    for (const spec of queues) {
      const { queue } = required(this.queues.get(spec.name), spec.name);
      required(this.functions.get(spec.consumer), spec.consumer).addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.batchSize,
          maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          maxConcurrency: EVENT_SOURCE_MAX_CONCURRENCY,
        }),
      );
    }
  }

  /** Rules into queues; a delivery EventBridge cannot make lands in the queue's DLQ. */
  private createRules(bus: IEventBus, upstreamSource: string) {
    for (const spec of rules(upstreamSource)) {
      new Rule(this, `${pascal(spec.name)}Rule`, {
        eventBus: bus,
        description: spec.description,
        // The topology writes patterns in EventBridge JSON; CDK passes unknown keys through as-is.
        eventPattern: spec.pattern as EventPattern,
        targets: [this.queueTarget(spec.targetQueue)],
      });
    }
  }

  /** Schedule rules into queues. EventBridge runs schedules only on the default bus. */
  private createSchedules() {
    for (const spec of schedules) {
      const rule = new Rule(this, `${pascal(spec.name)}Schedule`, {
        description: spec.description,
        schedule: Schedule.rate(Duration.minutes(spec.rateMinutes)),
        targets: [this.queueTarget(spec.targetQueue)],
      });
      this.schedules.set(spec.name, rule);
    }
  }

  /**
   * A topology queue as a rule target: its queue policy lets only that rule send
   * (events.amazonaws.com, aws:SourceArn), and what cannot be delivered goes to its DLQ.
   */
  private queueTarget(queueName: string): SqsQueue {
    const { queue, deadLetterQueue } = required(this.queues.get(queueName), queueName);
    return new SqsQueue(queue, {
      deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    });
  }

  /**
   * Only our publishing functions may put events with our own source on the bus: anyone else
   * (an integrator, another workload, a person with broad IAM rights) keeps publishing under
   * their own source but cannot forge `courier.care` domain events. An explicit Deny in a
   * resource policy binds every principal, those of this account included, whatever their IAM
   * policies allow; an assumed-role session's aws:PrincipalArn is its role's ARN. Here, not in
   * the data stack next to the bus: the roles live in this stack, which already depends on that
   * one, so the reverse reference would be a cycle.
   */
  private createBusPolicy(bus: IEventBus): CfnEventBusPolicy {
    const publisherRoleArns = functions
      .filter((spec) => spec.publishes)
      .map((spec) => {
        const fn = required(this.functions.get(spec.name), spec.name);
        return required(fn.role, `${spec.name} role`).roleArn;
      });
    const sid = "OnlyCourierCareFunctionsPublishDomainEvents";
    const statement = new PolicyStatement({
      sid,
      effect: Effect.DENY,
      principals: [new StarPrincipal()],
      actions: ["events:PutEvents"],
      resources: [bus.eventBusArn],
      conditions: {
        StringEquals: { "events:source": DOMAIN_EVENT_SOURCE },
        // No publishing function at all: nobody may publish the source.
        ...(publisherRoleArns.length > 0
          ? { ArnNotEquals: { "aws:PrincipalArn": publisherRoleArns } }
          : {}),
      },
    });
    return new CfnEventBusPolicy(this, "BusPolicy", {
      eventBusName: bus.eventBusName,
      statementId: sid,
      statement: statement.toStatementJson(),
    });
  }

  private createHttpApi(props: ServiceStackProps): HttpApi {
    const userPool = new UserPool(this, "Users", {
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: Mfa.REQUIRED, // agents see customers' personal data
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus plan for threat protection: adaptive authentication and compromised-credential checks.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of USER_GROUPS) {
      userPool.addGroup(`${pascal(group)}Group`, { groupName: group });
    }
    // The agents' front end is a browser app: a public client (no secret) that signs in through
    // the user pool's managed login with the authorization-code grant and PKCE, never the implicit
    // grant. No direct sign-in API flow (SRP, password, custom): managed login is where MFA and
    // threat protection happen; CDK keeps ALLOW_REFRESH_TOKEN_AUTH so sessions can be renewed.
    const callbackUrls = props.callbackUrls ?? DEFAULT_CALLBACK_URLS;
    const client = userPool.addClient("FrontEnd", {
      generateSecret: false,
      authFlows: {
        userSrp: false,
        userPassword: false,
        adminUserPassword: false,
        custom: false,
        user: false,
      },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...callbackUrls],
        logoutUrls: [...(props.logoutUrls ?? logoutUrlsFor(callbackUrls))],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    if (props.authDomainPrefix) {
      const domain = userPool.addDomain("LoginDomain", {
        cognitoDomain: { domainPrefix: props.authDomainPrefix },
      });
      new CfnOutput(this, "AuthBaseUrl", { value: domain.baseUrl() });
    }
    const authorizer = new HttpUserPoolAuthorizer("CognitoAuthorizer", userPool, {
      userPoolClients: [client],
      identitySource: ["$request.header.Authorization"],
    });

    const api = new HttpApi(this, "HttpApi", {
      description: "courier-care agents' API",
      createDefaultStage: false,
      // Browsers on the front end's origin only; none configured, no CORS at all (same-origin
      // or non-browser clients). API Gateway answers the preflight itself.
      ...(props.frontendOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: [...props.frontendOrigins],
              allowMethods: cors.allowMethods().map((method) => CorsHttpMethod[method]),
              allowHeaders: [...cors.allowHeaders],
              exposeHeaders: [...cors.exposeHeaders],
              allowCredentials: false,
              maxAge: Duration.seconds(cors.maxAgeSeconds),
            },
          }
        : {}),
    });
    const accessLogs = encryptedLogGroup(this, "HttpApiAccessLogs");
    new HttpStage(this, "DefaultStage", {
      httpApi: api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { ...DEFAULT_THROTTLE, ...props.throttle },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationOf = (name: string) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${pascal(name)}Integration`,
          required(this.functions.get(name), name),
        );
        integrations.set(name, integration);
      }
      return integration;
    };
    for (const route of routes) {
      const [created] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationOf(route.function),
        ...(route.auth ? { authorizer } : {}),
      });
      this.routes.set(`${route.method} ${route.path}`, required(created, route.path));
    }
    // What no route matches: 405 (with Allow) or 404 as problem+json, not the gateway's bare 404.
    this.routes.set(
      "$default",
      new HttpRoute(this, "DefaultRoute", {
        httpApi: api,
        routeKey: HttpRouteKey.DEFAULT,
        integration: integrationOf(unmatchedRoute.function),
      }),
    );

    new CfnOutput(this, "ApiUrl", { value: api.apiEndpoint });
    new CfnOutput(this, "UserPoolId", { value: userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: client.userPoolClientId });
    return api;
  }
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`The topology names ${name}, which does not exist`);
  return value;
}
