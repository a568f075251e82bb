// Use case: a delivered parcel may be sampled for a satisfaction follow-up (../domain.md): VIP
// customers always, others by the delivery team's share, decided by the waybill's hash so that a
// replayed event decides the same. The sample is scheduled even when the waybill has a case:
// whether it is called is decided when it falls due (a waybill with a case gets that case's
// follow-up instead: dispatch-follow-ups.ts), so the delivery and the case may come in either
// order. Called by the follow-up team's pool.
import { createHash } from "node:crypto";
import { clock } from "#shared/adapters/clock.ts";
import { startFollowUp } from "#shared/adapters/follow-ups.ts";
import { recentTeams } from "#shared/adapters/org-store.ts";
import {
  deliveryFollowUpId,
  sampledForFollowUp,
  scheduleFollowUp,
} from "#shared/domain/follow-up.ts";
import type { UpstreamDetail } from "#shared/domain/open-case.ts";
import { deliveryFollowUpTeam, policyOf } from "#shared/domain/team-policy.ts";

export async function sampleDelivery(detail: UpstreamDetail, deliveredAt: string): Promise<string> {
  const team = deliveryFollowUpTeam(await recentTeams());
  const policy = policyOf(team);
  const { waybillNo, customer } = detail;
  if (!sampledForFollowUp(waybillNo, customer.tier, policy.followUp.deliverySampleShare, unitHash))
    return "not sampled";
  const fu = scheduleFollowUp(
    {
      followUpId: deliveryFollowUpId(waybillNo),
      kind: "delivery",
      caseId: null,
      waybillNo,
      round: 0,
      team: team?.teamId ?? null,
      assignee: null,
      customer,
      category: null,
      channel: null,
      priority: null,
      triggeredAt: deliveredAt,
    },
    policy.calendar,
    policy.followUp,
    clock.now(),
  );
  return `sampled: ${await startFollowUp(fu)}`;
}

/** The text's SHA-256 as a number in [0, 1). */
function unitHash(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;
}
