// What a route receives, and query-string validation with field-level errors.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { z } from "zod";
import { fieldErrors } from "#shared/adapters/validation.ts";
import type { Caller } from "./caller.ts";
import { HttpError } from "./http.ts";

export interface ApiRequest {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly caller: Caller;
}

export function parseQuery<S extends z.ZodType>(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  schema: S,
): z.output<S> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    throw new HttpError(
      400,
      "Bad Request",
      "The query string is not valid",
      fieldErrors(result.error),
    );
  }
  return result.data;
}
