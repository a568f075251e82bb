// The local stand-in for Cognito and API Gateway's JWT authorizer: what `issueToken` signs and
// `tokenVerifier` lets through or refuses (null, which the HTTP layer answers with a 401), each
// refusal on its own, on the runtime's clock.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  calculateJwkThumbprint,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLOCK_SKEW_SECONDS,
  issueToken,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  localRuntimeNow,
  MAX_LIFETIME_SECONDS,
  type TokenVerifier,
  tokenVerifier,
} from "#infra/local/local-auth.ts";
import { advanceClock, clock } from "#shared/adapters/clock.ts";

const NOW = new Date("2026-12-03T02:00:00Z");
const T = NOW.getTime() / 1000;
const HOUR = 3600;

let dataDir: string;
let otherDir: string;
let verify: TokenVerifier;
let privateJwk: JWK;
let kid: string;

const keysOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, "local-auth", "signing-key.json"), "utf8")) as {
    privateJwk: JWK;
    publicJwk: JWK;
  };

/** An access token as issueToken makes it, with `changes` (undefined removes a claim). */
function claims(changes: Record<string, unknown> = {}): JWTPayload {
  const base: Record<string, unknown> = {
    sub: "agent-care-1",
    "cognito:groups": ["agents"],
    token_use: "access",
    client_id: LOCAL_AUDIENCE,
    iss: LOCAL_ISSUER,
    iat: T,
    exp: T + HOUR,
    ...changes,
  };
  return Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
}

/** Signs `payload` as given (no defaults added) with the data directory's key, or `jwk`. */
async function sign(
  payload: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
  jwk: JWK = privateJwk,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", typ: "JWT", kid, ...header })
    .sign(await importJWK(jwk, "ES256"));
}

