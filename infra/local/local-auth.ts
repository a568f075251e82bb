// The local runtime's token issuer, standing in for Cognito: an ES256 key kept in the data
// directory signs access tokens (`npm run token`) with the claims Cognito puts in one (`sub`,
// `cognito:groups`, `token_use: "access"`, `client_id`, no `aud`), and the local HTTP API checks
// them as API Gateway's JWT authorizer does, on the runtime's clock (which POST /_local/clock
// moves, possibly days ahead of the system clock).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { clock } from "#shared/adapters/clock.ts";
import { DATA_FILES } from "./data-files.ts";

export const LOCAL_ISSUER = "courier-care-local";
/** The app client id: an access token's `client_id` (or an `aud` entry) must be this. */
export const LOCAL_AUDIENCE = "courier-care-local-client";
/** Clock skew allowed on `exp`, `nbf` and `iat` (seconds). */
export const CLOCK_SKEW_SECONDS = 60;
/** The longest access token Cognito issues (its app client setting: 5 minutes to 1 day). */
export const COGNITO_MAX_LIFETIME_SECONDS = 24 * 60 * 60;
/**
 * The longest a local token may be valid (`exp` - `iat`), and what `issueToken` gives by default:
 * the test harness, the demo and the kpis CLI keep their tokens while they move the runtime's
 * clock forward by days (up to P366D a call) and have no refresh token, so their tokens last that
 * long; `npm run -s token` keeps to Cognito's day. A token valid for longer is refused.
 */
export const MAX_LIFETIME_SECONDS = 366 * 24 * 60 * 60;
const ALG = "ES256";

