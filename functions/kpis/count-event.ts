// Use case: an event becomes the KPI facts it stands for (shared/domain/kpi-facts.ts), each
// counted once in the daily aggregates (kpi-store.ts), and the live CloudWatch metrics of what
// was newly counted (EMF). What the event does not carry (where the case happened, its
// acceptance time, whether its SLA held) is read from the case.
import type {
  caseClassified,
  caseResolved,
  caseResponded,
  followUpCompleted,
  followUpScheduled,
  parcelDelivered,
} from "#events/index.ts";
import { getCase } from "#shared/adapters/case-store.ts";
import { clock } from "#shared/adapters/clock.ts";
import { countFacts } from "#shared/adapters/kpi-store.ts";
import { recentTeams } from "#shared/adapters/org-store.ts";
import { metrics } from "#shared/adapters/powertools.ts";
import { type Team, teamForCategory } from "#shared/domain/assignment.ts";
import type { Case } from "#shared/domain/case.ts";
import {
  deliveredFact,
  firstResponseFact,
  followUpDoneFact,
  followUpDueFact,
  type KpiFact,
  openedFact,
  resolvedFact,
} from "#shared/domain/kpi-facts.ts";
import type { KpiCounter } from "#shared/domain/kpis.ts";
import { policyOf } from "#shared/domain/team-policy.ts";

type Detail<T extends { schema: { _output: unknown } }> = T["schema"]["_output"];

export type CountedEvent =
  | { readonly detailType: "Case Classified"; readonly detail: Detail<typeof caseClassified> }
  | { readonly detailType: "Case Responded"; readonly detail: Detail<typeof caseResponded> }
  | { readonly detailType: "Case Resolved"; readonly detail: Detail<typeof caseResolved> }
  | { readonly detailType: "FollowUp Scheduled"; readonly detail: Detail<typeof followUpScheduled> }
  | { readonly detailType: "FollowUp Completed"; readonly detail: Detail<typeof followUpCompleted> }
  | { readonly detailType: "Parcel Delivered"; readonly detail: Detail<typeof parcelDelivered> };

export async function countEvent(event: CountedEvent): Promise<string> {
  const outcome = (await countEvents([{ id: "event", event }])).get("event");
  if (outcome instanceof Error) throw outcome;
  return outcome ?? "no KPI fact";
}

/**
 * A batch of events at once (their facts counted together: kpi-store.ts `countFacts` writes
 * each aggregate item once for the batch): per event id, its outcome or the error that stopped
 * it (that event is retried).
 */
export async function countEvents(
  events: readonly { readonly id: string; readonly event: CountedEvent }[],
): Promise<Map<string, string | Error>> {
  const teams = await recentTeams();
  const outcomes = new Map<string, string | Error>();
  const factsByEvent = new Map<string, KpiFact[]>();
  for (const { id, event } of events) {
    try {
      factsByEvent.set(id, await factsOf(event, teams));
    } catch (error) {
      outcomes.set(id, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const counted = await countFacts([...factsByEvent.values()].flat(), clock.now());
  for (const [id, facts] of factsByEvent) {
    const failure = facts.map((f) => counted.get(f.id)).find((o) => o instanceof Error);
    if (failure) {
      outcomes.set(id, failure);
      continue;
    }
    let newly = 0;
    for (const fact of facts) {
      if (counted.get(fact.id) !== true) continue;
      newly++;
      for (const [counter, metric] of METRICS)
        if (fact.counts[counter]) metrics.addMetric(metric, "Count", fact.counts[counter]);
    }
    outcomes.set(
      id,
      facts.length === 0
        ? "no KPI fact"
        : `${newly} of ${facts.length} facts counted (${facts.map((f) => f.id).join(", ")})`,
    );
  }
  return outcomes;
}

/** The live CloudWatch metrics (README "Monitoring"): one per counter ops watch. */
const METRICS: readonly [KpiCounter, string][] = [
  ["opened", "KpiCasesOpened"],
  ["resolved", "KpiCasesResolved"],
  ["slaDue", "KpiSlaDue"],
  ["slaMet", "KpiSlaMet"],
  ["scored", "KpiFollowUpsScored"],
  ["satisfied", "KpiFollowUpsSatisfied"],
  ["complaints", "KpiComplaints"],
  ["delivered", "KpiParcelsDelivered"],
];

async function factsOf(event: CountedEvent, teams: readonly Team[]): Promise<KpiFact[]> {
  const zoneOf = (teamId: string | null) =>
    policyOf(teams.find((t) => t.teamId === teamId)).calendar.timeZone;
  switch (event.detailType) {
    case "Parcel Delivered":
      return [deliveredFact(event.detail, zoneOf(null))];
    case "Case Classified": {
      const c = await caseOf(event.detail.caseId);
      const team = teamForCategory(event.detail.category, teams)?.teamId ?? null;
      return [
        openedFact(
          c,
          { category: event.detail.category, feedbackType: event.detail.feedbackType, team },
          zoneOf(team),
        ),
      ];
    }
    case "Case Responded": {
      const { first, firstResponseMinutes, actor, team } = event.detail;
      if (!first || firstResponseMinutes === undefined) return [];
      const c = await caseOf(event.detail.caseId);
      return [firstResponseFact(c, { actor, minutes: firstResponseMinutes, team }, zoneOf(team))];
    }
    case "Case Resolved": {
      if ((event.detail.round ?? 1) !== 1) return []; // a case is resolved once for the rate
      const c = await caseOf(event.detail.caseId);
      return [resolvedFact(c, event.detail, zoneOf(event.detail.team))];
    }
    case "FollowUp Scheduled": {
      if (event.detail.attempt !== 1) return []; // a retry is the same customer
      const c = event.detail.caseId ? await getCase(event.detail.caseId) : undefined;
      return [followUpDueFact(event.detail, c, zoneOf(event.detail.team))];
    }
    case "FollowUp Completed": {
      const c = event.detail.caseId ? await getCase(event.detail.caseId) : undefined;
      return [followUpDoneFact(event.detail, c, zoneOf(event.detail.team))];
    }
  }
}

async function caseOf(caseId: string): Promise<Case> {
  const c = await getCase(caseId);
  if (!c) throw new Error(`Case ${caseId} not found (yet); retrying`);
  return c;
}
