// `npm run -s token -- --sub <userId> --groups <g1,g2>`: prints a bearer token that the local
// runtime using the same $DATA_DIR accepts. Nothing else is printed on success.
import { parseArgs } from "node:util";
import { issueToken } from "./local-auth.ts";

const ROLES = ["agents", "supervisors", "ops", "admins"];

function fail(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run -s token -- --sub <userId> --groups <${ROLES.join(",")}>\n`,
  );
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    sub: { type: "string" },
    groups: { type: "string", default: "" },
    hours: { type: "string", default: "12" },
  },
  strict: true,
});
if (!values.sub) fail("--sub is required");
const groups = (values.groups ?? "")
  .split(",")
  .map((g) => g.trim())
  .filter(Boolean);
const unknown = groups.filter((g) => !ROLES.includes(g));
if (unknown.length) fail(`unknown group(s): ${unknown.join(", ")}`);
const hours = Number(values.hours);
if (!Number.isFinite(hours) || hours <= 0) fail("--hours must be a positive number");

const dataDir = process.env.DATA_DIR || ".data";
process.stdout.write(
  `${await issueToken(dataDir, { sub: values.sub, groups }, Math.round(hours * 3600))}\n`,
);
