// What a case knows from the events attached to it, merged so that any order of arrival, and
// any number of repeats, gives the same result (../architecture.md "Order-independent"):
// - the trigger is the earliest event by its own `occurredAt`, ties broken by `eventId`; the
//   customer's details and the facts come from that event;
// - the declared value is the highest any event declared;
// - the customer is VIP when any event said so;
// - the text signals (complaint, outside escalation…) are those any message or description had;
// - once erased (either side's customer has `erasedAt`), always erased.
// The merge is commutative, associative and idempotent (property-tested), so the state after a
// set of events does not depend on how they arrived. Pure: no clock, no AWS.
import type { CaseCustomer, CaseFacts, CaseTrigger } from "./case.ts";
import { erasedCustomer, erasedFacts } from "./erasure.ts";

export interface CaseEvidence {
  readonly trigger: CaseTrigger;
  readonly customer: CaseCustomer;
  readonly facts: CaseFacts;
  readonly textSignals?: readonly string[];
}

/** Negative when `a` happened before `b`: by occurredAt as an instant, then by eventId. */
export function compareTriggers(a: CaseTrigger, b: CaseTrigger): number {
  const byTime = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

export function mergeEvidence(a: CaseEvidence, b: CaseEvidence): CaseEvidence {
  const first = compareTriggers(a.trigger, b.trigger) <= 0 ? a : b;
  const declaredValue = maxDefined(a.facts.declaredValue, b.facts.declaredValue);
  const vip = a.customer.tier === "vip" || b.customer.tier === "vip";
  const { declaredValue: _ignored, ...firstFacts } = first.facts;
  const signals = [...new Set([...(a.textSignals ?? []), ...(b.textSignals ?? [])])].sort();
  // An erased case stays erased: a late event (even an earlier one) brings no name, phone or
  // words back (erasure.ts); the first erasure's time is kept.
  const erasedAt = earliest(a.customer.erasedAt, b.customer.erasedAt);
  const customer = { ...first.customer, tier: vip ? ("vip" as const) : ("regular" as const) };
  const facts = erasedAt ? erasedFacts(firstFacts) : firstFacts;
  return {
    trigger: first.trigger,
    customer: erasedAt ? { ...erasedCustomer(customer, erasedAt), erasedAt } : customer,
    facts: declaredValue === undefined ? facts : { ...facts, declaredValue },
    ...(signals.length > 0 ? { textSignals: signals } : {}),
  };
}

/** Whether merging changed anything a case shows or classifies by. */
export function sameEvidence(a: CaseEvidence, b: CaseEvidence): boolean {
  return canonical(a) === canonical(b);
}

function canonical(e: CaseEvidence): string {
  return JSON.stringify([
    sorted(e.trigger),
    sorted(e.customer),
    sorted(e.facts),
    [...(e.textSignals ?? [])].sort(),
  ]);
}

function sorted(o: object): [string, unknown][] {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : 1));
}

function earliest(x: string | undefined, y: string | undefined): string | undefined {
  if (x === undefined) return y;
  if (y === undefined) return x;
  return x < y ? x : y;
}

function maxDefined(x: number | undefined, y: number | undefined): number | undefined {
  if (x === undefined) return y;
  if (y === undefined) return x;
  return Math.max(x, y);
}
