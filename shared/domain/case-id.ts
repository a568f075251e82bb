// Case ids are derived from the triggering event's id, so a redelivered event computes the
// same id and every write it repeats is a no-op.
import { createHash } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `CS-` + 16 Crockford base32 characters (80 bits) of SHA-256 over the key. */
export function caseIdFor(key: string): string {
  const digest = createHash("sha256").update(key).digest();
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === 16) break;
  }
  return `CS-${out}`;
}
