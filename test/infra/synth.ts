// Helpers shared by the infrastructure tests: synth without bundling, and the validation report
// in which the CDK policy-validation plugins (cdk-nag 3, the Control Tower guard rules of
// @cdklabs/cdk-validator-cfnguard) record their findings.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Skips NodejsFunction bundling: the templates are complete, the asset hashes are not real. */
export const noBundling = { "aws:cdk:bundling-stacks": [] };

export interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: "success" | "failure";
    readonly violations: readonly {
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
    readonly suppressedViolations?: readonly {
      readonly ruleName: string;
      readonly acknowledgedId?: string;
      readonly reason?: string;
      readonly acknowledgedAt?: string;
      readonly violatingConstructs?: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

/** The report CDK writes next to the templates at every synth, passing or failing. */
export function readValidationReport(assemblyDir: string): ValidationReport {
  return JSON.parse(
    readFileSync(join(assemblyDir, "validation-report.json"), "utf8"),
  ) as ValidationReport;
}
