// What /_local/* show of a message body: the event with its personal data masked (phones and
// names as elsewhere, free text replaced by its length), so the runtime's reports are safe to share.
import { maskName, maskPhone } from "#shared/domain/masking.ts";

/** Keys whose values are free text or places: shown only as their length. */
const FREE_TEXT_KEYS = new Set([
  "description",
  "text",
  "comment",
  "comments",
  "reason",
  "note",
  "notes",
  "remark",
  "remarks",
  "message",
  "email",
  "address",
  "lastlocation",
  "location",
]);
/** Deeper than this, values are not walked but redacted (bodies from handlers have no bound). */
const MAX_DEPTH = 64;

export function redacted(text: string): string {
  return `[redacted ${Array.from(text).length} chars]`;
}

/** A message body (an EventBridge event as JSON) with personal data masked, as JSON. */
export function maskMessageBody(body: string): string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return redacted(body);
  }
  if (typeof value !== "object" || value === null) return redacted(body);
  return JSON.stringify(maskValue(value, 0));
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return "[redacted]";
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, maskField(key, child, depth + 1)]),
  );
}

function maskField(key: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  const name = key.toLowerCase();
  const scalar = typeof value === "string" || typeof value === "number";
  if (name.endsWith("phone") || name.endsWith("mobile"))
    return scalar ? maskPhone(String(value)) : "[redacted]";
  if (name.endsWith("name")) return scalar ? maskName(String(value)) : "[redacted]";
  if (FREE_TEXT_KEYS.has(name) || name.endsWith("address"))
    return typeof value === "string" ? redacted(value) : "[redacted]";
  return maskValue(value, depth);
}

/**
 * GET /_local/queues as the runtime reports it (queue name → stats and lists of messages), with
 * the `body` of every listed message masked. A dead letter's own `reason` is ours and stays.
 */
export function maskQueueReport(report: unknown): unknown {
  if (typeof report !== "object" || report === null) return report;
  return Object.fromEntries(
    Object.entries(report).map(([queue, stats]) => [queue, maskQueueStats(stats)]),
  );
}

function maskQueueStats(stats: unknown): unknown {
  if (typeof stats !== "object" || stats === null || Array.isArray(stats)) return stats;
  return Object.fromEntries(
    Object.entries(stats).map(([field, value]) => [
      field,
      Array.isArray(value) ? value.map(maskListedMessage) : value,
    ]),
  );
}

function maskListedMessage(message: unknown): unknown {
  if (typeof message !== "object" || message === null || !("body" in message)) return message;
  const { body } = message as { body: unknown };
  return {
    ...message,
    body: typeof body === "string" ? maskMessageBody(body) : "[redacted]",
  };
}
