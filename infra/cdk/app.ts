// The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Offline synth needs no credentials
// (environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set) and no Docker (local esbuild).
// Context: `busName` (default DEFAULT_BUS_NAME), `upstreamSource` (default DEFAULT_UPSTREAM_SOURCE),
// `alarmEmail` (subscribed to the alarm topic; none by default), `slaTarget` (a fraction, default
// DEFAULT_SLA_TARGET: SLA attainment below it raises an alarm), `frontendOrigin` (origins allowed
// by CORS, comma-separated; none by default: no CORS), `callbackUrls` and `logoutUrls` (the
// Cognito app client's, comma-separated; default DEFAULT_CALLBACK_URLS and their origins),
// `authDomainPrefix` (a Cognito domain for managed login; none by default), `throttleRateLimit`
// and `throttleBurstLimit` (the API stage's, default DEFAULT_THROTTLE).
// Every synth runs the policy checks: cdk-nag (AwsSolutions, Serverless) and the AWS Control Tower
// proactive controls (control-tower-guard.ts); an error nobody acknowledged (nag-acknowledgements.ts,
// with its reason) fails the synth, and the infrastructure tests fail on any finding, warnings too.
import { fileURLToPath, pathToFileURL } from "node:url";
import { App, type Environment, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import { DEFAULT_BUS_NAME, DEFAULT_THROTTLE, DEFAULT_UPSTREAM_SOURCE } from "#infra/topology.ts";
import { DataStack } from "./data-stack.ts";
import { ControlTowerGuard } from "./control-tower-guard.ts";
import { DEFAULT_SLA_TARGET } from "./monitoring.ts";
import { acknowledgeGuardFindings, acknowledgeNagFindings } from "./nag-acknowledgements.ts";
import { ServiceStack } from "./service-stack.ts";

const ROOT_DIR = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export interface BuildOptions {
  /**
   * Run the Control Tower guard rules at synth (default true). They take seconds a synth
   * (cfn-guard reads the template once per rule): tests that synthesize context variants only to
   * read their templates may leave them out; the default synth is checked in stacks.test.ts.
   */
  readonly controlTowerGuard?: boolean;
}

export function buildApp(
  app: App,
  options: BuildOptions = {},
): { data: DataStack; service: ServiceStack } {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const busName = contextString(app, "busName") ?? DEFAULT_BUS_NAME;
  const upstreamSource = contextString(app, "upstreamSource") ?? DEFAULT_UPSTREAM_SOURCE;
  const alarmEmail = contextString(app, "alarmEmail");
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))
    throw new Error(`Context alarmEmail must be an e-mail address, not ${alarmEmail}`);
  const slaTarget = contextFraction(app, "slaTarget") ?? DEFAULT_SLA_TARGET;
  const frontendOrigins = contextList(app, "frontendOrigin", origin);
  const callbackUrls = contextList(app, "callbackUrls", redirectUrl);
  const logoutUrls = contextList(app, "logoutUrls", redirectUrl);
  const authDomainPrefix = contextString(app, "authDomainPrefix");
  if (
    authDomainPrefix !== undefined &&
    !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(authDomainPrefix)
  )
    throw new Error(
      `Context authDomainPrefix must be lower-case letters, digits and hyphens, not ${authDomainPrefix}`,
    );
  const throttle = {
    rateLimit: contextPositiveInteger(app, "throttleRateLimit") ?? DEFAULT_THROTTLE.rateLimit,
    burstLimit: contextPositiveInteger(app, "throttleBurstLimit") ?? DEFAULT_THROTTLE.burstLimit,
  };

  const data = new DataStack(app, "CourierCareData", {
    env,
    busName,
    description: "courier-care: data (KMS key, tables, event bus)",
  });
  const service = new ServiceStack(app, "CourierCareService", {
    env,
    rootDir: ROOT_DIR,
    tables: data.tables,
    bus: data.bus,
    upstreamSource,
    slaTarget,
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(frontendOrigins ? { frontendOrigins } : {}),
    ...(callbackUrls ? { callbackUrls } : {}),
    ...(logoutUrls ? { logoutUrls } : {}),
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    throttle,
    description: "courier-care: functions, queues, rules, HTTP API, Cognito, monitoring",
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  if (options.controlTowerGuard ?? true) Validations.of(app).addPlugins(new ControlTowerGuard());
  acknowledgeNagFindings(service);
  acknowledgeGuardFindings(service);
  return { data, service };
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`Context ${key} must be a string`);
  return value;
}

/** A comma-separated list (or a JSON array in cdk.json), each item checked; undefined when absent or empty. */
function contextList(
  app: App,
  key: string,
  check: (item: string, key: string) => string,
): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === "") return undefined;
  const items = Array.isArray(value)
    ? value
    : typeof value === "string"
      ? value.split(",").map((item) => item.trim())
      : undefined;
  if (!items || !items.every((item): item is string => typeof item === "string" && item !== ""))
    throw new Error(`Context ${key} must be a comma-separated list, not ${String(value)}`);
  return items.length > 0 ? items.map((item) => check(item, key)) : undefined;
}

/** An origin as browsers send it: scheme, host and optional port; no path, no trailing slash. */
function origin(item: string, key: string): string {
  let url: URL | undefined;
  try {
    url = new URL(item);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item)
    throw new Error(`Context ${key}: ${item} is not an origin like https://care.example.com`);
  return item;
}

/** A Cognito callback or sign-out URL: HTTPS, or plain HTTP to localhost (Cognito's own rule). */
function redirectUrl(item: string, key: string): string {
  let url: URL | undefined;
  try {
    url = new URL(item);
  } catch {
    url = undefined;
  }
  const secure =
    url?.protocol === "https:" || (url?.protocol === "http:" && url.hostname === "localhost");
  if (!url || !secure || url.hash !== "")
    throw new Error(
      `Context ${key}: ${item} must be an https:// URL (http:// only for localhost), without #fragment`,
    );
  return item;
}

/** A whole number ≥ 1, given as a number or (from `-c key=300`) as a string. */
function contextPositiveInteger(app: App, key: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === "") return undefined;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1)
    throw new Error(`Context ${key} must be a whole number of at least 1, not ${String(value)}`);
  return number;
}

/** A number in (0, 1], given as a number or (from `-c key=0.95`) as a string. */
function contextFraction(app: App, key: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === "") return undefined;
  const fraction = typeof value === "string" ? Number(value) : value;
  if (typeof fraction !== "number" || !(fraction > 0 && fraction <= 1))
    throw new Error(`Context ${key} must be a fraction in (0, 1], e.g. 0.9, not ${String(value)}`);
  return fraction;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = new App();
  buildApp(app);
  app.synth();
}
