// Whether a CLI module is the process's entry point (run by `tsx infra/cli/<name>.ts`) rather
// than imported by a test: then it runs its main function.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

export function isEntryPoint(moduleUrl: string): boolean {
  try {
    return (
      process.argv[1] !== undefined &&
      moduleUrl === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
}
