// kpis: the KPI aggregator. Domain events (cases classified, first responses, resolutions,
// follow-ups due and completed) and delivered parcels (upstream) → daily aggregates per team,
// category, channel, agent, outlet, courier and region, each fact counted once (a replayed event
// changes nothing), and the live KPI metrics (EMF) for CloudWatch.
import {
  caseClassified,
  caseResolved,
  caseResponded,
  followUpCompleted,
  followUpScheduled,
  parcelDelivered,
} from "#events/index.ts";
import { busEventConsumer, parseByDefinition } from "#shared/adapters/bus-event-consumer.ts";
import { flushMarks } from "#shared/adapters/kpi-store.ts";
import { type CountedEvent, countEvents } from "./count-event.ts";

export const handler = busEventConsumer<CountedEvent>({
  name: "kpis",
  parse: parseByDefinition<CountedEvent>([
    caseClassified,
    caseResponded,
    caseResolved,
    followUpScheduled,
    followUpCompleted,
    parcelDelivered,
  ]),
  // No idempotency record per message: the facts carry their own ids and count once for good
  // (kpi-store.ts), so a repeat costs its reads and no write, and 5 messages a case spare 10 WRU.
  // The batch is counted at once: each aggregate item is written once for all its facts.
  handleBatch: (work) => countEvents(work.map((w) => ({ id: w.messageId, event: w.parsed }))),
  afterBatch: flushMarks,
});
