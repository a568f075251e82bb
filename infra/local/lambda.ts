// Invokes a handler module the way the Lambda runtime does: one event, a Context, a result.
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { FunctionSpec } from "../topology.ts";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalFunction {
  readonly name: string;
  invoke(event: unknown): Promise<unknown>;
}

/** Imports the function's entry module (after the runtime has set the environment). */
export async function loadFunction(
  spec: FunctionSpec,
  rootDir: string,
  region: string,
  accountId: string,
): Promise<LocalFunction> {
  const module = (await import(new URL(spec.entry, `file://${rootDir}/`).href)) as {
    handler?: Handler;
  };
  const handler = module.handler;
  if (typeof handler !== "function") throw new Error(`${spec.entry} does not export a handler`);
  return {
    name: spec.name,
    invoke(event) {
      const started = Date.now();
      const context: Context = {
        callbackWaitsForEmptyEventLoop: false,
        functionName: spec.name,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${spec.name}`,
        memoryLimitInMB: String(spec.memoryMb),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${spec.name}`,
        logStreamName: "local",
        getRemainingTimeInMillis: () =>
          Math.max(0, spec.timeoutSeconds * 1000 - (Date.now() - started)),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      return handler(event, context);
    },
  };
}
