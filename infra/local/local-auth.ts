// The local runtime's token issuer, standing in for Cognito: an ES256 key kept in the data
// directory signs tokens (`npm run token`) that the local HTTP API verifies, with the same
// claims Cognito puts in an access token (`sub`, `cognito:groups`).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";

export const LOCAL_ISSUER = "courier-care-local";
export const LOCAL_AUDIENCE = "courier-care-local-client";
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

export async function issueToken(
  dataDir: string,
  claims: { sub: string; groups: readonly string[] },
  lifetimeSeconds = 12 * 60 * 60,
): Promise<string> {
  const { privateJwk } = await keyFile(dataDir);
  const key = await importJWK(privateJwk, ALG);
  return new SignJWT({
    "cognito:groups": [...claims.groups],
    token_use: "access",
    client_id: LOCAL_AUDIENCE,
  })
    .setProtectedHeader({ alg: ALG, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(key);
}

export type TokenVerifier = (authorization: string | undefined) => Promise<JWTPayload | null>;

/** Verifies `Authorization: Bearer <jwt>` as the API Gateway JWT authorizer does; null when invalid. */
export async function tokenVerifier(dataDir: string): Promise<TokenVerifier> {
  const { publicJwk } = await keyFile(dataDir);
  const key = await importJWK(publicJwk, ALG);
  return async (authorization) => {
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALG],
      });
      return payload;
    } catch {
      return null;
    }
  };
}
