// Which route of the topology a request's method and path name, as API Gateway's HTTP API
// matches them: exact segments win over `{param}` segments. Shared by the local runtime (which
// plays API Gateway) and the API's answer to unmatched requests (405 with the methods allowed).
import type { RouteSpec } from "./topology.ts";

export interface MatchedRoute {
  readonly route: RouteSpec;
  readonly pathParameters: Record<string, string>;
}

/** The route, with its decoded path parameters; throws URIError on a broken percent-escape. */
export function matchRoute(
  routes: readonly RouteSpec[],
  method: string,
  path: string,
): MatchedRoute | undefined {
  const segments = path.split("/").filter(Boolean);
  const candidates = routes
    .filter((route) => route.method === method)
    .map((route) => ({ route, template: route.path.split("/").filter(Boolean) }))
    .filter(({ template }) => template.length === segments.length)
    .sort((a, b) => countParams(a.template) - countParams(b.template));
  for (const { route, template } of candidates) {
    const pathParameters: Record<string, string> = {};
    const ok = template.every((part, i) => {
      const segment = segments[i] as string;
      const param = part.match(/^\{(\w+)\}$/)?.[1];
      if (param) pathParameters[param] = decodeURIComponent(segment);
      return param !== undefined || part === segment;
    });
    if (ok) return { route, pathParameters };
  }
  return undefined;
}

/** The methods some route serves at this path (empty when no route has the path). */
export function methodsAt(routes: readonly RouteSpec[], path: string): RouteSpec["method"][] {
  const segments = path.split("/").filter(Boolean);
  const methods = routes
    .filter((route) => {
      const template = route.path.split("/").filter(Boolean);
      return (
        template.length === segments.length &&
        template.every((part, i) => part.startsWith("{") || part === segments[i])
      );
    })
    .map((route) => route.method);
  return [...new Set(methods)].sort();
}

const countParams = (template: string[]) => template.filter((part) => part.startsWith("{")).length;
