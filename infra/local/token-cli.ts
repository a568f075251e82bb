// `npm run -s token -- --sub <userId> --groups <g1,g2> [--hours 12]`: prints an access token that
// the local runtime using the same $DATA_DIR accepts, issued on that runtime's clock (also after
// POST /_local/clock moved it) and valid for --hours (at most 24, as Cognito's access tokens).
// Nothing else is printed on success.
import { parseArgs } from "node:util";
import { COGNITO_MAX_LIFETIME_SECONDS, issueToken } from "./local-auth.ts";

const ROLES = ["agents", "supervisors", "ops", "admins"];
const MAX_HOURS = COGNITO_MAX_LIFETIME_SECONDS / 3600;

function fail(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run -s token -- --sub <userId> --groups <${ROLES.join(",")}> [--hours 1-${MAX_HOURS}]\n`,
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
if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_HOURS)
  fail(`--hours must be a number above 0 and at most ${MAX_HOURS}`);

const dataDir = process.env.DATA_DIR || ".data";
const lifetimeSeconds = Math.max(1, Math.round(hours * 3600));
process.stdout.write(
  `${await issueToken(dataDir, { sub: values.sub, groups }, { lifetimeSeconds })}\n`,
);
