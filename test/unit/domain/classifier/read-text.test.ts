// Reading the words alone: signals, stated goods values, script folding, and the shape of a
// reading for any text at all.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalize } from "#shared/domain/classifier/normalize.ts";
import { parseChineseNumber, readText, SIGNALS } from "#shared/domain/classifier/read-text.ts";

describe("normalize", () => {
  it("folds traditional to simplified, full-width to half-width, case and whitespace", () => {
    expect(normalize("派件員態度惡劣，還把包裹丟在門外")).toBe("派件员态度恶劣,还把包裹丢在门外");
    expect(normalize("ＡＢＣ　１２３？")).toBe("abc 123?");
    expect(normalize("  Tracking \n  NOT   updated ")).toBe("tracking not updated");
  });

  it("spells English n't as not, so rules are written once", () => {
    expect(normalize("It hasn’t arrived, I can't wait, it won't come")).toBe(
      "it has not arrived, i can not wait, it will not come",
    );
  });

  it("leaves simplified text as it is", () => {
    expect(normalize("什么时候到，我的快递在哪里")).toBe("什么时候到,我的快递在哪里");
  });
});

describe("signals", () => {
  it.each([
    ["我要投诉你们", ["complaint"]],
    ["东西坏了，要求赔偿", ["demand"]],
    ["给个说法", ["demand"]],
    ["I demand a refund", ["demand"]],
    ["I want to file a formal complaint", ["complaint"]],
    ["不解决我就打12305", ["outside-escalation"]],
    ["这是第三次了", ["stated-repeat"]],
    ["This is the second time I complain about this", ["complaint", "stated-repeat"]],
    ["我要投诉，要求赔偿，不然找律师，这已经是第二次了", [...SIGNALS]],
    ["包裹破损了", []],
  ])("%s → %j", (text, signals) => {
    expect(readText(text).signals).toEqual(signals);
  });

  it("reports the matched rule phrases", () => {
    expect(readText("快递丢了，我要投诉").matches).toEqual([
      { category: "loss", phrase: "丢了" },
      { category: "signal", phrase: "投诉", signal: "complaint" },
    ]);
  });
});

describe("a stated goods value", () => {
  it.each([
    ["价值6000元", 6000],
    ["货值1,200元", 1200],
    ["保价了800块", 800],
    ["价值五千元", 5000],
    ["这个东西值两千块", 2000],
    ["花了四千多买的", 4000],
    ["价值一万二", 12000],
    ["价值三千五百元", 3500],
    ["价值1.5万元", 15000],
    ["worth 1,200 yuan", 1200],
    ["declared value 1200 dollars", 8640],
    ["it cost me $450", 3240],
    ["價值三千元", 3000],
  ])("%s → %d CNY", (text, value) => {
    expect(readText(text).declaredValueCny).toBe(value);
  });

  it.each([
    "运费多收了十块钱",
    "保价费50元",
    "只赔了600块",
    "I paid 30 yuan for shipping",
    "订单是三件只收到两件",
    "12305",
  ])("is not read from %s", (text) => {
    expect(readText(text).declaredValueCny).toBeUndefined();
  });

  it("parses Chinese numerals", () => {
    expect(parseChineseNumber("五千")).toBe(5000);
    expect(parseChineseNumber("两千")).toBe(2000);
    expect(parseChineseNumber("十")).toBe(10);
    expect(parseChineseNumber("十五")).toBe(15);
    expect(parseChineseNumber("二十")).toBe(20);
    expect(parseChineseNumber("一千二百五十")).toBe(1250);
    expect(parseChineseNumber("两千零五")).toBe(2005);
    expect(parseChineseNumber("一万二")).toBe(12000);
    expect(parseChineseNumber("三千五")).toBe(3500);
    expect(parseChineseNumber("零")).toBeNull();
  });
});

describe("any text", () => {
  it("gives a well-formed reading and never throws", () => {
    const pieces = fc.constantFrom(
      "快递", "丢了", "没有", "破损", "，", "。", "还没到", "投诉", "not", "damaged", " ", "?",
      "價值", "五千", "元", "显示", "签收", "物流", "不", "…", "(", "|", "$", "1,200",
    ); // prettier-ignore
    const text = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 20 }).map((p) => p.join("")),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = readText(t);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        expect(r.signals).toEqual(SIGNALS.filter((s) => r.signals.includes(s)));
        if (r.category === null) expect(r.confidence).toBe(0);
        if (r.declaredValueCny !== undefined) expect(r.declaredValueCny).toBeGreaterThan(0);
      }),
    );
  });
});
