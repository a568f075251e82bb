// cdk-nag 3 and the Control Tower guard rules are policy-validation plugins: a finding nobody
// acknowledged fails the synth and is listed in the validation report. This proves the clean
// synth of stacks.test.ts means something.
import { App, Stack, Validations } from "aws-cdk-lib";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import { CONTROL_TOWER_GUARD, ControlTowerGuard } from "#infra/cdk/control-tower-guard.ts";
import { noBundling, readValidationReport } from "./synth.ts";

describe("policy validation", () => {
  it("fails the synth on an unacknowledged cdk-nag finding and names it in the report", () => {
    const app = new App({ context: noBundling });
    buildApp(app, { controlTowerGuard: false }); // the Control Tower rules: the next test
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

  it("fails the synth on a Control Tower finding alone, while another rule is acknowledged", () => {
    // cfn-guard's findings carry no severity; once an acknowledgement applies, CDK fails the synth
    // only for errors, so ControlTowerGuard makes each one an error.
    const app = new App();
    Validations.of(app).addPlugins(new ControlTowerGuard());
    const careless = new Stack(app, "Careless");
    new LogGroup(careless, "ShortLived", { retention: RetentionDays.ONE_MONTH });
    Validations.of(careless).acknowledge({
      id: `${CONTROL_TOWER_GUARD}::cloudwatch_log_group_encrypted_check`,
      reason: "Acknowledged here to take the path where CDK applies acknowledgements",
    });

    expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.2/);
    const [guard] = readValidationReport(app.outdir).pluginReports;
    expect(guard?.violations.map((v) => v.ruleName)).toEqual([
      "cloudwatch_log_group_retention_period_check",
    ]);
    expect(guard?.suppressedViolations?.map((v) => v.ruleName)).toEqual([
      "cloudwatch_log_group_encrypted_check",
    ]);
  });
});
