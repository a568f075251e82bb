// EventBridge event patterns, with EventBridge's semantics, for the local bus.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
//
// Both the pattern and the event are flattened to dotted paths of leaf values (arrays
// contribute each element), which is how EventBridge treats `{"a":{"b":…}}` and `{"a.b":…}`
// alike and matches any element of an array. A pattern matches when every path of one of its
// `$or` branches has a matcher that accepts one of the event's leaf values at that path.
// Checked against ../shared/conformance/eventbridge-patterns (test/unit/local/event-pattern.test.ts).

export class InvalidEventPatternError extends Error {
  constructor(reason: string) {
    super(`Invalid event pattern: ${reason}`);
    this.name = "InvalidEventPatternError";
  }
}

type Leaf = string | number | boolean | null;
type Matcher = (values: readonly Leaf[]) => boolean;
/** One alternative of the pattern: every path must match. */
type Branch = ReadonlyMap<string, Matcher>;

/** Throws InvalidEventPatternError with a clear reason when EventBridge would reject the pattern. */
export function validateEventPattern(pattern: unknown): void {
  compile(pattern);
}

/** True when `event` (a whole EventBridge event: source, detail-type, detail, …) matches. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  const values = flattenEvent(event);
  return compile(pattern).some((branch) =>
    [...branch].every(([path, matcher]) => matcher(values.get(path) ?? [])),
  );
}

// ---- compiling the pattern ----------------------------------------------------------------

const cache = new WeakMap<object, Branch[]>();

function compile(pattern: unknown): Branch[] {
  if (!isObject(pattern)) throw new InvalidEventPatternError("the pattern must be a JSON object");
  const cached = cache.get(pattern);
  if (cached) return cached;
  const branches = compileObject(pattern, "");
  cache.set(pattern, branches);
  return branches;
}

function compileObject(pattern: Record<string, unknown>, prefix: string): Branch[] {
  let branches: Map<string, Matcher>[] = [new Map()];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        throw new InvalidEventPatternError("$or must be an array of at least two objects");
      }
      const alternatives = value.flatMap((alternative) => compileObject(alternative, prefix));
      branches = branches.flatMap((branch) =>
        alternatives.map((alt) => new Map([...branch, ...alt])),
      );
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      const matcher = compileMatchers(value, path);
      for (const branch of branches) branch.set(path, matcher);
    } else if (isObject(value)) {
      const nested = compileObject(value, path);
      branches = branches.flatMap((branch) => nested.map((n) => new Map([...branch, ...n])));
    } else {
      throw new InvalidEventPatternError(
        `"${path}" must be an array of values or an object, got ${JSON.stringify(value)}`,
      );
    }
  }
  return branches;
}

/** An array of alternatives: literal values and operator objects. */
function compileMatchers(alternatives: unknown[], path: string): Matcher {
  if (alternatives.length === 0) throw new InvalidEventPatternError(`"${path}" has an empty array`);
  const matchers = alternatives.map((alternative) => compileMatcher(alternative, path));
  return (values) => matchers.some((matcher) => matcher(values));
}

function compileMatcher(alternative: unknown, path: string): Matcher {
  if (!isObject(alternative)) {
    if (Array.isArray(alternative))
      throw new InvalidEventPatternError(`"${path}" nests an array in an array`);
    const literal = alternative as Leaf;
    return (values) => values.some((value) => equalLeaves(value, literal));
  }
  const entries = Object.entries(alternative);
  if (entries.length !== 1)
    throw new InvalidEventPatternError(`"${path}": an operator object has exactly one key`);
  const [operator, operand] = entries[0] as [string, unknown];
  const where = `"${path}" ${operator}`;
  switch (operator) {
    case "prefix":
      return anyString(stringTest(operand, where, (v, p) => v.startsWith(p), true));
    case "suffix":
      return anyString(stringTest(operand, where, (v, s) => v.endsWith(s), true));
    case "equals-ignore-case":
      return anyString(ignoreCase(requireString(operand, where), (v, s) => v === s));
    case "wildcard":
      return anyString(wildcard(requireString(operand, where), where));
    case "numeric":
      return anyNumber(numericRange(operand, where));
    case "exists":
      if (typeof operand !== "boolean")
        throw new InvalidEventPatternError(`${where} takes true or false`);
      return (values) => values.length > 0 === operand;
    case "cidr":
      return anyString(cidr(operand, where));
    case "anything-but":
      return anythingBut(operand, where);
    default:
      throw new InvalidEventPatternError(
        `unknown operator ${JSON.stringify(operator)} at "${path}" (operators are lower case)`,
      );
  }
}

