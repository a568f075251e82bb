// Publishes domain events to the bus. The detail is checked against its own schema first,
// so this system can never put an event on the bus that breaks its own contract.
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type * as z from "zod";
import type { EventDefinition } from "#events/define.ts";
import { DOMAIN_EVENT_SOURCE } from "#infra/topology.ts";
import { eventBridgeClient } from "./aws-clients.ts";
import { clock } from "./clock.ts";
import { config } from "./config.ts";

export type DomainDetail<S extends z.ZodType> = Omit<z.input<S>, "metadata">;

export async function publish<S extends z.ZodType>(
  definition: EventDefinition<S>,
  detail: DomainDetail<S>,
): Promise<void> {
  const full = definition.schema.parse({
    ...detail,
    metadata: { version: definition.version, publishedAt: clock.nowIso() },
  });
  const result = await eventBridgeClient().send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: config.eventBusName(),
          Source: DOMAIN_EVENT_SOURCE,
          DetailType: definition.detailType,
          Detail: JSON.stringify(full),
          Time: clock.now(),
        },
      ],
    }),
  );
  const failed = result.Entries?.find((entry) => entry.ErrorCode);
  if (result.FailedEntryCount || failed) {
    throw new Error(
      `PutEvents rejected ${definition.detailType}: ${failed?.ErrorCode ?? "unknown"} ${failed?.ErrorMessage ?? ""}`,
    );
  }
}
