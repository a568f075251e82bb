// A customer's message becomes a case; a complaint soon after a resolution is a repeat.
import { describe, expect, it } from "vitest";
import { acceptanceOf, type Case } from "#shared/domain/case.ts";
import type { MessageClassification } from "#shared/domain/classifier/index.ts";
import {
  type CustomerMessage,
  caseFromMessage,
  isComplaint,
  repeatedCase,
} from "#shared/domain/feedback-case.ts";

const now = new Date("2026-12-01T02:00:00Z");
const message: CustomerMessage = {
  messageId: "msg-1",
  channel: "phone",
  text: "包裹外箱压坏了，价值800元",
  waybillNo: "SF1234567891",
  customer: { id: "cust-1", name: "Li Lei", phone: "13812345678", tier: "regular" },
  receivedAt: new Date("2026-12-01T01:59:59.750Z"),
};
const reading = (over: Partial<MessageClassification> = {}): MessageClassification =>
  ({
    category: "damage",
    severity: "severe",
    priority: "urgent",
    feedbackType: "quality",
    confidence: 0.9,
    reasons: [],
    signals: [],
    declaredValue: 800,
    ...over,
  }) as MessageClassification;

describe("caseFromMessage", () => {
  it("opens a feedback case with the words, their signals and the acceptance time", () => {
    const c = caseFromMessage(message, reading({ signals: ["demand"] }), null, now);
    expect(c).toMatchObject({
      status: "new",
      source: "feedback",
      channel: "phone",
      category: "damage",
      waybillNo: "SF1234567891",
      text: message.text,
      textSignals: ["demand"],
      facts: { declaredValue: 800 },
      confidence: 0.9,
      repeatOf: null,
      trigger: { detailType: "Customer Message", eventId: "msg-1" },
      acceptance: { seconds: 0.25 },
    });
  });

  it("gives the same message the same case id (a client's retry opens nothing new)", () => {
    const later = new Date(now.getTime() + 5000);
    expect(caseFromMessage(message, reading(), null, later).caseId).toBe(
      caseFromMessage(message, reading(), null, now).caseId,
    );
    expect(
      caseFromMessage({ ...message, messageId: "msg-2" }, reading(), null, now).caseId,
    ).not.toBe(caseFromMessage(message, reading(), null, now).caseId);
  });
});

describe("repeat complaints", () => {
  const earlier = (over: Partial<Case>): Case =>
    ({
      caseId: "CS-EARLIER",
      status: "resolved",
      customer: { id: "cust-1", name: null, phone: null, tier: "regular" },
      resolvedAt: "2026-11-20T02:00:00.000Z",
      ...over,
    }) as Case;

  it("repeats the same customer's case resolved within 30 days, the latest one", () => {
    const older = earlier({ caseId: "CS-OLDER", resolvedAt: "2026-11-05T00:00:00.000Z" });
    const newer = earlier({ caseId: "CS-NEWER", resolvedAt: "2026-11-25T00:00:00.000Z" });
    expect(repeatedCase("cust-1", [older, newer], now)?.caseId).toBe("CS-NEWER");
    expect(repeatedCase("cust-1", [earlier({ status: "closed" })], now)?.caseId).toBe("CS-EARLIER");
  });

  it("does not repeat an open case, another customer's, or one resolved over 30 days ago", () => {
    expect(repeatedCase("cust-1", [earlier({ status: "assigned" })], now)).toBeNull();
    expect(repeatedCase("cust-2", [earlier({})], now)).toBeNull();
    expect(
      repeatedCase("cust-1", [earlier({ resolvedAt: "2026-11-01T01:59:59.000Z" })], now),
    ).toBeNull();
    expect(
      repeatedCase("cust-1", [earlier({ resolvedAt: "2026-11-01T02:00:00.000Z" })], now),
    ).not.toBeNull();
    expect(repeatedCase("cust-1", [earlier({ resolvedAt: null })], now)).toBeNull();
  });

  it("counts a message naming a problem, or stating a complaint, as a complaint", () => {
    expect(isComplaint(reading({ category: "delay", feedbackType: "service" }))).toBe(true);
    expect(isComplaint(reading({ category: "inquiry", feedbackType: "other" }))).toBe(false);
    expect(isComplaint(reading({ category: "inquiry", feedbackType: "complaint" }))).toBe(true);
    expect(isComplaint(reading({ category: "suggestion", feedbackType: "suggestion" }))).toBe(
      false,
    );
  });
});

describe("acceptance time", () => {
  it("is the seconds from receipt to the case number, never negative", () => {
    expect(acceptanceOf(new Date(0), new Date(1500)).seconds).toBe(1.5);
    expect(acceptanceOf(new Date(2000), new Date(1000)).seconds).toBe(0);
  });
});
