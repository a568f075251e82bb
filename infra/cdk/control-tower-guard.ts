// The AWS Control Tower proactive controls as a CDK policy-validation plugin: cfn-guard with the
// rules of @cdklabs/cdk-validator-cfnguard (its binary ships in the npm package: no install
// script, no network). Its findings carry no severity, and once an acknowledgement applies to a
// plugin's report CDK fails the synth only for findings of severity "error": without one, a new
// finding would pass `cdk synth` as soon as any other rule is acknowledged. Here each is an error.
import { CfnGuardValidator } from "@cdklabs/cdk-validator-cfnguard";
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
} from "aws-cdk-lib";

/** The plugin's name, and the namespace of its acknowledgements (`cdk-validator-cfnguard::<rule>`). */
export const CONTROL_TOWER_GUARD = "cdk-validator-cfnguard";

export class ControlTowerGuard implements IPolicyValidationPlugin {
  private readonly guard = new CfnGuardValidator();

  get name(): string {
    return this.guard.name;
  }

  get version(): string | undefined {
    return this.guard.version;
  }

  get ruleIds(): string[] | undefined {
    return this.guard.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({
        ...violation,
        severity: violation.severity ?? "error",
      })),
    };
  }
}
