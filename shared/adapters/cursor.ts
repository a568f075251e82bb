// Opaque pagination cursors: base64url JSON of where the next page starts. A cursor that was
// tampered with or truncated is rejected with a clear error instead of a DynamoDB exception.
import { z } from "zod";

const cursorSchema = z.object({
  index: z.enum(["gsi1", "gsi2", "gsi3", "gsi4", "timeline"]),
  key: z.record(z.string(), z.string()),
  bucket: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
});

export type Cursor = z.infer<typeof cursorSchema>;

export class InvalidCursorError extends Error {
  constructor() {
    super("The cursor is not one this API returned (use nextCursor from the previous page as is)");
    this.name = "InvalidCursorError";
  }
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw new InvalidCursorError();
  }
}
