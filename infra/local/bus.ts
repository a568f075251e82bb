// The in-process event bus: PutEvents with EventBridge's validation and response shape, and
// delivery of every matching event to the rule's target queue (the event JSON as the body).
// The whole request is validated before anything is delivered; its deliveries go out in one call.
import { randomUUID } from "node:crypto";
import { DOMAIN_EVENT_SOURCE, type RuleSpec } from "../topology.ts";
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
  constructor(
    message: string,
    readonly type: "ValidationException" | "SerializationException" = "ValidationException",
  ) {
    super(message);
  }
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
/**
 * Deepest Detail accepted, counting the Detail object as level 1 (EventBridge documents no
 * bound). Deeper is MalformedDetail, so the pattern matcher and JSON.stringify, which recurse,
 * never walk a pathological Detail.
 */
export const MAX_DETAIL_DEPTH = 32;

/** One message for one queue: a rule's target queue and the EventBridge event JSON. */
export interface BusDelivery {
  readonly queue: string;
  readonly body: string;
}

export interface LocalBusOptions {
  readonly name: string;
  readonly rules: readonly RuleSpec[];
  /**
   * Called once per PutEvents request, before it answers, with every delivery of all its
   * accepted entries (not called when there is none): the request is enqueued all or nothing.
   */
  readonly deliver: (deliveries: readonly BusDelivery[]) => void;
  readonly now: () => Date;
  readonly region: string;
  readonly accountId: string;
  /** Told about each accepted event and the rules it matched, after deliver (the runtime logs it). */
  readonly onEvent?: (
    event: BusEventRecord,
    matchedRules: readonly string[],
    busName: string,
  ) => void;
  /**
   * Test-only fault injection: an event for which this returns true is acknowledged (it gets an
   * EventId) but delivered nowhere and not told to onEvent, as if the bus had lost it.
   */
  readonly lose?: (event: BusEventRecord) => boolean;
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

type EntryError = { ErrorCode: string; ErrorMessage: string };

interface AcceptedEntry {
  readonly event: BusEventRecord;
  readonly busName: string;
  readonly matched: readonly RuleSpec[];
  readonly lost: boolean;
}

export class LocalBus {
  constructor(private readonly options: LocalBusOptions) {
    for (const rule of options.rules) validateEventPattern(rule.pattern);
  }

  get arn(): string {
    return `arn:aws:events:${this.options.region}:${this.options.accountId}:event-bus/${this.options.name}`;
  }

  /**
   * Throws PutEventsValidationError for a request EventBridge refuses as a whole; otherwise each
   * entry is accepted or answered with its error, and the accepted ones are delivered.
   * `caller.trusted`: our own functions, the only publishers of our domain events' source.
   */
  putEvents(
    request: unknown,
    requestBytes: number,
    caller: { trusted: boolean },
  ): PutEventsResponse {
    const entries = requestEntries(request, requestBytes);
    const now = this.options.now();
    const outcomes = entries.map((entry) => this.acceptEntry(entry, now, caller));
    const accepted = outcomes.filter((o): o is AcceptedEntry => "event" in o && !o.lost);
    const deliveries = accepted.flatMap(({ event, matched }) => {
      const body = JSON.stringify(event);
      return matched.map((rule) => ({ queue: rule.targetQueue, body }));
    });
    if (deliveries.length > 0) this.options.deliver(deliveries);
    for (const { event, matched, busName } of accepted) {
      this.options.onEvent?.(
        event,
        matched.map((rule) => rule.name),
        busName,
      );
    }
    const results = outcomes.map((o) => ("event" in o ? { EventId: o.event.id } : o));
    return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
  }

