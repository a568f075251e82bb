// What the message classifier does with a customer's words and context, by the rules of
// ../../../../shared/domain.md ("Classification"): category, severity, priority, feedback type.
import { describe, expect, it } from "vitest";
import { classifyMessage } from "#shared/domain/classifier/index.ts";

const category = (text: string) => classifyMessage(text).category;

describe("the category of a message that names several problems", () => {
  it.each([
    ["包裹晚了两天，打开还发现杯子碎了", "damage"],
    ["箱子压坏了，而且少了一件", "loss"],
    ["快递员态度差，东西还晚到了三天", "delay"],
    ["物流一直不更新，快递员电话也不接", "information"],
    ["运费多收了，派件员还骂人", "attitude"],
    ["建议你们改进一下，这次运费收贵了", "price"],
    ["请问网点在哪？顺便建议增加周日营业", "suggestion"],
    ["退货前想问一下网点在哪里", "inquiry"],
    ["The parcel was late and two items were missing.", "loss"],
    ["The driver was rude and the box was crushed.", "damage"],
    ["快遞延誤了，派件員態度也很差", "delay"],
  ])("%s → %s", (text, expected) => {
    expect(category(text)).toBe(expected);
  });
});

describe("negation", () => {
  it.each([
    ["外包装没有破损，就是晚了一天", "delay"],
    ["东西没有任何损坏，只是派件员态度不好", "attitude"],
    ["包裹沒有損壞，但是延誤了三天", "delay"],
    ["東西並沒有遺失，只是物流一直沒更新", "information"],
    ["The box was not damaged, but it arrived two days late.", "delay"],
    ["Nothing was broken, but the courier was rude.", "attitude"],
    ["The parcel isn't lost, the tracking just hasn't been updated.", "information"],
  ])("a negated problem does not count: %s → %s", (text, expected) => {
    expect(category(text)).toBe(expected);
  });

  it("keeps phrases that contain their own negation", () => {
    expect(category("快递还没到")).toBe("delay");
    expect(category("物流三天没有更新")).toBe("information");
    expect(category("Tracking has not been updated since Monday")).toBe("information");
    expect(category("My parcel never arrived")).toBe("delay");
    expect(category("派件前不打电话")).toBe("attitude");
  });

  it("is not fooled by look-alike negators", () => {
    expect(category("快递员不小心把箱子摔坏了")).toBe("damage");
    expect(category("不仅晚到还把东西弄坏了")).toBe("damage");
    expect(category("帮我看看是不是丢了")).toBe("loss");
  });

  it("negates a complaint, so the message is only a question", () => {
    const c = classifyMessage("我不是要投诉，就想问下网点几点下班");
    expect(c).toMatchObject({ category: "inquiry", feedbackType: "other", severity: "minor" });
    expect(c.signals).not.toContain("complaint");
    expect(
      classifyMessage("Not complaining, just asking: do you deliver on Sundays?").signals,
    ).toEqual([]);
  });
});

describe("tracking data versus arrival time", () => {
  it("makes a stuck parcel with tracking words an information case", () => {
    expect(category("物流显示包裹停在转运中心三天了")).toBe("information");
    expect(category("Tracking shows it has been stuck in the depot since Monday")).toBe(
      "information",
    );
    expect(category("物流資訊一直卡在海關")).toBe("information");
  });

  it("makes it a delay when the arrival time is the complaint", () => {
    expect(category("物流停在转运中心三天了，承诺的时间早过了还没到")).toBe("delay");
    expect(
      category("Tracking has been stuck for days and it was supposed to arrive on Monday"),
    ).toBe("delay");
  });

  it("makes a stuck parcel without tracking words a delay", () => {
    expect(category("包裹一直停在网点不动")).toBe("delay");
  });

  it("makes a disputed signed/delivered status information, even with delay or loss words", () => {
    expect(category("显示已签收但我根本没收到，是不是丢了")).toBe("information");
    expect(category("顯示已簽收，可是我沒收到")).toBe("information");
    expect(category("Tracking says delivered but I never received it")).toBe("information");
  });

  it("keeps a parcel someone else took, or one that came in part, a loss despite the status", () => {
    expect(category("包裹被冒领了，我没签收")).toBe("loss");
    expect(category("顯示已簽收，但是包裹被別人拿走了")).toBe("loss");
    expect(category("One of my two boxes never showed up and tracking shows both delivered")).toBe(
      "loss",
    );
  });
});

