// The rules a case is measured by come from the team that owns its category: the team's
// business calendar and its SLA targets, the domain defaults where the team says nothing.
import { type Team, teamForCategory } from "./assignment.ts";
import type { BusinessCalendar } from "./business-time.ts";
import { calendarOf } from "./calendar-spec.ts";
import type { Category } from "./case.ts";
import { type SlaPolicy, slaPolicyWith } from "./sla.ts";

export interface TeamPolicy {
  /** The team owning the category, if any. */
  readonly team: Team | undefined;
  readonly calendar: BusinessCalendar;
  readonly sla: SlaPolicy;
}

export function teamPolicy(category: Category, teams: readonly Team[]): TeamPolicy {
  const team = teamForCategory(category, teams);
  return { team, calendar: calendarOf(team?.calendar), sla: slaPolicyWith(team?.sla) };
}
