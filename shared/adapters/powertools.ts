// One logger and one metrics emitter per execution environment (Powertools). No Powertools
// Tracer: its X-Ray SDK turns on async hooks that make every `await` many times slower
// (engineering notes; npm run bench); Lambda's active tracing still records each invocation.
// Never log a customer object or an event detail: use the masking helpers for personal data.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "courier-care";

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "CourierCare",
});