  private acceptEntry(
    entry: PutEventsEntry,
    now: Date,
    caller: { trusted: boolean },
  ): AcceptedEntry | EntryError {
    const fields = entryFields(entry, now);
    if ("ErrorCode" in fields) return fields;
    const busName = busNameOf(entry.EventBusName);
    if (busName !== "default" && busName !== this.options.name) {
      return {
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `Event bus ${busName} does not exist.`,
      };
    }
    if (fields.source === DOMAIN_EVENT_SOURCE && !caller.trusted) {
      return {
        ErrorCode: "NotAuthorizedForSourceException",
        ErrorMessage:
          "You do not have permissions to publish events with this source onto this event bus.",
      };
    }
    const event: BusEventRecord = {
      version: "0",
      id: randomUUID(),
      "detail-type": fields.detailType,
      source: fields.source,
      account: this.options.accountId,
      time: fields.time,
      region: this.options.region,
      resources: fields.resources,
      detail: fields.detail,
    };
    // Events on the default bus are accepted, as EventBridge does, but no rule of ours is there.
    const matched =
      busName === this.options.name
        ? this.options.rules.filter((rule) => matchesEventPattern(rule.pattern, event))
        : [];
    return { event, busName, matched, lost: this.options.lose?.(event) === true };
  }
}

/** The entries of a request EventBridge would take as a whole, or PutEventsValidationError. */
function requestEntries(request: unknown, requestBytes: number): PutEventsEntry[] {
  if (!isObject(request)) {
    throw new PutEventsValidationError(
      "The request body must be a JSON object.",
      "SerializationException",
    );
  }
  const entries = request.Entries;
  if (entries === undefined || entries === null) {
    throw new PutEventsValidationError(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(entries)) {
    throw new PutEventsValidationError("Entries must be a list.", "SerializationException");
  }
  if (entries.length === 0) {
    throw new PutEventsValidationError(
      "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (entries.length > MAX_ENTRIES) {
    throw new PutEventsValidationError(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  }
  entries.forEach((entry: unknown, i) => {
    if (entry === null) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value null at 'entries.${i + 1}.member' failed to satisfy constraint: Member must not be null`,
      );
    }
    if (!isObject(entry)) {
      throw new PutEventsValidationError(
        `Entries[${i}] must be a structure.`,
        "SerializationException",
      );
    }
  });
  if (requestBytes > MAX_REQUEST_BYTES) {
    throw new PutEventsValidationError(
      "Total size of the entries in the request is over the limit.",
    );
  }
  return entries as PutEventsEntry[];
}

interface EntryFields {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
  time: string;
}

function entryFields(entry: PutEventsEntry, now: Date): EntryFields | EntryError {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (typeof entry[field] !== "string" || entry[field] === "") {
      return invalidArgument(field, `${field} is a required argument.`);
    }
  }
  const detail = parseDetail(entry.Detail as string);
  if (typeof detail === "string") return { ErrorCode: "MalformedDetail", ErrorMessage: detail };
  const { Resources: resources, EventBusName: busName } = entry;
  if (
    resources !== undefined &&
    resources !== null &&
    !(Array.isArray(resources) && resources.every((r) => typeof r === "string"))
  ) {
    return invalidArgument("Resources", "Resources must be a list of strings.");
  }
  if (busName !== undefined && busName !== null && typeof busName !== "string") {
    return invalidArgument("EventBusName", "EventBusName must be a string.");
  }
  const time = eventTime(entry.Time, now);
  if (time === null) return invalidArgument("Time", "Time must be a valid timestamp.");
  return {
    source: entry.Source as string,
    detailType: entry.DetailType as string,
    detail,
    resources: (resources as string[] | null | undefined) ?? [],
    time,
  };
}

function invalidArgument(field: string, reason: string): EntryError {
  return {
    ErrorCode: "InvalidArgument",
    ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}`,
  };
}

/** The Detail object, or why it is malformed. */
function parseDetail(text: string): Record<string, unknown> | string {
  let detail: unknown;
  try {
    detail = JSON.parse(text); // V8's JSON.parse does not recurse, so any depth is safe here
  } catch {
    return "Detail is malformed.";
  }
  if (!isObject(detail)) return "Detail is malformed. Reason: Detail must be a JSON object.";
  if (deeperThan(detail, MAX_DETAIL_DEPTH)) {
    return `Detail is malformed. Reason: Detail is nested deeper than ${MAX_DETAIL_DEPTH} levels.`;
  }
  return detail;
}

/** Whether objects and arrays nest deeper than `max` levels; iterative, for any depth. */
function deeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

function busNameOf(value: unknown): string {
  if (typeof value !== "string" || value === "") return "default";
  return value.startsWith("arn:") ? (value.split("/").pop() ?? value) : value;
}

/** The years an ISO-8601 time of four digits can hold, in epoch ms. */
const EARLIEST_TIME = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * EventBridge times have second precision, in UTC. `Time` arrives as epoch seconds from the SDK
 * (an ISO-8601 string is also taken); absent means now; anything else is null (invalid).
 */
function eventTime(time: unknown, now: Date): string | null {
  let at: number;
  if (time === undefined || time === null) at = now.getTime();
  else if (typeof time === "number") at = time * 1000;
  else if (typeof time === "string" && time !== "") at = Date.parse(time);
  else return null;
  if (!Number.isFinite(at) || at < EARLIEST_TIME || at > LATEST_TIME) return null;
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
