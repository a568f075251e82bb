// The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Offline synth needs no credentials
// (environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set) and no Docker (local esbuild).
// Context: `busName` (default DEFAULT_BUS_NAME), `upstreamSource` (default DEFAULT_UPSTREAM_SOURCE).
import { fileURLToPath, pathToFileURL } from "node:url";
import { App, type Environment, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import { DEFAULT_BUS_NAME, DEFAULT_UPSTREAM_SOURCE } from "#infra/topology.ts";
import { DataStack } from "./data-stack.ts";
import { acknowledgeNagFindings } from "./nag-acknowledgements.ts";
import { ServiceStack } from "./service-stack.ts";

const ROOT_DIR = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export function buildApp(app: App): { data: DataStack; service: ServiceStack } {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const busName = contextString(app, "busName") ?? DEFAULT_BUS_NAME;
  const upstreamSource = contextString(app, "upstreamSource") ?? DEFAULT_UPSTREAM_SOURCE;

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
    description: "courier-care: functions, queues, rules, HTTP API, Cognito",
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = new App();
  buildApp(app);
  app.synth();
}
