// sweeper: every minute (a schedule rule, or the local runtime's clock):
// - re-drives cases that stopped moving;
// - watches the SLA of open cases (warnings, breaches, escalations);
// - releases the customer notices held for the customers' quiet hours;
// - announces follow-up steps whose writer died, and makes the follow-up calls due;
// - warns (log line and metric) when a team's holiday calendar runs out soon.
// Each tick is one scheduled event; a repeated tick only finds less to do.
import { busEventConsumer } from "#shared/adapters/bus-event-consumer.ts";
import { clock } from "#shared/adapters/clock.ts";
import { reportHolidayCoverage } from "#shared/adapters/holiday-coverage.ts";
import { listTeams } from "#shared/adapters/org-store.ts";
import { announceFollowUps } from "./announce-follow-ups.ts";
import { dispatchFollowUps } from "./dispatch-follow-ups.ts";
import { redriveStalledCases } from "./redrive-stalled-cases.ts";
import { releaseHeldNotices } from "./release-held-notices.ts";
import { watchSla } from "./watch-sla.ts";

export const handler = busEventConsumer({
  name: "sweeper",
  parse: (event) => (event["detail-type"] === "Scheduled Event" ? { tick: event.time } : null),
  key: ({ tick }) => `tick#${tick}`,
  rememberSeconds: 60 * 60,
  // Decides by the clock, not by the tick: a late tick sweeps what is stalled now.
  handle: async () => {
    const now = clock.now();
    reportHolidayCoverage(
      now,
      (await listTeams()).map((team) => team.calendar),
    );
    const done = [
      await redriveStalledCases(now),
      await watchSla(now),
      await releaseHeldNotices(now),
      await announceFollowUps(now),
      await dispatchFollowUps(now),
    ];
    return done.join("; ");
  },
});