// ---- operators -----------------------------------------------------------------------------

type StringTest = (value: string) => boolean;

const anyString =
  (test: StringTest): Matcher =>
  (values) =>
    values.some((value) => typeof value === "string" && test(value));

const anyNumber =
  (test: (value: number) => boolean): Matcher =>
  (values) =>
    values.some((value) => typeof value === "number" && test(value));

function requireString(operand: unknown, where: string): string {
  if (typeof operand !== "string") throw new InvalidEventPatternError(`${where} takes a string`);
  return operand;
}

/** `prefix`/`suffix`: a string, or `{ "equals-ignore-case": string }`. */
function stringTest(
  operand: unknown,
  where: string,
  test: (value: string, operand: string) => boolean,
  allowEmpty: boolean,
): StringTest {
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== "equals-ignore-case") {
      throw new InvalidEventPatternError(
        `${where} takes a string or {"equals-ignore-case": string}`,
      );
    }
    return ignoreCase(requireString(operand["equals-ignore-case"], where), test);
  }
  const text = requireString(operand, where);
  if (!allowEmpty && text === "") throw new InvalidEventPatternError(`${where} must not be empty`);
  return (value) => test(value, text);
}

function ignoreCase(
  operand: string,
  test: (value: string, operand: string) => boolean,
): StringTest {
  const folded = operand.toLowerCase();
  return (value) => test(value.toLowerCase(), folded);
}

const MAX_WILDCARDS = 5;

/** `*` matches any run of characters; `\*` is a literal star; `**` is not allowed. */
function wildcard(pattern: string, where: string): StringTest {
  if (/(?<!\\)\*\*/.test(pattern))
    throw new InvalidEventPatternError(`${where} must not contain consecutive wildcards`);
  const stars = pattern.match(/(?<!\\)\*/g)?.length ?? 0;
  if (stars > MAX_WILDCARDS)
    throw new InvalidEventPatternError(
      `${where} is too complex (more than ${MAX_WILDCARDS} wildcards)`,
    );
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "\\")) {
      source += escapeRegExp(pattern[i + 1] as string);
      i++;
    } else if (char === "*") source += "[\\s\\S]*";
    else source += escapeRegExp(char);
  }
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const LOWER = new Set([">", ">="]);
const UPPER = new Set(["<", "<="]);

/** `numeric`: `["=", n]`, or up to one lower and one upper bound, e.g. `[">", 0, "<=", 5]`. */
function numericRange(operand: unknown, where: string): (value: number) => boolean {
  if (
    !Array.isArray(operand) ||
    operand.length === 0 ||
    operand.length % 2 !== 0 ||
    operand.length > 4
  ) {
    throw new InvalidEventPatternError(
      `${where} takes [operator, number] pairs, e.g. [">", 0, "<=", 5]`,
    );
  }
  const tests: ((value: number) => boolean)[] = [];
  let lower: number | undefined;
  let upper: number | undefined;
  let equals = false;
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    if (typeof bound !== "number" || !Number.isFinite(bound))
      throw new InvalidEventPatternError(`${where}: ${JSON.stringify(bound)} is not a number`);
    if (op === "=") {
      if (operand.length !== 2) throw new InvalidEventPatternError(`${where}: "=" stands alone`);
      equals = true;
      tests.push((value) => value === bound);
    } else if (LOWER.has(op)) {
      if (lower !== undefined) throw new InvalidEventPatternError(`${where} has two lower bounds`);
      lower = bound;
      tests.push(op === ">" ? (value) => value > bound : (value) => value >= bound);
    } else if (UPPER.has(op)) {
      if (upper !== undefined) throw new InvalidEventPatternError(`${where} has two upper bounds`);
      upper = bound;
      tests.push(op === "<" ? (value) => value < bound : (value) => value <= bound);
    } else {
      throw new InvalidEventPatternError(`${where}: unknown comparison ${JSON.stringify(op)}`);
    }
  }
  if (!equals && lower !== undefined && upper !== undefined && lower >= upper) {
    throw new InvalidEventPatternError(`${where}: the lower bound must be below the upper bound`);
  }
  return (value) => tests.every((test) => test(value));
}

