// A delivered parcel and its open delay case, in either order: the delivery joins the case's
// timeline (the agent sees the parcel arrived) and resolves an event-only delay case (nobody's
// words on it) with resolution "delivered"; its follow-up then confirms with the customer.
// Called by intake when Parcel Delivered arrives, and by assignment once a delay case is routed
// (the delivery may have come first), so both orders end the same.
import type { Case } from "#shared/domain/case.ts";
import { autoResolvable, SYSTEM_ACTOR } from "#shared/domain/case-lifecycle.ts";
import { makeMove } from "./case-moves.ts";
import { addTimelineEntry, type Delivery } from "./case-store.ts";
import { clock } from "./clock.ts";
import { config } from "./config.ts";
import { recentTeams } from "./org-store.ts";

export async function applyDelivery(c: Case, delivery: Delivery): Promise<string> {
  // A delay reported after the parcel was delivered is about something else: left alone.
  if (Date.parse(c.trigger.occurredAt) > Date.parse(delivery.deliveredAt))
    return "delivered earlier";
  // Not routed yet: assignment applies the delivery once it has routed the case (the delivery
  // is on record before this is read, so one of the two always sees the other).
  if (c.status === "new") return "delivery kept until the case is routed";
  await addTimelineEntry(c.caseId, {
    at: new Date(delivery.deliveredAt).toISOString(),
    key: `delivered#${delivery.eventId}`,
    kind: "parcel-delivered",
    summary: "The parcel was delivered",
    data: { eventId: delivery.eventId, deliveredAt: delivery.deliveredAt },
  });
  const attached = Boolean(c.lastCustomerMessageAt);
  if (!config.autoResolveOnDelivery() || !autoResolvable(c, attached)) return "delivery noted";
  const outcome = await makeMove(
    c,
    {
      type: "auto-resolve",
      actor: SYSTEM_ACTOR,
      at: clock.nowIso(),
      eventId: delivery.eventId,
      deliveredAt: delivery.deliveredAt,
      customerMessageAttached: attached,
    },
    await recentTeams(),
  );
  if (!outcome.ok && "stale" in outcome) throw new Error(`Case ${c.caseId} changed; retrying`);
  return outcome.ok ? "resolved by its delivery" : `delivery noted (${outcome.reason})`;
}
