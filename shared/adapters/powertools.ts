// One logger, one metrics emitter and one tracer per execution environment (Powertools).
// Never log a customer object or an event detail: use the masking helpers for personal data.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "courier-care";

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "CourierCare",
});
/** Tracing switches itself off outside Lambda (and with POWERTOOLS_TRACE_ENABLED=false). */
export const tracer = new Tracer({ serviceName });
