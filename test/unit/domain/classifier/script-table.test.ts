// The traditional → simplified table normalize.ts uses is generated from opencc-js (a
// devDependency) by generate-script-table.ts; it must agree with the package.
import * as OpenCC from "opencc-js/t2cn";
import { describe, expect, it } from "vitest";
import { buildPairs } from "#shared/domain/classifier/generate-script-table.ts";
import { SCRIPT_TABLE, SCRIPT_TABLE_PAIRS } from "#shared/domain/classifier/script-table.ts";

const pairs = (): [string, string][] => {
  const cps = [...SCRIPT_TABLE];
  const out: [string, string][] = [];
  for (let i = 0; i < cps.length; i += 2) out.push([cps[i]!, cps[i + 1]!]);
  return out;
};

describe("the script table", () => {
  it("agrees with an OpenCC converter for every character in it", () => {
    const standard = OpenCC.Converter({ from: "t", to: "cn" });
    const regional = [
      OpenCC.Converter({ from: "hk", to: "cn" }),
      OpenCC.Converter({ from: "tw", to: "cn" }),
    ];
    const table = pairs();
    expect(table).toHaveLength(SCRIPT_TABLE_PAIRS);
    expect(table.length).toBeGreaterThan(3000);
    const disagreeing = table.filter(([t, s]) => {
      const std = standard(t);
      return std !== t ? std !== s : !regional.some((r) => r(t) === s);
    });
    expect(disagreeing).toEqual([]);
  });

  it("is what the generator makes from the installed package (regenerate after an upgrade)", () => {
    expect(pairs()).toEqual(buildPairs());
  });
});
