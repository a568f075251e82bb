// `npm run -s classify` as a user runs it: JSON lines in, one JSON line out per line, in order.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const run = (args: string[], input = "") =>
  spawnSync("npx", ["tsx", "infra/cli/classify.ts", ...args], {
    cwd: root,
    input,
    encoding: "utf8",
  });

describe("the classify command", () => {
  it("writes one line per input line, in order, an error in place of a bad line, and exits 1", () => {
    const input = [
      JSON.stringify({ text: "快递丢了，我要投诉", channel: "phone" }),
      "",
      JSON.stringify({
        text: "Tracking has not been updated for days",
        context: { customerTier: "vip" },
      }),
      JSON.stringify({ text: 42 }),
      JSON.stringify({ text: "建議增加週末派送", channel: "app", context: { repeat: false } }),
      "",
    ].join("\n");
    const r = run([], input);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({
      category: "loss",
      severity: "severe",
      priority: "urgent",
      feedbackType: "quality",
    });
    expect(out[1]).toMatchObject({
      category: "information",
      severity: "general",
      feedbackType: "service",
    });
    expect(out[2]).toEqual({ error: expect.stringMatching(/^line 4: text: /) });
    expect(out[3]).toMatchObject({
      category: "suggestion",
      severity: "minor",
      feedbackType: "suggestion",
    });
    expect(Object.keys(out[0])).toEqual([
      "category",
      "severity",
      "priority",
      "feedbackType",
      "confidence",
    ]);
    expect(r.status).toBe(1);
  }, 30_000);

  it("exits 0 when every line is valid", () => {
    const r = run([], JSON.stringify({ text: "请问网点几点关门" }) + "\n");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ category: "inquiry", priority: "routine" });
  }, 30_000);

  it("evaluates a labelled file with --eval", () => {
    const r = run(["--eval", "test/unit/domain/classifier/held-out.jsonl"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+ labelled lines/);
    expect(r.stdout).toMatch(/^category +\d+\.\d %/m);
    expect(r.stdout).toMatch(/^priority +\d+\.\d %/m);
    expect(r.stdout).toContain("category (rows expected, columns predicted)");
  }, 30_000);
});
