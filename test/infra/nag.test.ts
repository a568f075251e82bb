// cdk-nag 3 is a policy-validation plugin: a finding nobody acknowledged fails the synth and is
// listed in the validation report. This proves the clean synth of stacks.test.ts means something.
import { App, Stack } from "aws-cdk-lib";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import { noBundling, readValidationReport } from "./synth.ts";

describe("cdk-nag", () => {
  it("fails the synth on an unacknowledged finding and names it in the report", () => {
    const app = new App({ context: noBundling });
    buildApp(app);
    new Queue(new Stack(app, "Careless"), "Unprotected", { enforceSSL: false });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
    const violations = readValidationReport(app.outdir).pluginReports.flatMap((p) => p.violations);
    const paths = violations.flatMap((v) => v.violatingConstructs.map((c) => c.constructPath));
    expect(violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(["AwsSolutions-SQS3", "AwsSolutions-SQS4"]),
    );
    // Only the careless queue: the app itself stays clean.
    expect(paths.every((path) => path.startsWith("Careless/"))).toBe(true);
  });
});
