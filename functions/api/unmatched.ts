// What the API answers to a request no route matches (API Gateway's `$default` route): 405 with
// `Allow` when some route has the path with other methods, 404 otherwise; both problem+json.
import { methodsAt } from "#infra/route-matching.ts";
import { routes } from "#infra/topology.ts";
import { HttpError } from "./http.ts";

export function unmatchedRequest(method: string, path: string): HttpError {
  const allowed = methodsAt(routes, path);
  // The method is served at a path written differently (`/v1/cases/`): no such route either.
  if (allowed.length === 0 || allowed.includes(method as (typeof allowed)[number]))
    return new HttpError(404, "Not Found", "No such route");
  return new HttpError(
    405,
    "Method Not Allowed",
    `${method} is not served here; use ${allowed.join(", ")}`,
    undefined,
    { allow: allowed.join(", ") },
  );
}
