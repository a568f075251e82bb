// sweeper: every minute (a schedule rule, or the local runtime's clock), re-drives cases that
// stopped moving. Each tick is one scheduled event; a repeated tick only finds less to do.
import { busEventConsumer } from "#shared/adapters/bus-event-consumer.ts";
import { clock } from "#shared/adapters/clock.ts";
import { redriveStalledCases } from "./redrive-stalled-cases.ts";

export const handler = busEventConsumer({
  name: "sweeper",
  parse: (event) => (event["detail-type"] === "Scheduled Event" ? { tick: event.time } : null),
  key: ({ tick }) => `tick#${tick}`,
  rememberSeconds: 60 * 60,
  // Decides by the clock, not by the tick: a late tick sweeps what is stalled now.
  handle: () => redriveStalledCases(clock.now()),
});
