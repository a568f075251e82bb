// Personal data is masked for logs and readers who don't need it; case ids are stable per event.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caseIdFor } from "#shared/domain/case-id.ts";
import { maskName, maskPhone } from "#shared/domain/masking.ts";

describe("maskPhone", () => {
  it("keeps the first three and last four digits of a mobile number", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("+86 139 0000 1111")).toBe("861****1111");
  });

  it("keeps only the last two digits of a short number, and nothing of no number", () => {
    expect(maskPhone("12345")).toBe("****45");
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone(undefined)).toBeNull();
  });

  it("never shows the middle digits of an 11-digit number", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const masked = maskPhone(phone) as string;
        expect(masked).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
        expect(masked).not.toContain(phone.slice(3, 7));
      }),
    );
  });
});

describe("maskName", () => {
  it("keeps the first character only", () => {
    expect(maskName("李雷")).toBe("李*");
    expect(maskName("Han Meimei")).toBe("H*********");
    expect(maskName(null)).toBeNull();
  });
});

describe("case ids", () => {
  it("are derived from the key, so a redelivered event opens no second case", () => {
    expect(caseIdFor("event:evt-1")).toBe(caseIdFor("event:evt-1"));
    expect(caseIdFor("event:evt-1")).not.toBe(caseIdFor("event:evt-2"));
  });

  it("read unambiguously: CS- and 16 Crockford base32 characters", () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        expect(caseIdFor(key)).toMatch(/^CS-[0-9A-HJKMNP-TV-Z]{16}$/);
      }),
    );
  });
});