describe("how customers put it", () => {
  it.each([
    ["快件在中转站压了一周还没出来，什么时候能送到？", "delay"],
    ["取件码发了但是柜子里没有我的包裹", "loss"],
    ["快递员让我加钱才肯送", "price"],
    ["客服一直推脱，问了三次都没人管", "attitude"],
    ["查詢顯示已派送，但是我一整天都在家沒人來", "information"],
    ["The tracking page has shown 'in transit' for two weeks.", "information"],
  ])("%s → %s", (text, expected) => {
    expect(category(text)).toBe(expected);
  });
});

describe("doorstep service", () => {
  it("makes a courier who will not bring it up an attitude case", () => {
    expect(category("快递小哥不送上楼，让我自己下楼拿")).toBe("attitude");
    expect(category("派件員不送上樓，叫我自己下樓取")).toBe("attitude");
  });
});

describe("a demand for an answer", () => {
  it("is a demand: a VIP's delay with it is severe, a complaint", () => {
    expect(
      classifyMessage("包裹超时未到，要求今天内给答复", { customerTier: "vip" }),
    ).toMatchObject({ category: "delay", severity: "severe", feedbackType: "complaint" });
    expect(classifyMessage("包裹超时未到", { customerTier: "vip" }).severity).toBe("general");
  });
});

describe("threats to take it outside the company", () => {
  it.each([
    "再不处理我就打12305投诉",
    "我要向12315反映",
    "我会去消协投诉你们",
    "我要向消费者协会投诉",
    "我要投诉到邮政管理局",
    "我会找邮政局",
    "我去市场监管局举报你们",
    "我要找媒体曝光你们",
    "我已经联系了记者",
    "我会请律师处理",
    "我要去法院起诉你们",
    "我會向消委會投訴",
    "I will report you to the postal regulator",
    "I'm contacting a lawyer",
    "See you in court",
    "I will sue your company",
    "I'll take this to the media",
    "I'm going to the newspaper with this",
  ])("%s → severe, complaint", (text) => {
    const c = classifyMessage(`快递晚了三天。${text}`);
    expect(c.signals).toContain("outside-escalation");
    expect(c).toMatchObject({ severity: "severe", priority: "urgent", feedbackType: "complaint" });
  });
});

describe("declared value", () => {
  const damaged = "外箱压坏了，里面的台灯也裂了";

  it("makes damage severe from 500 CNY in the context, general below", () => {
    expect(classifyMessage(damaged, { declaredValue: 499 }).severity).toBe("general");
    expect(classifyMessage(damaged, { declaredValue: 500 }).severity).toBe("severe");
  });

  it("reads the value from the text too, in all three scripts", () => {
    expect(classifyMessage("台灯摔坏了，价值499元").severity).toBe("general");
    expect(classifyMessage("台灯摔坏了，价值500元").severity).toBe("severe");
    expect(classifyMessage("檯燈摔壞了，價值五百元").severity).toBe("severe");
    expect(classifyMessage("The lamp arrived broken, it is worth 499 yuan.").severity).toBe(
      "general",
    );
    expect(classifyMessage("The lamp arrived broken, it is worth 500 yuan.").severity).toBe(
      "severe",
    );
  });

  it("converts US dollars and takes the larger of context and text", () => {
    const c = classifyMessage("Arrived with a cracked screen, declared value 100 dollars.", {
      declaredValue: 300,
    });
    expect(c.declaredValue).toBe(720);
    expect(c.severity).toBe("severe");
    expect(classifyMessage(damaged, { declaredValue: 800 }).declaredValue).toBe(800);
  });

  it("does not take a fee or a payout for the goods' value", () => {
    expect(classifyMessage("运费多收了600元").declaredValue).toBeUndefined();
    expect(classifyMessage("东西压坏了，只赔了600块").declaredValue).toBeUndefined();
  });
});

