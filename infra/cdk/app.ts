// The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Offline synth needs no credentials
// (environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set) and no Docker (local esbuild).
// Context: `busName` (default DEFAULT_BUS_NAME), `upstreamSource` (default DEFAULT_UPSTREAM_SOURCE),
// `alarmEmail` (subscribed to the alarm topic; none by default), `slaTarget` (a fraction, default
// DEFAULT_SLA_TARGET: SLA attainment below it raises an alarm).
import { fileURLToPath, pathToFileURL } from "node:url";
import { App, type Environment, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import { DEFAULT_BUS_NAME, DEFAULT_UPSTREAM_SOURCE } from "#infra/topology.ts";
import { DataStack } from "./data-stack.ts";
import { DEFAULT_SLA_TARGET } from "./monitoring.ts";
import { acknowledgeNagFindings } from "./nag-acknowledgements.ts";
import { ServiceStack } from "./service-stack.ts";

const ROOT_DIR = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export function buildApp(app: App): { data: DataStack; service: ServiceStack } {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const busName = contextString(app, "busName") ?? DEFAULT_BUS_NAME;
  const upstreamSource = contextString(app, "upstreamSource") ?? DEFAULT_UPSTREAM_SOURCE;
  const alarmEmail = contextString(app, "alarmEmail");
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))
    throw new Error(`Context alarmEmail must be an e-mail address, not ${alarmEmail}`);
  const slaTarget = contextFraction(app, "slaTarget") ?? DEFAULT_SLA_TARGET;

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
    description: "courier-care: functions, queues, rules, HTTP API, Cognito, monitoring",
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  acknowledgeNagFindings(service);
  return { data, service };
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`Context ${key} must be a string`);
  return value;
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
