// What each event contributes to the KPIs (../domain.md "KPIs"): a fact is one counted thing —
// a case opened, its first response, its first resolution, a follow-up due or completed, a
// delivered parcel — with a stable id (so a replayed event is recognised and counted once),
// the business day it falls on (in the team's time zone) and the groups it counts in. A case's
// facts count on the day it opened (its first response and resolution too, so the day's
// resolution rate and SLA attainment are of the cases opened that day); a follow-up's on the
// day of its trigger; a delivery's on the day it was delivered. The
// aggregator (functions/kpis) sums facts per day and group; kpis.ts turns sums into KPIs.
// Pure: the adapter passes in what the event does not carry (the case as stored, the team).
import type { Case, Category, Channel } from "./case.ts";
import { businessDayOf, type KpiCounter, type KpiHistogramName } from "./kpis.ts";

/** The groupings of the KPI API (`groupBy`), plus `all`. */
export const KPI_GROUPS = [
  "team",
  "category",
  "channel",
  "agent",
  "outlet",
  "courier",
  "region",
] as const;
export type KpiGroup = (typeof KPI_GROUPS)[number];

export type KpiDimensions = Readonly<Partial<Record<KpiGroup, string>>>;

export interface KpiFact {
  /** Stable across replays: `<what>#<subject>`. */
  readonly id: string;
  /** Business day (YYYY-MM-DD) in the team's time zone. */
  readonly day: string;
  readonly dims: KpiDimensions;
  readonly counts: Readonly<Partial<Record<KpiCounter, number>>>;
  /** One sample per histogram it adds to. */
  readonly samples: Readonly<Partial<Record<KpiHistogramName, number>>>;
}

/** Where a case happened and who had it: the groups its facts count in. */
export function caseDimensions(
  c: Pick<Case, "team" | "category" | "channel" | "assignee" | "facts">,
  overrides: { team?: string | null; agent?: string | null; category?: Category } = {},
): KpiDimensions {
  const team = overrides.team !== undefined ? overrides.team : c.team;
  const agent = overrides.agent !== undefined ? overrides.agent : c.assignee;
  return compact({
    team,
    category: overrides.category ?? c.category,
    channel: c.channel,
    agent,
    outlet: c.facts.outletId,
    courier: c.facts.courierId,
    region: c.facts.region,
  });
}

/**
 * A case opened (counted when it is first classified: then its category, feedback type and
 * team are known): cases opened, complaints, repeat complaints, damage, loss, suggestions, and
 * the acceptance time.
 */
export function openedFact(
  c: Case,
  classified: { category: Category; feedbackType: string; team: string | null },
  timeZone: string,
): KpiFact {
  // A complaint is a customer's: a message about a problem (a stated complaint, or a quality
  // problem such as a late or damaged parcel). Exceptions the order systems report are counted
  // by their own rates (damage, loss) but are not complaints: nobody complained.
  const complaint =
    c.source === "feedback" &&
    (classified.feedbackType === "complaint" || classified.feedbackType === "quality");
  return {
    id: `opened#${c.caseId}`,
    day: businessDayOf(c.createdAt, timeZone),
    dims: caseDimensions(c, { team: classified.team, category: classified.category, agent: null }),
    counts: nonZero({
      opened: 1,
      complaints: complaint ? 1 : 0,
      repeatComplaints: complaint && c.repeatOf ? 1 : 0,
      damage: classified.category === "damage" ? 1 : 0,
      loss: classified.category === "loss" ? 1 : 0,
      suggestions: classified.feedbackType === "suggestion" ? 1 : 0,
    }),
    samples: c.acceptance ? { acceptanceSeconds: c.acceptance.seconds } : {},
  };
}

/** A case's first response by an agent: the first-response time. */
export function firstResponseFact(
  c: Case,
  response: { actor: string; minutes: number; team: string | null },
  timeZone: string,
): KpiFact {
  return {
    id: `first-response#${c.caseId}`,
    day: businessDayOf(c.createdAt, timeZone),
    dims: caseDimensions(c, { team: response.team, agent: response.actor }),
    counts: { firstResponses: 1 },
    samples: { firstResponseMinutes: response.minutes },
  };
}

/**
 * A case's first resolution: resolved, and whether it met its SLA (first response and
 * resolution on time: `sla.breached` never set).
 */
export function resolvedFact(
  c: Case,
  resolved: {
    team: string | null;
    assignee: string | null;
    category: Category;
    withinSla: boolean;
  },
  timeZone: string,
): KpiFact {
  const met = resolved.withinSla && !c.sla.breached;
  return {
    id: `resolved#${c.caseId}`,
    day: businessDayOf(c.createdAt, timeZone),
    dims: caseDimensions(c, {
      team: resolved.team,
      agent: resolved.assignee,
      category: resolved.category,
    }),
    counts: nonZero({ resolved: 1, slaDue: 1, slaMet: met ? 1 : 0 }),
    samples: {},
  };
}