interface KeyFile {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** Loads the signing key from the data directory, creating it on first use. */
async function keyFile(dataDir: string): Promise<KeyFile> {
  const path = join(dataDir, "local-auth", "signing-key.json");
  try {
    return JSON.parse(await readFile(path, "utf8")) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const created: KeyFile = {
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
  await mkdir(join(dataDir, "local-auth"), { recursive: true });
  try {
    await writeFile(path, JSON.stringify(created), { flag: "wx", mode: 0o600 });
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return JSON.parse(await readFile(path, "utf8")) as KeyFile; // another process created it first
  }
}

/** The key id, as in a JWKS: the public key's RFC 7638 thumbprint. */
const keyId = (publicJwk: JWK) => calculateJwkThumbprint(publicJwk, "sha256");

/**
 * The local runtime's clock for `dataDir`: this process's clock (the runtime's when it runs in
 * this process, as in the tests), or, when later, the clock the runtime keeps in the data
 * directory (`clock.json`, read as the runtime restores it), so that a token printed by a CLI in
 * another process is not issued before the runtime's now once its clock was moved forward.
 */
export async function localRuntimeNow(dataDir: string): Promise<Date> {
  const here = clock.now();
  let saved: { offsetMs?: unknown; now?: unknown };
  try {
    saved = JSON.parse(await readFile(join(dataDir, DATA_FILES.clock), "utf8"));
  } catch {
    return here; // no runtime kept a clock there (first start, or in memory)
  }
  const offset = typeof saved.offsetMs === "number" ? saved.offsetMs : 0;
  const shown = typeof saved.now === "string" ? Date.parse(saved.now) : Number.NaN;
  const real = Date.now();
  const kept = real + Math.max(offset, Number.isNaN(shown) ? 0 : shown - real, 0);
  return new Date(Math.max(here.getTime(), Number.isFinite(kept) ? kept : 0));
}

export interface IssueOptions {
  /** How long it is valid, in seconds: 1 to MAX_LIFETIME_SECONDS (the default). */
  readonly lifetimeSeconds?: number;
  /** Its `iat` (default: the local runtime's clock for the data directory, localRuntimeNow). */
  readonly now?: Date;
}

/** An access token as Cognito issues it, signed with the data directory's local key. */
export async function issueToken(
  dataDir: string,
  claims: { sub: string; groups: readonly string[] },
  options: IssueOptions = {},
): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? MAX_LIFETIME_SECONDS;
  if (!(Number.isInteger(lifetime) && lifetime > 0 && lifetime <= MAX_LIFETIME_SECONDS))
    throw new RangeError(`A local token lives 1 to ${MAX_LIFETIME_SECONDS} seconds (366 days)`);
  if (!claims.sub) throw new RangeError("A token needs a sub");
  const { privateJwk, publicJwk } = await keyFile(dataDir);
  const key = await importJWK(privateJwk, ALG);
  const iat = Math.floor((options.now ?? (await localRuntimeNow(dataDir))).getTime() / 1000);
  return new SignJWT({
    "cognito:groups": [...claims.groups],
    token_use: "access",
    client_id: LOCAL_AUDIENCE,
  })
    .setProtectedHeader({ alg: ALG, typ: "JWT", kid: await keyId(publicJwk) })
    .setSubject(claims.sub)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(key);
}

export type TokenVerifier = (authorization: string | undefined) => Promise<JWTPayload | null>;

/** The token of an Authorization header: `Bearer <jwt>`, or the JWT alone (API Gateway takes both). */
function bearerToken(authorization: string | undefined): string | undefined {
  const value = authorization?.trim() ?? "";
  return value.match(/^Bearer +([^\s]+)$/i)?.[1] ?? (/^[^\s]+$/.test(value) ? value : undefined);
}

/**
 * Verifies `Authorization: Bearer <jwt>` as the API Gateway JWT authorizer does with Cognito
 * access tokens; null when it would answer 401. A token passes when:
 * - it is signed ES256 (no other alg) by the data directory's key, and its header's `kid` is
 *   that key's (as a JWKS would list it);
 * - `iss` is LOCAL_ISSUER; `aud`, when present, contains LOCAL_AUDIENCE, else `client_id` is it;
 * - `exp` is present and after now; `nbf` and `iat`, when present, are not after now — each
 *   within CLOCK_SKEW_SECONDS — on the runtime's clock (`now`, default the shared clock);
 * - it is valid for at most MAX_LIFETIME_SECONDS (366 days) from its `iat` (from now without
 *   one): no token lives for ever (API Gateway sets no limit; Cognito's last at most a day);
 * - `token_use` is "access" (the API takes access tokens only: an ID token is refused) and `sub`
 *   is a non-empty string.
 */
export async function tokenVerifier(
  dataDir: string,
  options: { readonly now?: () => Date } = {},
): Promise<TokenVerifier> {
  const now = options.now ?? clock.now;
  const { publicJwk } = await keyFile(dataDir);
  const key = await importJWK(publicJwk, ALG);
  const kid = await keyId(publicJwk);
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) return null;
    const at = now();
    const seconds = Math.floor(at.getTime() / 1000);
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: LOCAL_ISSUER,
        requiredClaims: ["exp", "sub"],
        currentDate: at,
        clockTolerance: CLOCK_SKEW_SECONDS, // exp and nbf; iat below
      });
      if (verified.protectedHeader.kid !== kid) return null;
      payload = verified.payload;
    } catch {
      return null;
    }
    const { exp, iat, aud, client_id: clientId, token_use: tokenUse, sub } = payload;
    if (typeof exp !== "number") return null; // jose checked it is one; for the compiler
    if (iat !== undefined && iat > seconds + CLOCK_SKEW_SECONDS) return null;
    if (exp - (iat ?? seconds) > MAX_LIFETIME_SECONDS) return null;
    const audience =
      aud !== undefined
        ? (Array.isArray(aud) ? aud : [aud]).includes(LOCAL_AUDIENCE)
        : clientId === LOCAL_AUDIENCE;
    if (!audience) return null;
    if (tokenUse !== "access") return null;
    if (typeof sub !== "string" || sub.length === 0) return null;
    return payload;
  };
}
