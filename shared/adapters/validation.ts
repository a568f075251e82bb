// Turns a zod error into the reasons a publisher or an API client can act on. Messages name
// the field and the rule, never the received value (which may be personal data).
import type * as z from "zod";

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join(".") : "(root)",
    message: issue.message,
  }));
}

export function describeErrors(error: z.ZodError): string {
  return fieldErrors(error)
    .map((e) => `${e.path}: ${e.message}`)
    .join("; ");
}
