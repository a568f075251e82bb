// Free text is masked for the API's readers (functions/api/privacy.ts): what it recognises and
// masks — phone numbers, ID and bank cards, e-mail addresses, street addresses, the customer's
// own name and number — and what it leaves alone: waybills, order numbers, dates, times, money.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MASKED, maskFreeText, maskTextFields } from "#shared/domain/masking.ts";

const mask = (text: string, masking = {}) => maskFreeText(text, masking);

describe("phone numbers", () => {
  it.each([
    ["13812345678", "138****5678"],
    ["电话13812345678请回电", "电话138****5678请回电"],
    ["138 1234 5678", "138 **** 5678"],
    ["138-1234-5678", "138-****-5678"],
    ["+86 138 1234 5678", "+86 138 **** 5678"],
    ["+8613812345678", "+86138****5678"],
    ["8613812345678", "86138****5678"],
    ["0086-13812345678", "0086-138****5678"],
    ["(+86) 13812345678", "(+86) 138****5678"],
    ["手机：１３８１２３４５６７８。", "手机：138****5678。"],
    ["call me on 19912345678.", "call me on 199****5678."],
  ])("masks the mobile number in %s", (text, masked) => {
    expect(mask(text)).toBe(masked);
  });

  it.each([
    ["座机 010-62345678", "座机 010-****5678"],
    ["(021) 6234 5678", "(021) **** 5678"],
    ["0755-86013388转123", "0755-****3388转123"],
    ["02162345678", "021****5678"],
    ["电话 62345678", "电话 ****5678"],
    ["tel: 6234567", "tel: ***4567"],
    ["+44 20 7946 0958", "+44 ** **** 0958"],
    ["+1 415 555 0100", "+1 *** *** 0100"],
  ])("masks the landline or international number in %s", (text, masked) => {
    expect(mask(text)).toBe(masked);
  });

  it("masks the customer's own number in whatever format it is written", () => {
    expect(mask("ring 442079460958 or 44-2079-460958", { phones: ["+44 20 7946 0958"] })).toBe(
      "ring ********0958 or **-****-**0958",
    );
  });

  it("never shows the middle four digits of a mobile number, whatever is around it", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.constantFrom("", "+86 ", "86", "0086-", "(+86)"),
        fc.constantFrom("", " ", "-"),
        fc.constantFrom("", "电话", "客户说", "call ", "，", "："),
        fc.constantFrom("", "。", " please", "请回电", "！"),
        (phone, prefix, sep, before, after) => {
          const written = `${phone.slice(0, 3)}${sep}${phone.slice(3, 7)}${sep}${phone.slice(7)}`;
          const masked = mask(`${before}${prefix}${written}${after}`);
          expect(masked).toBe(
            `${before}${prefix}${phone.slice(0, 3)}${sep}****${sep}${phone.slice(7)}${after}`,
          );
        },
      ),
    );
  });
});