/** `anything-but`: a value or list of values, or `{prefix|suffix|equals-ignore-case|wildcard: …}`. */
function anythingBut(operand: unknown, where: string): Matcher {
  let excluded: (value: Leaf) => boolean;
  if (isObject(operand)) {
    const entries = Object.entries(operand);
    if (entries.length !== 1) throw new InvalidEventPatternError(`${where} takes one operator`);
    const [inner, value] = entries[0] as [string, unknown];
    const texts = stringList(value, `${where} ${inner}`);
    const test = innerStringTest(inner, texts, `${where} ${inner}`);
    excluded = (v) => typeof v === "string" && test(v);
  } else {
    const list = Array.isArray(operand) ? operand : [operand];
    if (list.length === 0) throw new InvalidEventPatternError(`${where} has an empty list`);
    const allStrings = list.every((v) => typeof v === "string");
    const allNumbers = list.every((v) => typeof v === "number");
    if (!allStrings && !allNumbers)
      throw new InvalidEventPatternError(`${where} takes strings or numbers (not null, not mixed)`);
    excluded = (v) => list.some((item) => equalLeaves(v, item as Leaf));
  }
  // A missing field matches nothing; null and values of another type are "anything but".
  return (values) => values.some((value) => !excluded(value));
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string")) {
    throw new InvalidEventPatternError(`${where} takes a string or a list of strings`);
  }
  return list as string[];
}

function innerStringTest(operator: string, texts: string[], where: string): StringTest {
  switch (operator) {
    case "prefix":
    case "suffix": {
      if (texts.some((t) => t === ""))
        throw new InvalidEventPatternError(`${where} must not be empty`);
      return (v) => texts.some((t) => (operator === "prefix" ? v.startsWith(t) : v.endsWith(t)));
    }
    case "equals-ignore-case": {
      const folded = texts.map((t) => t.toLowerCase());
      return (v) => folded.includes(v.toLowerCase());
    }
    case "wildcard": {
      const tests = texts.map((t) => wildcard(t, where));
      return (v) => tests.some((test) => test(v));
    }
    default:
      throw new InvalidEventPatternError(`${where}: anything-but does not take ${operator}`);
  }
}

/** `cidr`: an IPv4 or IPv6 network, e.g. "10.0.0.0/24". */
function cidr(operand: unknown, where: string): StringTest {
  const text = requireString(operand, where);
  const [address, bitsText, extra] = text.split("/");
  const network = address === undefined ? null : parseIp(address);
  const bits = Number(bitsText);
  if (extra !== undefined || !network || !/^\d{1,3}$/.test(bitsText ?? "") || bits > network.bits) {
    throw new InvalidEventPatternError(`${where}: "${text}" is not a CIDR block`);
  }
  return (value) => {
    const ip = parseIp(value);
    if (!ip || ip.bits !== network.bits) return false;
    const shift = BigInt(network.bits - bits);
    return ip.value >> shift === network.value >> shift;
  };
}

function parseIp(text: string): { value: bigint; bits: number } | null {
  if (text.includes(":")) return parseIpv6(text);
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return null;
  return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
}

function parseIpv6(text: string): { value: bigint; bits: number } | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), bits: 128 };
}

// ---- the event ----------------------------------------------------------------------------

/** Dotted path → leaf values at that path (array elements each count; objects are not leaves). */
function flattenEvent(event: unknown): Map<string, Leaf[]> {
  const values = new Map<string, Leaf[]>();
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element, path);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key);
    } else {
      const list = values.get(path);
      if (list) list.push(value as Leaf);
      else values.set(path, [value as Leaf]);
    }
  };
  visit(event, "");
  return values;
}

function equalLeaves(a: Leaf, b: Leaf): boolean {
  return a === b;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
