// Use case: follow-up steps saved but never announced (the API died between saving an outcome
// and publishing its event) are announced by the sweep, two minutes on: FollowUp Completed
// (which closes or reopens the case) or the next call's FollowUp Scheduled. Found through a
// sparse index of such steps (no Scan); each announcement is safe to repeat.
import { clearOutbox, unannouncedFollowUps } from "#shared/adapters/follow-up-store.ts";
import { announceStep } from "#shared/adapters/follow-ups.ts";

const PER_PAGE = 100;

export async function announceFollowUps(now: Date): Promise<string> {
  const left = await unannouncedFollowUps(now, PER_PAGE);
  for (const { followUp, outbox } of left) {
    await announceStep(followUp, outbox.result, outbox.at);
    await clearOutbox(followUp.followUpId, followUp.version);
  }
  return `${left.length} follow-up steps announced late`;
}
