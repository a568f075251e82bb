// The in-process event bus: PutEvents with EventBridge's validation and response shape, and
// delivery of every matching event to the rule's target queue (the event JSON as the body).
import { randomUUID } from "node:crypto";
import type { RuleSpec } from "../topology.ts";
import { matchesEventPattern, validateEventPattern } from "./event-pattern.ts";

export interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
}

export type PutEventsResultEntry =
  { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** A whole request EventBridge refuses (HTTP 400), as opposed to a failed entry. */
export class PutEventsValidationError extends Error {
  readonly type = "ValidationException";
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

export interface BusTarget {
  send(body: string): void;
}

export interface LocalBusOptions {
  readonly name: string;
  readonly rules: readonly RuleSpec[];
  readonly targets: (queueName: string) => BusTarget;
  readonly now: () => Date;
  readonly region: string;
  readonly accountId: string;
  /** Told about each accepted event and the rules it matched (the runtime logs it). */
  readonly onEvent?: (
    event: BusEventRecord,
    matchedRules: readonly string[],
    busName: string,
  ) => void;
}

export interface BusEventRecord {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export class LocalBus {
  constructor(private readonly options: LocalBusOptions) {
    for (const rule of options.rules) validateEventPattern(rule.pattern);
  }

  get arn(): string {
    return `arn:aws:events:${this.options.region}:${this.options.accountId}:event-bus/${this.options.name}`;
  }

  putEvents(request: { Entries?: unknown }, requestBytes: number): PutEventsResponse {
    const entries = request.Entries;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new PutEventsValidationError(
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
      );
    }
    if (entries.length > MAX_ENTRIES) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    if (requestBytes > MAX_REQUEST_BYTES) {
      throw new PutEventsValidationError(
        "Total size of the entries in the request is over the limit.",
      );
    }
    const results = entries.map((entry: PutEventsEntry) => this.putEntry(entry));
    return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
  }

  private putEntry(entry: PutEventsEntry): PutEventsResultEntry {
    const problem = entryProblem(entry);
    if (problem) return problem;
    const busName = busNameOf(entry.EventBusName);
    const event: BusEventRecord = {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType as string,
      source: entry.Source as string,
      account: this.options.accountId,
      time: eventTime(entry.Time, this.options.now()),
      region: this.options.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: JSON.parse(entry.Detail as string),
    };
    if (busName !== "default" && busName !== this.options.name) {
      return {
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `Event bus ${busName} does not exist.`,
      };
    }
    // Events on the default bus are accepted, as EventBridge does, but no rule of ours is there.
    const matched =
      busName === this.options.name
        ? this.options.rules.filter((rule) => matchesEventPattern(rule.pattern, event))
        : [];
    const body = JSON.stringify(event);
    for (const rule of matched) this.options.targets(rule.targetQueue).send(body);
    this.options.onEvent?.(
      event,
      matched.map((rule) => rule.name),
      busName,
    );
    return { EventId: event.id };
  }
}

function entryProblem(entry: PutEventsEntry): PutEventsResultEntry | null {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (typeof entry[field] !== "string" || entry[field] === "") {
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  try {
    const detail = JSON.parse(entry.Detail as string);
    if (typeof detail !== "object" || detail === null || Array.isArray(detail))
      throw new Error("not an object");
  } catch {
    return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
  }
  return null;
}

function busNameOf(value: unknown): string {
  if (typeof value !== "string" || value === "") return "default";
  return value.startsWith("arn:") ? (value.split("/").pop() ?? value) : value;
}

/** EventBridge times have second precision, in UTC. `Time` arrives as epoch seconds from the SDK. */
function eventTime(time: unknown, now: Date): string {
  const at =
    typeof time === "number"
      ? new Date(time * 1000)
      : typeof time === "string"
        ? new Date(time)
        : now;
  const valid = Number.isNaN(at.getTime()) ? now : at;
  return `${valid.toISOString().slice(0, 19)}Z`;
}
