// `npm run -s corrections -- --since YYYY-MM-DD [--until YYYY-MM-DD]`: the agents' corrections
// of category and severity as labelled JSON lines in the format of the classifier's samples
// (`{ text, channel, context, expected }` plus who corrected which case when), oldest first,
// so the rules (shared/domain/classifier/rules.ts) can be checked against real use with
// `npm run -s classify -- --eval FILE`. Phone numbers and e-mail addresses in the text are
// masked. Reads the running local runtime's store (same DATA_DIR), or, with CASES_TABLE_NAME
// set, that DynamoDB table with the usual AWS credentials and region.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { correctionsOfDay } from "#shared/adapters/case-store.ts";
import { maskFreeText } from "#shared/domain/masking.ts";
import { DATA_FILES } from "../local/data-files.ts";
import { correctionDays, exportLine } from "./corrections-export.ts";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: { since: { type: "string" }, until: { type: "string" } },
  strict: true,
});
const until = values.until ?? new Date().toISOString().slice(0, 10);
let days: string[];
try {
  days = correctionDays(values.since, until);
} catch (error) {
  fail(
    `${(error as Error).message}\nUsage: npm run -s corrections -- --since YYYY-MM-DD [--until YYYY-MM-DD]`,
  );
}

if (!process.env.CASES_TABLE_NAME) {
  const dataDir = resolve(process.env.DATA_DIR || ".data");
  try {
    const runtime = JSON.parse(readFileSync(join(dataDir, DATA_FILES.runtime), "utf8")) as {
      dynamoEndpoint: string;
    };
    process.env.AWS_ENDPOINT_URL_DYNAMODB = runtime.dynamoEndpoint;
    process.env.AWS_REGION ??= "us-east-1";
    process.env.AWS_ACCESS_KEY_ID ??= "local";
    process.env.AWS_SECRET_ACCESS_KEY ??= "local";
    process.env.CASES_TABLE_NAME = "cases";
  } catch {
    fail(
      `No local runtime is running on ${dataDir}: start it with npm start (same DATA_DIR), or set CASES_TABLE_NAME to read a deployed table`,
    );
  }
}

let count = 0;
for (const day of days) {
  for (const record of await correctionsOfDay(day)) {
    const line = exportLine(record, maskFreeText);
    if (!line) continue;
    console.log(JSON.stringify(line));
    count++;
  }
}
console.error(`${count} correction(s) from ${days[0]} to ${days.at(-1)}`);