describe("VIP customers and repeat complaints", () => {
  const delay = "这次的件又晚了两天";

  it("makes a VIP's complaint or demand severe", () => {
    const vip = { customerTier: "vip" as const };
    expect(classifyMessage(`${delay}，我要投诉`, vip)).toMatchObject({
      severity: "severe",
      priority: "urgent",
      feedbackType: "complaint",
    });
    expect(classifyMessage(`${delay}，请给个说法`, vip).severity).toBe("severe");
  });

  it("keeps a VIP's message without a complaint or demand as the category says", () => {
    expect(classifyMessage(delay, { customerTier: "vip" })).toMatchObject({
      severity: "general",
      priority: "high",
      feedbackType: "service",
    });
    expect(classifyMessage("请问我的快递到哪了", { customerTier: "vip" }).severity).toBe("minor");
  });

  it("makes a repeat complaint severe and urgent", () => {
    expect(classifyMessage(delay, { repeat: true })).toMatchObject({
      severity: "severe",
      priority: "urgent",
    });
    expect(classifyMessage(delay).severity).toBe("general");
  });

  it("takes a complaint the customer says is made again as a repeat complaint", () => {
    const c = classifyMessage("这已经是我第三次投诉了，快递还是没到");
    expect(c.signals).toEqual(["complaint", "stated-repeat"]);
    expect(c.severity).toBe("severe");
  });
});

describe("feedback type", () => {
  it.each([
    ["包裹破损了", "quality"],
    ["包裹破损了，我要投诉", "quality"],
    ["快递丢了", "quality"],
    ["快递晚了三天，我要投诉", "complaint"],
    ["运费多收了，要求退款", "complaint"],
    ["快递晚了三天", "service"],
    ["快递员态度很差", "service"],
    ["物流一直不更新", "service"],
    ["运费太贵了", "service"],
    ["建议增加周末派送", "suggestion"],
    ["请问网点几点关门", "other"],
    ["我要退货", "other"],
  ])("%s → %s", (text, expected) => {
    expect(classifyMessage(text).feedbackType).toBe(expected);
  });
});

describe("severity and priority by category", () => {
  it.each([
    ["快递丢了", "severe", "urgent"],
    ["包裹破损了", "general", "urgent"],
    ["快递晚了三天", "general", "high"],
    ["快递员态度很差", "general", "high"],
    ["建议增加周末派送", "minor", "high"],
    ["请问网点几点关门", "minor", "routine"],
    ["我要退货", "minor", "routine"],
  ])("%s → %s, %s", (text, severity, priority) => {
    expect(classifyMessage(text)).toMatchObject({ severity, priority });
  });
});

describe("scripts", () => {
  it.each([
    ["派件员态度恶劣，还把包裹丢在门外", "派件員態度惡劣，還把包裹丟在門外"],
    ["显示已签收但我没收到", "顯示已簽收但我沒收到"],
    ["包裹延误了一周，请尽快处理", "包裹延誤了一週，請盡快處理"],
    ["价值三千元的电锅压坏了，要求赔偿", "價值三千元的電鍋壓壞了，要求賠償"],
    ["建议增加超商取货", "建議增加超商取貨"],
  ])("gives the same result in simplified and traditional: %s", (simplified, traditional) => {
    expect(classifyMessage(traditional)).toEqual(classifyMessage(simplified));
  });

  it("folds full-width letters and digits", () => {
    expect(
      classifyMessage("Ｔｈｅ　ｂｏｘ　ｗａｓ　ｃｒｕｓｈｅｄ，ｗｏｒｔｈ　６００　ｙｕａｎ"),
    ).toMatchObject({
      category: "damage",
      severity: "severe",
    });
  });
});

describe("confidence and unknown text", () => {
  it("is within 0..1", () => {
    for (const text of [
      "快递丢了",
      "",
      "？",
      "hello",
      "包裹晚了，箱子压坏了，少了一件，态度差，运费贵",
    ]) {
      const { confidence } = classifyMessage(text);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });

  it("is lower for weak or competing evidence than for one clear problem", () => {
    const clear = classifyMessage("包裹破损了，杯子碎了").confidence;
    expect(classifyMessage("能不能在这里显示？").confidence).toBeLessThan(clear);
    expect(classifyMessage("包裹晚了三天，箱子也压坏了，快递员还骂人").confidence).toBeLessThan(
      clear,
    );
  });

  it("makes text without category words other and minor, with a low confidence", () => {
    for (const text of ["嗯嗯，收到", "好的", "asdf qwer", ""]) {
      const c = classifyMessage(text);
      expect(c).toMatchObject({ category: "other", severity: "minor", priority: "routine" });
      expect(c.confidence).toBeLessThan(0.3);
    }
  });

  it("explains itself with the matched rule phrases, not the customer's text", () => {
    const c = classifyMessage("我的手机13812345678，快递丢了，我要投诉");
    expect(c.reasons.join("; ")).toMatch(/"丢了" → loss/);
    expect(c.reasons.join("; ")).toMatch(/"投诉" → complaint/);
    expect(c.reasons.join("; ")).not.toMatch(/138/);
  });
});
