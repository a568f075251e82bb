// The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Offline synth needs no credentials
// (environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set) and no Docker (local esbuild).
import { fileURLToPath } from "node:url";
import { App, type Environment, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { DEFAULT_BUS_NAME, DEFAULT_UPSTREAM_SOURCE } from "../topology.ts";
import { DataStack } from "./data-stack.ts";
import { acknowledgeNagFindings } from "./nag-acknowledgements.ts";
import { ServiceStack } from "./service-stack.ts";

const ROOT_DIR = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export function buildApp(app: App): { data: DataStack; service: ServiceStack } {
  const env: Environment | undefined =
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined;
  const busName = (app.node.tryGetContext("busName") as string | undefined) ?? DEFAULT_BUS_NAME;
  const upstreamSource =
    (app.node.tryGetContext("upstreamSource") as string | undefined) ?? DEFAULT_UPSTREAM_SOURCE;

  const data = new DataStack(app, "CourierCareData", {
    env,
    busName,
    description: "courier-care: data (tables, key, bus)",
  });
  const service = new ServiceStack(app, "CourierCareService", {
    env,
    rootDir: ROOT_DIR,
    tables: data.tables,
    bus: data.bus,
    upstreamSource,
    description: "courier-care: functions, queues, rules, HTTP API",
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(service);
  return { data, service };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = new App();
  buildApp(app);
  app.synth();
}
