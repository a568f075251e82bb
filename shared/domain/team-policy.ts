// The rules a case is measured by come from the team that owns its category: the team's
// business calendar and its SLA targets, the domain defaults where the team says nothing.
import { type Team, teamForCategory } from "./assignment.ts";
import type { BusinessCalendar } from "./business-time.ts";
import { calendarOf } from "./calendar-spec.ts";
import type { Category } from "./case.ts";
import { type FollowUpPolicy, followUpPolicyWith } from "./follow-up.ts";
import { type SlaPolicy, slaPolicyWith } from "./sla.ts";

export interface TeamPolicy {
  /** The team owning the category, if any. */
  readonly team: Team | undefined;
  readonly calendar: BusinessCalendar;
  readonly sla: SlaPolicy;
  readonly followUp: FollowUpPolicy;
}

export function teamPolicy(category: Category, teams: readonly Team[]): TeamPolicy {
  const team = teamForCategory(category, teams);
  return policyOf(team);
}

/** The rules of a team (the defaults for none). */
export function policyOf(team: Team | undefined): TeamPolicy {
  return {
    team,
    calendar: calendarOf(team?.calendar),
    sla: slaPolicyWith(team?.sla),
    followUp: followUpPolicyWith(team?.followUp),
  };
}

/**
 * The team that calls sampled delivered parcels (its follow-up pool): the one whose record says
 * `followUp.samplesDeliveries`, else the team owning inquiries.
 */
export function deliveryFollowUpTeam(teams: readonly Team[]): Team | undefined {
  return (
    teams.find((t) => t.followUp?.samplesDeliveries === true) ?? teamForCategory("inquiry", teams)
  );
}