describe("ID and bank cards", () => {
  it.each([
    ["身份证 110101199003071234 已提供", "身份证 **************1234 已提供"],
    ["身份证号：11010519491231002X", "身份证号：**************002X"],
    ["id 11010519491231002x.", "id **************002x."],
    ["110105 19491231 002X", "****** ******** 002X"],
    ["旧身份证110105491231002", "旧身份证***********1002"],
    ["卡号 6222021234567890123", "卡号 ***************0123"],
    ["card 6222 0212 3456 7890", "card **** **** **** 7890"],
    ["4111-1111-1111-1111", "****-****-****-1111"],
  ])("masks %s", (text, masked) => {
    expect(mask(text)).toBe(masked);
  });

  it("never shows a resident ID number's birth date or sequence", () => {
    const id = fc
      .record({
        area: fc.integer({ min: 110000, max: 659999 }),
        year: fc.integer({ min: 1930, max: 2025 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        sequence: fc.integer({ min: 0, max: 999 }),
        check: fc.constantFrom(..."0123456789X"),
      })
      .map(
        (r) =>
          `${r.area}${r.year}${String(r.month).padStart(2, "0")}${String(r.day).padStart(2, "0")}${String(r.sequence).padStart(3, "0")}${r.check}`,
      );
    fc.assert(
      fc.property(id, fc.constantFrom("", "身份证", "ID: ", "证件号码是"), (number, before) => {
        const masked = mask(`${before}${number}，已核实`);
        expect(masked).not.toContain(number.slice(0, 14));
        expect(masked).toContain(number.slice(6, 14).replace(/./g, "*"));
      }),
    );
  });
});

describe("e-mail addresses and messenger ids", () => {
  it.each([
    ["mail li.lei@example.com, thanks", "mail l***@example.com, thanks"],
    ["邮箱：zhang_san+test@mail.qq.com。", "邮箱：z***@mail.qq.com。"],
    ["QQ 123456789", "QQ 1********"],
    ["微信：wxid_abc123", "微信：w**********"],
    ["加我微信号lilei2026", "加我微信号l********"],
  ])("masks %s", (text, masked) => {
    expect(mask(text)).toBe(masked);
  });
});

describe("addresses", () => {
  it.each([
    ["我住在上海市浦东新区张江路123号5栋201室，电话", "我住在上海市浦东新区***，电话"],
    ["寄到北京市朝阳区建国路88号SOHO现代城A座1201", "寄到北京市朝阳区***"],
    ["地址：广东省深圳市南山区科技园南区8栋", "地址：广东省深圳市南山区科技园南区***"],
    ["浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区***"],
    ["四川省成都市武侯区某某街道某某社区", "四川省成都市武侯区***"],
    ["江苏省苏州市昆山市周市镇", "江苏省苏州市昆山市***"],
    ["快递放张江路123号门口", "快递放***"],
    ["阳光小区3号楼2单元501", "***"],
    ["我明天在3号楼2单元等你", "我明天在***你"],
    ["Deliver to Flat 5, 12 Baker Street, London", "Deliver to ***, London"],
    ["ship to 1888 Zhangjiang Road, Shanghai", "ship to ***, Shanghai"],
    ["Room 1203, No. 88 Century Avenue, Pudong", "***, Pudong"],
  ])("masks the street-level part of %s", (text, masked) => {
    expect(mask(text)).toBe(masked);
  });

  it.each([
    "一路顺风，南京路上堵车",
    "11月22号下午3点送到3楼",
    "家乡的路",
    "我在北京市",
    "住在阳光小区",
    "坐3号线到底",
    "逛街时收到了",
    "上海浦东分拨中心",
    "we are on the road to 5 more stops",
  ])("leaves %s alone (no street-level address in it)", (text) => {
    expect(mask(text)).toBe(text);
  });

  it("keeps addresses when the reader works deliveries", () => {
    const text = "上海市浦东新区张江路123号5栋201室，电话13812345678";
    expect(mask(text, { addresses: false })).toBe(
      "上海市浦东新区张江路123号5栋201室，电话138****5678",
    );
  });
});

describe("the customer's name", () => {
  it.each([
    [["Han Meimei"], "Han Meimei called twice", "H********* called twice"],
    [["Han Meimei"], "HAN MEIMEI and hanmeimei", "H********* and h********"],
    [["Han Meimei"], "Dear Meimei, Han here", "Dear ******, *** here"],
    [["韩梅梅"], "客户韩梅梅说梅梅不在家", "客户韩**说**不在家"],
    [["李雷"], "李雷先生的包裹", "李*先生的包裹"],
    [["Zhao Canary"], "Zhao Canary / zhao canary", "Z********** / z**********"],
  ])("masks %s in the text", (names, text, masked) => {
    expect(mask(text, { names })).toBe(masked);
  });

  it("ignores names too short to be told from other words", () => {
    expect(mask("A said so", { names: ["A", null, undefined, " "] })).toBe("A said so");
  });

  it("never lets the name through, wherever it stands", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Han Meimei", "韩梅梅", "Zhao Canary", "欧阳娜娜"),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        (name, before, after) => {
          fc.pre(!/[A-Za-z]$/.test(before) && !/^[A-Za-z]/.test(after));
          expect(mask(`${before}${name}${after}`, { names: [name] })).not.toContain(name);
        },
      ),
    );
  });
});

