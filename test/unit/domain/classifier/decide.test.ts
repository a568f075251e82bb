// Deciding severity, priority and feedback type from a category, signals and context — for
// messages (decide) and for event-opened cases (classifyEventCase, a delivery exception).
import { describe, expect, it } from "vitest";
import type { Category } from "#shared/domain/case.ts";
import { decide } from "#shared/domain/classifier/decide.ts";
import type { Signal } from "#shared/domain/classifier/read-text.ts";
import { classifyEventCase } from "#shared/domain/classify-event.ts";

const regular = { customerTier: "regular" as const };
const d = (category: Category, signals: Signal[] = [], extra = {}) =>
  decide({ category, signals, ...regular, ...extra });

describe("decide", () => {
  it.each([
    ["loss", "severe", "urgent", "quality"],
    ["damage", "general", "urgent", "quality"],
    ["delay", "general", "high", "service"],
    ["attitude", "general", "high", "service"],
    ["information", "general", "high", "service"],
    ["price", "general", "high", "service"],
    ["suggestion", "minor", "high", "suggestion"],
    ["inquiry", "minor", "routine", "other"],
    ["other", "minor", "routine", "other"],
  ] as const)("a plain %s is %s, %s, %s", (category, severity, priority, feedbackType) => {
    expect(d(category)).toMatchObject({ category, severity, priority, feedbackType });
  });

  it("makes a stated complaint or demand a complaint, except for damage and loss", () => {
    for (const s of ["complaint", "demand", "outside-escalation"] as const) {
      expect(d("delay", [s]).feedbackType).toBe("complaint");
      expect(d("suggestion", [s]).feedbackType).toBe("complaint");
      expect(d("damage", [s]).feedbackType).toBe("quality");
      expect(d("loss", [s]).feedbackType).toBe("quality");
    }
    expect(d("delay", ["stated-repeat"]).feedbackType).toBe("service");
  });

  it("takes an agent's corrected severity over the rules, and derives the priority from it", () => {
    expect(d("loss", [], { correctedSeverity: "general" })).toMatchObject({
      severity: "general",
      priority: "urgent", // loss is always urgent
    });
    expect(d("delay", ["outside-escalation"], { correctedSeverity: "minor" })).toMatchObject({
      severity: "minor",
      priority: "high",
    });
    expect(d("price", [], { correctedSeverity: "severe" })).toMatchObject({
      severity: "severe",
      priority: "urgent",
    });
  });

  it("makes a complaint about an inquiry or other matter general and high, not minor", () => {
    expect(d("other", ["complaint"])).toMatchObject({ severity: "general", priority: "high" });
  });

  it("makes damage severe at the policy's threshold", () => {
    expect(d("damage", [], { declaredValue: 500 }).severity).toBe("severe");
    expect(d("damage", [], { declaredValue: 499.99 }).severity).toBe("general");
    expect(
      decide(
        { category: "damage", signals: [], ...regular, declaredValue: 800 },
        { severeDeclaredValueCny: 1000 },
      ).severity,
    ).toBe("general");
    expect(d("delay", [], { declaredValue: 5000 }).severity).toBe("general");
  });

  it.each([
    ["an outside threat", ["outside-escalation"], {}],
    ["a repeat complaint", [], { repeat: true }],
    ["a complaint stated as made again", ["complaint", "stated-repeat"], {}],
    ["a VIP's complaint", ["complaint"], { customerTier: "vip" }],
    ["a VIP's demand", ["demand"], { customerTier: "vip" }],
    ["a VIP's delivery exception", [], { customerTier: "vip", deliveryException: true }],
  ] as const)("makes %s severe and urgent", (_, signals, extra) => {
    expect(d("price", [...signals], extra)).toMatchObject({
      severity: "severe",
      priority: "urgent",
    });
  });

  it("does not make a VIP's plain message, or a regular customer's exception, severe", () => {
    expect(d("delay", [], { customerTier: "vip" }).severity).toBe("general");
    expect(d("inquiry", [], { customerTier: "vip" }).severity).toBe("minor");
    expect(d("delay", [], { deliveryException: true }).severity).toBe("general");
    expect(d("delay", ["stated-repeat"]).severity).toBe("general");
  });

  it("explains itself", () => {
    expect(d("other", ["outside-escalation"]).reasons).toEqual([
      "complaint or demand stated → feedback type complaint",
      "threat to take it outside the company → severe",
      "severe → urgent",
    ]);
  });
});

describe("classifyEventCase, the wrapper for event-opened cases", () => {
  it("decides an event as a delivery exception: a VIP's delay is severe", () => {
    expect(classifyEventCase({ category: "delay", customerTier: "vip" })).toMatchObject({
      severity: "severe",
      priority: "urgent",
      feedbackType: "service",
      reasons: ["VIP customer, delivery exception → severe", "severe → urgent"],
    });
  });

  it("takes signals of an attached message and the repeat flag", () => {
    expect(
      classifyEventCase({ category: "delay", ...regular, signals: ["complaint"] }),
    ).toMatchObject({
      severity: "general",
      feedbackType: "complaint",
    });
    expect(
      classifyEventCase({ category: "delay", ...regular, signals: ["outside-escalation"] })
        .severity,
    ).toBe("severe");
    expect(classifyEventCase({ category: "delay", ...regular, repeat: true }).severity).toBe(
      "severe",
    );
  });

  it("makes an `other` case routine, as domain.md says", () => {
    expect(classifyEventCase({ category: "other", ...regular })).toMatchObject({
      severity: "minor",
      priority: "routine",
    });
  });
});
