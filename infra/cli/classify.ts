// npm run -s classify                 JSON lines on stdin → one JSON line out per line in
// npm run -s classify -- --eval FILE  accuracy, confusion tables and misclassified lines
// (contract §4). The logic is in classifier-eval.ts; this file only reads and writes.
import { createReadStream } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import {
  type EvalItem,
  evaluate,
  formatReport,
  LabelledLine,
  parseLine,
  processLine,
} from "./classifier-eval.ts";

async function classifyStdin(): Promise<number> {
  let lineNo = 0;
  let failed = false;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    const result = processLine(line, lineNo);
    if (result === null) continue;
    if (!result.ok) failed = true;
    if (!process.stdout.write(result.out + "\n")) await once(process.stdout, "drain");
  }
  return failed ? 1 : 0;
}

async function evalFile(file: string): Promise<number> {
  const items: EvalItem[] = [];
  let lineNo = 0;
  let failed = false;
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Infinity,
  })) {
    lineNo++;
    if (line.trim() === "") continue;
    const parsed = parseLine(LabelledLine, line, lineNo);
    if (parsed.ok) items.push({ lineNo, line: parsed.value });
    else {
      failed = true;
      console.error(JSON.stringify({ error: parsed.error }));
    }
  }
  console.log(formatReport(evaluate(items)));
  return failed ? 1 : 0;
}

const args = process.argv.slice(2);
const evalAt = args.indexOf("--eval");
if (evalAt >= 0 && !args[evalAt + 1]) {
  console.error("usage: npm run -s classify -- --eval FILE");
  process.exitCode = 2;
} else {
  process.exitCode = await (evalAt >= 0 ? evalFile(args[evalAt + 1]!) : classifyStdin());
}
