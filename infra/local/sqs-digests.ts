// The MD5 digests SQS returns and Lambda records carry; the AWS SDK checks them.
import { createHash } from "node:crypto";

export const md5 = (data: Buffer | string) => createHash("md5").update(data).digest("hex");

/** SQS's digest of String message attributes: name, type and value, each length-prefixed, in name order. */
export function md5OfStringAttributes(attributes: Record<string, string>): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (value: string) => {
    const bytes = Buffer.from(value, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    lengthPrefixed(name);
    lengthPrefixed("String");
    parts.push(Buffer.from([1]));
    lengthPrefixed(attributes[name] as string);
  }
  return md5(Buffer.concat(parts));
}