const bearer = (token: string) => `Bearer ${token}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "local-auth-"));
  otherDir = await mkdtemp(join(tmpdir(), "local-auth-other-"));
  verify = await tokenVerifier(dataDir, { now: () => NOW });
  const keys = await keysOf(dataDir);
  privateJwk = keys.privateJwk;
  kid = await calculateJwkThumbprint(keys.publicJwk, "sha256");
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(otherDir, { recursive: true, force: true });
});

describe("issueToken", () => {
  it("signs a Cognito-like access token that the verifier accepts", async () => {
    const token = await issueToken(
      dataDir,
      { sub: "agent-care-1", groups: ["agents"] },
      { now: NOW },
    );
    const payload = await verify(bearer(token));
    expect(payload).toMatchObject({
      sub: "agent-care-1",
      "cognito:groups": ["agents"],
      token_use: "access",
      client_id: LOCAL_AUDIENCE,
      iss: LOCAL_ISSUER,
      iat: T,
      exp: T + MAX_LIFETIME_SECONDS, // kept while tests and the demo move the clock by days
    });
    expect(payload).not.toHaveProperty("aud"); // Cognito's access tokens have none
  });

  it("refuses a lifetime over MAX_LIFETIME_SECONDS, or none", async () => {
    const claims = { sub: "ops-1", groups: ["ops"] };
    for (const lifetimeSeconds of [MAX_LIFETIME_SECONDS + 1, 0, -5, 1.5])
      await expect(issueToken(dataDir, claims, { lifetimeSeconds })).rejects.toThrow(RangeError);
    const longest = await issueToken(dataDir, claims, {
      now: NOW,
      lifetimeSeconds: MAX_LIFETIME_SECONDS,
    });
    expect(await verify(bearer(longest))).not.toBeNull();
  });

  it("refuses an empty sub", async () => {
    await expect(issueToken(dataDir, { sub: "", groups: [] })).rejects.toThrow(RangeError);
  });
});

describe("tokenVerifier", () => {
  it("accepts a valid token, with or without the Bearer prefix (as API Gateway does)", async () => {
    const token = await sign(claims());
    expect(await verify(bearer(token))).toMatchObject({ sub: "agent-care-1" });
    expect(await verify(`bearer  ${token}`)).not.toBeNull();
    expect(await verify(token)).not.toBeNull();
  });

  it("allows the clock skew, and no more, on exp, nbf and iat", async () => {
    const skew = CLOCK_SKEW_SECONDS;
    expect(await verify(bearer(await sign(claims({ exp: T - skew + 1 }))))).not.toBeNull();
    expect(await verify(bearer(await sign(claims({ exp: T - skew }))))).toBeNull();
    expect(await verify(bearer(await sign(claims({ nbf: T + skew }))))).not.toBeNull();
    expect(await verify(bearer(await sign(claims({ nbf: T + skew + 1 }))))).toBeNull();
    expect(await verify(bearer(await sign(claims({ iat: T + skew }))))).not.toBeNull();
    expect(await verify(bearer(await sign(claims({ iat: T + skew + 1 }))))).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ["no exp", { exp: undefined }],
    ["a text exp", { exp: String(T + HOUR) }],
    ["an expired token", { iat: T - 2 * HOUR, exp: T - HOUR }],
    ["nbf in the future", { nbf: T + HOUR }],
    ["iat in the future", { iat: T + HOUR, exp: T + 2 * HOUR }],
    ["a lifetime over 366 days", { iat: T - HOUR, exp: T - HOUR + MAX_LIFETIME_SECONDS + 1 }],
    ["over 366 days left without iat", { iat: undefined, exp: T + MAX_LIFETIME_SECONDS + 1 }],
    ['token_use "id" (an ID token)', { token_use: "id" }],
    ["no token_use", { token_use: undefined }],
    ["another client_id", { client_id: "someone-else" }],
    ["neither aud nor client_id", { client_id: undefined }],
    ["aud without the audience, even with the right client_id", { aud: "someone-else" }],
    ["another issuer", { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other" }],
    ["no issuer", { iss: undefined }],
    ["no sub", { sub: undefined }],
    ["an empty sub", { sub: "" }],
    ["a numeric sub", { sub: 42 }],
  ])("refuses %s", async (_, changes) => {
    expect(await verify(bearer(await sign(claims(changes))))).toBeNull();
  });

  it("accepts a token with aud instead of client_id when aud carries the audience", async () => {
    const audOnly = claims({ client_id: undefined, aud: LOCAL_AUDIENCE });
    expect(await verify(bearer(await sign(audOnly)))).not.toBeNull();
    const inList = claims({ client_id: undefined, aud: ["another-api", LOCAL_AUDIENCE] });
    expect(await verify(bearer(await sign(inList)))).not.toBeNull();
    const without = claims({ client_id: undefined, aud: ["another-api"] });
    expect(await verify(bearer(await sign(without)))).toBeNull();
  });

  it("refuses a token signed with another key, with or without this key's kid", async () => {
    const other = await issueToken(otherDir, { sub: "ops-1", groups: ["ops"] }, { now: NOW });
    expect(await verify(bearer(other))).toBeNull();
    const { privateJwk: otherKey } = await keysOf(otherDir);
    expect(await verify(bearer(await sign(claims(), { kid }, otherKey)))).toBeNull();
  });

  it("refuses a token without this key's kid, as a JWKS lookup would", async () => {
    expect(await verify(bearer(await sign(claims(), { kid: undefined })))).toBeNull();
    expect(await verify(bearer(await sign(claims(), { kid: "another-key" })))).toBeNull();
  });

  it('refuses alg "none" and HS256', async () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsecured = `${part({ alg: "none", typ: "JWT", kid })}.${part(claims())}.`;
    expect(await verify(bearer(unsecured))).toBeNull();
    // HS256 keyed with what a confused verifier might take for the secret: the public key.
    const { publicJwk } = await keysOf(dataDir);
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await verify(bearer(hs256))).toBeNull();
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["Basic credentials", `Basic ${Buffer.from("agent:secret").toString("base64")}`],
    ["Bearer alone", "Bearer"],
    ["Bearer and a space", "Bearer "],
    ["two tokens", "Bearer a.b.c d.e.f"],
    ["garbage", "Bearer not-a-jwt"],
    ["garbage without Bearer", "!!!"],
    ["three garbage parts", "Bearer e30.e30.e30"],
  ])("refuses %s", async (_, header) => {
    expect(await verify(header)).toBeNull();
  });

  it("refuses a token whose signature was tampered with, or whose payload was", async () => {
    const token = await sign(claims());
    const [head, body, signature] = token.split(".");
    const flipped = `${signature?.[0] === "A" ? "B" : "A"}${signature?.slice(1)}`;
    expect(await verify(bearer(`${head}.${body}.${flipped}`))).toBeNull();
    const admin = Buffer.from(JSON.stringify(claims({ "cognito:groups": ["admins"] })));
    expect(await verify(bearer(`${head}.${admin.toString("base64url")}.${signature}`))).toBeNull();
  });
});

describe("on the runtime's clock", () => {
  it("checks exp, nbf and iat against the shared clock, which POST /_local/clock moves", async () => {
    const verifyOnClock = await tokenVerifier(dataDir); // as the runtime builds it
    const options = { lifetimeSeconds: 12 * HOUR }; // issued on clock.now()
    const before = await issueToken(dataDir, { sub: "ops-1", groups: ["ops"] }, options);
    const inTwoDays = Math.floor(clock.now().getTime() / 1000) + 2 * 86400;
    const early = await sign(claims({ iat: undefined, nbf: inTwoDays, exp: inTwoDays + HOUR }));
    expect(await verifyOnClock(bearer(before))).not.toBeNull();
    expect(await verifyOnClock(bearer(early))).toBeNull();

    advanceClock(2 * 86400_000); // two days on: the 12-hour token expired, the other is due
    expect(await verifyOnClock(bearer(before))).toBeNull();
    expect(await verifyOnClock(bearer(early))).not.toBeNull();
    const after = await issueToken(dataDir, { sub: "ops-1", groups: ["ops"] }, options);
    expect(await verifyOnClock(bearer(after))).not.toBeNull();
  });

  it("issues on the clock the runtime keeps in the data directory (another process)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "local-auth-clock-"));
    try {
      // No clock kept there (first start, or a runtime in memory): this process's clock.
      const here = (await localRuntimeNow(dir)).getTime() - clock.now().getTime();
      expect(Math.abs(here)).toBeLessThan(1000);
      const offsetMs = 30 * 86400_000 + clockOffset();
      const shown = new Date(Date.now() + offsetMs).toISOString();
      await writeFile(join(dir, "clock.json"), JSON.stringify({ offsetMs, now: shown }));
      const now = (await localRuntimeNow(dir)).getTime();
      expect(Math.abs(now - (Date.now() + offsetMs))).toBeLessThan(1000);
      // A system clock set back meanwhile: never before what it showed last.
      const later = new Date(Date.now() + offsetMs + 5 * 86400_000).toISOString();
      await writeFile(join(dir, "clock.json"), JSON.stringify({ offsetMs, now: later }));
      expect((await localRuntimeNow(dir)).getTime()).toBeGreaterThanOrEqual(Date.parse(later));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The shared clock's offset from the system clock in this file (moved by the test above). */
const clockOffset = () => clock.now().getTime() - Date.now();

describe("npm run -s token", () => {
  const run = promisify(execFile);
  const cli = (args: string[], dir: string) =>
    run(process.execPath, ["--import", "tsx", "infra/local/token-cli.ts", ...args], {
      env: { ...process.env, DATA_DIR: dir },
    });

  it(
    "prints a token the runtime accepts after its clock moved days ahead",
    { timeout: 30_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "local-auth-cli-"));
      try {
        const offsetMs = 3 * 86400_000;
        const runtimeNow = () => new Date(Date.now() + offsetMs);
        await writeFile(
          join(dir, "clock.json"),
          JSON.stringify({ offsetMs, now: runtimeNow().toISOString() }),
        );
        const { stdout, stderr } = await cli(["--sub", "ops-1", "--groups", "ops"], dir);
        expect(stderr).toBe("");
        const token = bearer(stdout.trim());
        const payload = await (await tokenVerifier(dir, { now: runtimeNow }))(token);
        expect(payload).toMatchObject({ sub: "ops-1", "cognito:groups": ["ops"] });
        expect(payload?.exp).toBe((payload?.iat ?? 0) + 12 * HOUR); // --hours 12 by default
        const onSystemClock = await tokenVerifier(dir, { now: () => new Date() });
        expect(await onSystemClock(token)).toBeNull(); // issued three days ahead of it
        const { stdout: short } = await cli(["--sub", "ops-1", "--hours", "0.5"], dir);
        const shortPayload = await (
          await tokenVerifier(dir, { now: runtimeNow })
        )(bearer(short.trim()));
        expect(shortPayload?.exp).toBe((shortPayload?.iat ?? 0) + HOUR / 2);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it("refuses more than 24 hours, as Cognito does", { timeout: 30_000 }, async () => {
    await expect(
      cli(["--sub", "ops-1", "--groups", "ops", "--hours", "25"], otherDir),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--hours"),
    });
  });
});
