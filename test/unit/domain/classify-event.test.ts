// Cases opened from delivery events get their category, severity, priority and feedback type
// by the rules of ../domain.md ("Classification").
import { describe, expect, it } from "vitest";
import { categoryForEvent, classifyEventCase } from "#shared/domain/classify-event.ts";

describe("which events open which case", () => {
  it.each([
    ["Parcel Delayed", undefined, "delay"],
    ["Parcel Damaged", undefined, "damage"],
    ["Parcel Lost", undefined, "loss"],
    ["Delivery Attempt Failed", 2, "delay"],
    ["Delivery Attempt Failed", 5, "delay"],
  ])("%s (attempt %s) opens a %s case", (detailType, attempt, category) => {
    expect(categoryForEvent(detailType, attempt)).toBe(category);
  });

  it("opens nothing for a first failed attempt, a delivery, or an unknown event", () => {
    expect(categoryForEvent("Delivery Attempt Failed", 1)).toBeNull();
    expect(categoryForEvent("Parcel Delivered")).toBeNull();
    expect(categoryForEvent("Parcel Teleported")).toBeNull();
  });
});

describe("severity and priority", () => {
  const regular = { customerTier: "regular" as const };

  it("makes every loss severe and urgent, with feedback type quality", () => {
    expect(classifyEventCase({ category: "loss", ...regular })).toMatchObject({
      severity: "severe",
      priority: "urgent",
      feedbackType: "quality",
    });
  });

  it("makes damage severe from 500 CNY declared value, general below, urgent either way", () => {
    expect(classifyEventCase({ category: "damage", ...regular, declaredValue: 500 })).toMatchObject(
      {
        severity: "severe",
        priority: "urgent",
      },
    );
    expect(
      classifyEventCase({ category: "damage", ...regular, declaredValue: 499.99 }),
    ).toMatchObject({
      severity: "general",
      priority: "urgent",
      feedbackType: "quality",
    });
    expect(classifyEventCase({ category: "damage", ...regular })).toMatchObject({
      severity: "general",
    });
  });

  it("takes the severe threshold from the policy", () => {
    const policy = { severeDeclaredValueCny: 1000 };
    expect(
      classifyEventCase({ category: "damage", ...regular, declaredValue: 800 }, policy).severity,
    ).toBe("general");
  });

  it("makes a regular customer's delay general and high, with feedback type service", () => {
    expect(classifyEventCase({ category: "delay", ...regular })).toMatchObject({
      severity: "general",
      priority: "high",
      feedbackType: "service",
    });
  });

  it("makes a VIP customer's delay severe and urgent", () => {
    expect(classifyEventCase({ category: "delay", customerTier: "vip" })).toMatchObject({
      severity: "severe",
      priority: "urgent",
    });
  });

  it("explains itself", () => {
    const { reasons } = classifyEventCase({ category: "damage", ...regular, declaredValue: 800 });
    expect(reasons.join("; ")).toMatch(/800 CNY ≥ 500 → severe/);
  });
});
