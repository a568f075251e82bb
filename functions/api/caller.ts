// Who is calling: the JWT claims API Gateway verified (Cognito in AWS, the local runtime's
// issuer locally). `sub` is the agentId; `cognito:groups` the roles.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { HttpError } from "./http.ts";

export const ROLES = ["agents", "supervisors", "ops", "admins"] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  readonly userId: string;
  readonly roles: readonly Role[];
}

export function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const sub = claims.sub;
  if (typeof sub !== "string" || sub === "") {
    throw new HttpError(401, "Unauthorized", "The token has no subject");
  }
  const roles = groupsOf(claims["cognito:groups"]).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  // One place for every route: a valid token of none of our groups may do nothing here.
  if (roles.length === 0)
    throw new HttpError(403, "Forbidden", "Your token names none of the groups of this API");
  return { userId: sub, roles };
}

/** API Gateway passes an array claim as the string "[a b]"; a decoded token has a real array. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== "string") return [];
  return claim
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean);
}
