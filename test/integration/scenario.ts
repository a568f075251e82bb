// A seeded scenario of upstream events for the order and crash tests: several events per
// waybill (damage, delay, loss, failed attempts, deliveries), mixed declared values (some at
// or above the severe threshold), VIP and regular customers — and shuffles of it.

import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mulberry32 } from "#infra/seeded-random.ts";

export interface ScenarioEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/** A small, seeded, reproducible random generator (the demo's). */
export const random = mulberry32;

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const next = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const TYPES = ["Parcel Damaged", "Parcel Delayed", "Parcel Lost", "Delivery Attempt Failed"];

/**
 * `count` events over about count/3 waybills; `tag` keeps runs' waybills apart. The events
 * happen within 40 minutes from `base`.
 */
export function scenario(
  count: number,
  seed: number,
  tag: string,
  base = new Date("2026-11-23T01:00:00Z"),
): ScenarioEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const waybills = Array.from({ length: Math.max(1, Math.round(count / 3)) }, (_, i) => ({
    waybillNo: `${tag}${String(i).padStart(5, "0")}`,
    customerId: `cust-${Math.floor(next() * 50)}`,
  }));
  return Array.from({ length: count }, (_, i) => {
    const { waybillNo, customerId } = pick(waybills);
    const detailType = next() < 0.05 ? "Parcel Delivered" : pick(TYPES);
    // Few distinct minutes, so that equal occurredAt (ties broken by eventId) happen too.
    const occurredAt = new Date(base.getTime() + Math.floor(next() * 40) * 60_000).toISOString();
    const detail: Record<string, unknown> = {
      eventId: `${tag}-e${String(i).padStart(5, "0")}`,
      waybillNo,
      occurredAt,
      customer: {
        id: customerId,
        name: "Li Lei",
        phone: "13812345678",
        tier: next() < 0.15 ? "vip" : "regular",
      },
    };
    const value = next() < 0.5 ? Math.floor(next() * 1000) : undefined;
    if (detailType === "Parcel Damaged" || detailType === "Parcel Lost") {
      if (value !== undefined) detail.declaredValue = value;
    }
    if (detailType === "Parcel Delayed") detail.promisedAt = occurredAt;
    if (detailType === "Delivery Attempt Failed") detail.attempt = 1 + Math.floor(next() * 3);
    if (detailType === "Parcel Delivered") detail.deliveredAt = occurredAt;
    return { detailType, detail };
  });
}

/** One PutEvents of up to 10 upstream events on the service's bus, as upstream sends them. */
export async function putUpstreamEvents(
  client: EventBridgeClient,
  events: readonly ScenarioEvent[],
): Promise<void> {
  const result = await client.send(
    new PutEventsCommand({
      Entries: events.map((e) => ({
        EventBusName: "courier-service",
        Source: "courier.orders",
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
      })),
    }),
  );
  if (result.FailedEntryCount) throw new Error(`PutEvents refused ${result.FailedEntryCount}`);
}