/** The subject of a follow-up event, as its events carry it. */
export interface FollowUpSubject {
  readonly followUpId: string;
  readonly kind: "case" | "delivery";
  readonly team: string | null;
  readonly assignee: string | null;
  readonly category: Category | null;
  readonly channel: Channel | null;
}

/** Where the follow-up counts: its team, agent, category, channel and the case's place. */
function followUpDimensions(fu: FollowUpSubject, c: Case | undefined): KpiDimensions {
  return compact({
    team: fu.team,
    category: fu.category,
    channel: fu.channel,
    agent: fu.assignee,
    outlet: c?.facts.outletId,
    courier: c?.facts.courierId,
    region: c?.facts.region,
  });
}

/** A customer due a follow-up (its first call scheduled): the coverage's denominator. */
export function followUpDueFact(
  fu: FollowUpSubject & { triggeredAt: string },
  c: Case | undefined,
  timeZone: string,
): KpiFact {
  return {
    id: `follow-up-due#${fu.followUpId}`,
    day: businessDayOf(fu.triggeredAt, timeZone),
    dims: followUpDimensions(fu, c),
    counts: { followUpsDue: 1 },
    samples: {},
  };
}

export interface FollowUpResult extends FollowUpSubject {
  readonly reached: boolean;
  readonly result: "satisfied" | "dissatisfied" | "unreachable";
  readonly satisfaction: number | null;
  readonly nps: number | null;
  readonly resolved: boolean | null;
  readonly suggestionAdopted: boolean | null;
  readonly firstFollowUp: boolean;
  readonly withinWindow: boolean;
  readonly hoursFromTrigger: number;
  readonly triggeredAt: string;
}

/**
 * A follow-up ended: followed up (reached) or unreachable; on time; its score and NPS; a case
 * confirmed solved at its first follow-up; a suggestion adopted. Counted on the day of its
 * trigger, like its `followUpsDue`, so coverage and timeliness compare the same customers.
 */
export function followUpDoneFact(
  fu: FollowUpResult,
  c: Case | undefined,
  timeZone: string,
): KpiFact {
  const reached = fu.reached;
  const score = reached ? fu.satisfaction : null;
  const nps = reached ? fu.nps : null;
  const first = reached && fu.kind === "case" && fu.firstFollowUp;
  return {
    id: `follow-up-done#${fu.followUpId}`,
    day: businessDayOf(fu.triggeredAt, timeZone),
    dims: followUpDimensions(fu, c),
    counts: nonZero({
      followedUp: reached ? 1 : 0,
      followUpsUnreachable: reached ? 0 : 1,
      followUpsOnTime: reached && fu.withinWindow ? 1 : 0,
      scored: score !== null ? 1 : 0,
      satisfied: score !== null && score >= 4 ? 1 : 0,
      satisfactionSum: score ?? 0,
      npsAnswers: nps !== null ? 1 : 0,
      promoters: nps !== null && nps >= 9 ? 1 : 0,
      detractors: nps !== null && nps <= 6 ? 1 : 0,
      firstFollowUps: first ? 1 : 0,
      // Confirmed at the first call: solved and satisfied (the follow-up closed the case).
      firstFollowUpResolved: first && fu.result === "satisfied" ? 1 : 0,
      suggestionsAdopted: reached && fu.suggestionAdopted === true ? 1 : 0,
    }),
    samples: reached ? { followUpHours: fu.hoursFromTrigger } : {},
  };
}

/** A delivered parcel: the denominator of the complaint, damage and loss rates. */
export function deliveredFact(
  delivery: {
    waybillNo: string;
    deliveredAt: string;
    outletId?: string;
    courierId?: string;
    region?: string;
  },
  timeZone: string,
): KpiFact {
  return {
    id: `delivered#${delivery.waybillNo.toUpperCase()}`,
    day: businessDayOf(delivery.deliveredAt, timeZone),
    dims: compact({
      outlet: delivery.outletId,
      courier: delivery.courierId,
      region: delivery.region,
    }),
    counts: { delivered: 1 },
    samples: {},
  };
}

/** The group keys a fact counts in: `all`, and one per dimension it has. */
export function groupKeysOf(fact: KpiFact): { group: "all" | KpiGroup; key: string }[] {
  return [
    { group: "all", key: "all" },
    ...KPI_GROUPS.filter((g) => fact.dims[g] !== undefined).map((group) => ({
      group,
      key: fact.dims[group] as string,
    })),
  ];
}

function compact(dims: Record<string, string | null | undefined>): KpiDimensions {
  return Object.fromEntries(
    Object.entries(dims).filter((entry): entry is [string, string] => !!entry[1]),
  );
}

function nonZero(counts: Partial<Record<KpiCounter, number>>): Partial<Record<KpiCounter, number>> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}
