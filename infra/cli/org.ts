// `npm run -s org -- import FILE --api URL --token TOKEN`: sets up the organisation of a stack
// from a file in the format of infra/local/default-org.json (checked with the API's own
// schemas), PUTting every team, then every agent, through the HTTP API; one line per item
// (`team claims: created`). `npm run -s org -- export --api URL --token TOKEN` prints the
// organisation as such a file. The token (or env ORG_TOKEN) is a bearer token of a user in
// `admins` (Cognito access token in AWS; `npm run -s token -- --sub admin-1 --groups admins`
// locally). Exits 1 with the API's problem details on the first refusal, 2 on a usage error.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  exportOrganisation,
  importOrganisation,
  OrgApiError,
  parseOrganisationFile,
} from "./org-import.ts";

const USAGE = `Usage:
  npm run -s org -- import FILE --api URL [--token TOKEN]
  npm run -s org -- export --api URL [--token TOKEN]
The token may also come from the environment variable ORG_TOKEN.`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    options: { api: { type: "string" }, token: { type: "string" }, help: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, file, ...extra] = positionals;
const token = values.token ?? process.env.ORG_TOKEN;
if (!values.api) fail(`--api is required\n${USAGE}`, 2);
if (!token) fail(`--token (or ORG_TOKEN) is required\n${USAGE}`, 2);
try {
  new URL(values.api);
} catch {
  fail(`--api must be a URL such as https://abc123.execute-api.eu-west-1.amazonaws.com`, 2);
}
const api = { url: values.api, token };

try {
  if (command === "import" && file && extra.length === 0) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      fail(`Cannot read ${file}: ${(error as Error).message}`, 2);
    }
    const org = parseOrganisationFile(text, file);
    const { created, updated } = await importOrganisation(org, api, (line) => console.log(line));
    console.error(`${created} created, ${updated} updated`);
  } else if (command === "export" && file === undefined) {
    console.log(JSON.stringify(await exportOrganisation(api), null, 2));
  } else {
    fail(USAGE, 2);
  }
} catch (error) {
  if (error instanceof OrgApiError) {
    fail(
      `${error.item}: failed\n${JSON.stringify(error.problem ?? { status: error.status }, null, 2)}`,
      1,
    );
  }
  fail((error as Error).message, 1);
}