describe("what is not personal data", () => {
  it.each([
    "运单SF1234567890123已签收",
    "YT9876543210987 and JD0123456789012",
    "EA123456789CN, ZTO-75312345678901",
    "waybill ACTMIK3X9C0001 and LOG00012",
    "金额¥1,280.50，赔付 320 元，declared value 13,800 CNY",
    "2026-11-22T11:02:00+08:00 to 2026-11-23T09:30:00.000Z",
    "09:00-18:00, 2026年11月22日 下午3点, 11/22/2026",
    "打12305投诉, 95338, 400-820-1234",
    "order 2026112212345 weighs 3.5 kg",
    "CS-7K2M9Q4R1T8BABCD and FU-7K2M9Q4R1T8B-1",
  ])("leaves %s alone", (text) => {
    expect(mask(text)).toBe(text);
  });

  it("leaves waybill numbers (letters then digits) alone", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{2,4}\d{8,16}$/),
        fc.constantFrom("运单", "waybill ", "", "单号："),
        (waybill, before) => {
          const text = `${before}${waybill}已签收`;
          expect(mask(text)).toBe(text);
        },
      ),
    );
  });

  it("leaves dates, times and amounts alone", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (date, amount) => {
          const text = `${date.toISOString()} ¥${amount.toLocaleString("en-US")}.50 ${amount}元`;
          expect(mask(text)).toBe(text);
        },
      ),
    );
  });
});

describe("maskFreeText", () => {
  const sample = fc
    .array(
      fc.constantFrom(
        "客户",
        "Han Meimei",
        "韩梅梅",
        "13812345678",
        "+86 139-8765-4321",
        "110101199003071234",
        "6222 0212 3456 7890",
        "li.lei@example.com",
        "上海市浦东新区张江路123号5栋201室",
        "12 Baker Street",
        "SF1234567890123",
        "¥320",
        "，",
        " ",
        "2026-11-22",
        "电话",
        "010-62345678",
      ),
      { maxLength: 12 },
    )
    .chain((parts) =>
      fc
        .array(fc.constantFrom(" ", "，", "、", "\n", ": "), {
          minLength: parts.length,
          maxLength: parts.length,
        })
        .map((seps) => parts.map((part, i) => `${part}${seps[i]}`).join("")),
    );

  it("is idempotent: what is masked stays as it is", () => {
    fc.assert(
      fc.property(sample, fc.boolean(), (text, addresses) => {
        const masking = { names: ["Han Meimei", "韩梅梅"], addresses };
        const once = maskFreeText(text, masking);
        expect(maskFreeText(once, masking)).toBe(once);
      }),
    );
  });

  it("lets none of the samples' personal data through", () => {
    fc.assert(
      fc.property(sample, (text) => {
        const masked = maskFreeText(text, { names: ["Han Meimei", "韩梅梅"] });
        for (const secret of [
          "Han Meimei",
          "韩梅梅",
          "1234 5678",
          "1381234",
          "8765",
          "19900307",
          "0212 3456",
          "li.lei",
          "张江路123号",
          "Baker",
          "62345678",
        ])
          expect(masked).not.toContain(secret);
      }),
    );
  });

  it("changes nothing in text without digits, @ or addresses", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z ,.!?'-]{0,80}$/), (text) => {
        expect(mask(text)).toBe(text);
      }),
    );
  });

  it("is quick on the longest texts the API accepts, whatever they hold", () => {
    for (const text of [
      "路".repeat(4000),
      "1号".repeat(2000),
      "市".repeat(4000),
      "13".repeat(2000),
    ]) {
      const started = performance.now();
      maskFreeText(text, { names: ["Han Meimei"], phones: ["13812345678"] });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("masks what it finds and nothing else, and an empty text stays empty", () => {
    expect(mask("")).toBe("");
    expect(MASKED).toBe("***");
  });
});

describe("maskTextFields", () => {
  it("masks the free-text fields at any depth and leaves ids, codes and times", () => {
    const data = {
      text: "call 13812345678",
      reason: "no-agent-available",
      facts: { description: "客户13812345678", outletId: "13812345678" },
      trigger: { eventId: "evt-13812345678", occurredAt: "2026-11-22T11:02:00+08:00" },
      items: [{ comment: "13812345678" }],
      summary: "Customer 13812345678",
    };
    expect(maskTextFields(data, (t) => maskFreeText(t))).toEqual({
      text: "call 138****5678",
      reason: "no-agent-available",
      facts: { description: "客户138****5678", outletId: "13812345678" },
      trigger: data.trigger,
      items: [{ comment: "138****5678" }],
      summary: "Customer 138****5678",
    });
  });
});
