// One definition per event type: the schema is the contract, the example is checked
// against it, and the catalog (events/catalog.md) is generated from these definitions.
import type * as z from "zod";

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** EventBridge `detail-type`. */
  readonly detailType: string;
  /** Who publishes it: upstream order systems, or this system (domain events). */
  readonly kind: "upstream" | "domain";
  /** Contract version; a breaking change gets a new version and both are published during migration. */
  readonly version: number;
  readonly description: string;
  readonly producer: string;
  readonly consumers: readonly string[];
  /** Schema of the EventBridge `detail`. */
  readonly schema: S;
  readonly example: z.input<S>;
}

export function defineEvent<S extends z.ZodType>(
  definition: EventDefinition<S>,
): EventDefinition<S> {
  return definition;
}
