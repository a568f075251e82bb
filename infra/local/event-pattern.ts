/**
 * EventBridge event patterns for the local bus, with EventBridge's semantics.
 *
 * Sources, in order of authority:
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * - where the docs are silent, aws/event-ruler, the matching library EventBridge is built on:
 *   JsonRuleCompiler (what is rejected), CIDR (address ranges), WildcardParser and
 *   MachineComplexityEvaluator ("rule is too complex", per-rule maximum 10), and
 *   rulesForJSONEvent (fields of objects in an array must come from the same element).
 * - ../shared/conformance/eventbridge-patterns, answered by EventBridge's TestEventPattern and
 *   checked by test/unit/local/event-pattern.test.ts. Where it differs from event-ruler (empty
 *   objects are accepted), it wins.
 *
 * How it works. A pattern compiles to branches, one per combination of `$or` alternatives. A
 * branch is a list of field conditions keyed by dotted path: {"a":{"b":…}} and {"a.b":…} are the
 * same path, as in EventBridge. The event flattens to the leaf values at each dotted path, each
 * leaf remembering which element of which array it sits in. A branch matches when each of its
 * conditions accepts one leaf (or the field's absence, for `exists: false`) and the chosen leaves
 * agree on the element of every array they share.
 */

export class InvalidEventPatternError extends Error {
  constructor(reason: string) {
    super(`Invalid event pattern: ${reason}`);
    this.name = "InvalidEventPatternError";
  }
}

/** Throws InvalidEventPatternError with a clear reason when EventBridge would reject the pattern. */
export function validateEventPattern(pattern: unknown): void {
  compile(pattern);
}

/** True when `event` (a whole EventBridge event: source, detail-type, detail, …) matches. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  const fields = flattenEvent(event);
  return compile(pattern).some((branch) => matchesBranch(branch, fields));
}

// ---- the compiled pattern ------------------------------------------------------------------

type Leaf = string | number | boolean | null;
type LeafTest = (value: Leaf) => boolean;
type StringTest = (value: string) => boolean;

/** One entry of a field's array of alternatives. */
interface Alternative {
  readonly accepts: LeafTest;
  /** `{"exists": false}`: the field's absence matches. */
  readonly acceptsAbsence?: boolean;
  /** A wildcard string set, counted towards the rule's complexity. */
  readonly wildcard?: WildcardSet;
}

interface FieldCondition {
  readonly path: string;
  /** The alternatives as written; equal sources share a state in event-ruler's rule machine. */
  readonly source: readonly unknown[];
  readonly accepts: LeafTest;
  readonly acceptsAbsence: boolean;
  readonly wildcards: readonly WildcardSet[];
}

type Branch = readonly FieldCondition[];

const compiled = new WeakMap<object, readonly Branch[]>();

function compile(pattern: unknown): readonly Branch[] {
  if (!isObject(pattern)) throw invalid("the pattern must be a JSON object");
  let branches = compiled.get(pattern);
  if (!branches) {
    branches = compileObject(pattern, "", false);
    checkWildcardComplexity(branches);
    compiled.set(pattern, branches);
  }
  return branches;
}

/** Field names event-ruler reserves inside `$or` (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  ...["exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard"],
  ...["numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard"],
  ...["not-equals-ignore-case", "date-after", "date-on-or-after", "date-before"],
  ...["date-on-or-before", "in-date-range", "ip-address-in-range", "ip-address-not-in-range"],
]);

/** An object of the pattern: every key must match (AND); `$or` forks the branches. */
function compileObject(
  object: Record<string, unknown>,
  prefix: string,
  insideOr: boolean,
): Branch[] {
  let branches: Branch[] = [[]];
  for (const [key, value] of Object.entries(object)) {
    if (key === "$or") {
      branches = combine(branches, compileOr(value, prefix));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw invalid(`"${key}" is a reserved word and cannot be a field name inside $or`);
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) branches = combine(branches, [[compileField(path, value)]]);
    else if (isObject(value)) branches = combine(branches, compileObject(value, path, insideOr));
    else throw invalid(`"${key}" must be an object or an array`);
  }
  return branches;
}

function compileOr(value: unknown, prefix: string): Branch[] {
  if (!Array.isArray(value)) throw invalid("$or must be followed by an array");
  if (!value.every(isObject)) throw invalid("$or takes only JSON objects");
  if (value.length < 2) throw invalid("$or needs at least 2 objects");
  return value.flatMap((alternative) => compileObject(alternative, prefix, true));
}

/** Every pairing of a branch with an addition; a path written twice keeps its last condition. */
function combine(branches: readonly Branch[], additions: readonly Branch[]): Branch[] {
  return branches.flatMap((branch) =>
    additions.map((addition) => {
      const byPath = new Map(branch.map((condition) => [condition.path, condition]));
      for (const condition of addition) byPath.set(condition.path, condition);
      return [...byPath.values()];
    }),
  );
}

/** A field's array of alternatives (OR). */
function compileField(path: string, source: readonly unknown[]): FieldCondition {
  if (source.length === 0) throw invalid(`"${path}": empty arrays are not allowed`);
  const alternatives = source.map((alternative) => compileAlternative(alternative, path));
  return {
    path,
    source,
    accepts: (value) => alternatives.some((alternative) => alternative.accepts(value)),
    acceptsAbsence: alternatives.some((alternative) => alternative.acceptsAbsence === true),
    wildcards: alternatives.flatMap((alternative) => alternative.wildcard ?? []),
  };
}

function compileAlternative(alternative: unknown, path: string): Alternative {
  if (isObject(alternative)) return compileOperator(alternative, path);
  if (typeof alternative === "string") return { accepts: exactString(alternative) };
  if (isLeaf(alternative)) return { accepts: (value) => value === alternative };
  throw invalid(`"${path}": a match value must be a string, number, true, false, null or operator`);
}

/** A string; one that is an IP address matches every spelling of that address (CIDR.ipToRangeIfPossible). */
function exactString(text: string): LeafTest {
  const address = parseIp(text);
  if (!address) return (value) => value === text;
  return (value) => typeof value === "string" && sameAddress(parseIp(value), address);
}

function compileOperator(object: Record<string, unknown>, path: string): Alternative {
  const [operator, operand] = onlyEntry(object, `"${path}"`);
  const where = `"${path}" ${operator}`;
  switch (operator) {
    case "prefix":
    case "suffix":
      return { accepts: onStrings(affixTest(operand, where, operator)) };
    case "equals-ignore-case": {
      const text = requireString(operand, where);
      return { accepts: onStrings((value) => equalsIgnoringCase(value, text)) };
    }
    case "wildcard": {
      const tokens = wildcardTokens(requireString(operand, where), where);
      return { accepts: onStrings(wildcardTest(tokens)), wildcard: wildcardSet("plain", [tokens]) };
    }
    case "numeric":
      return { accepts: onNumbers(numericRange(operand, where)) };
    case "exists":
      return exists(operand, where);
    case "cidr":
      return { accepts: onStrings(cidrTest(operand, where)) };
    case "anything-but":
      return anythingBut(operand, where);
    default:
      throw invalid(
        `unrecognized match type "${operator}" at "${path}" (operators are lower case)`,
      );
  }
}

// ---- string operators ----------------------------------------------------------------------

const onStrings =
  (test: StringTest): LeafTest =>
  (value) =>
    typeof value === "string" && test(value);

type Side = "prefix" | "suffix";

function hasAffix(value: string, affix: string, side: Side): boolean {
  return side === "prefix" ? value.startsWith(affix) : value.endsWith(affix);
}

/** `prefix`/`suffix`: a string (empty allowed), or `{"equals-ignore-case": string}`. */
function affixTest(operand: unknown, where: string, side: Side): StringTest {
  if (!isObject(operand)) {
    const affix = requireString(operand, where);
    return (value) => hasAffix(value, affix, side);
  }
  const [inner, text] = onlyEntry(operand, where);
  if (inner !== "equals-ignore-case") throw invalid(`${where} does not take "${inner}"`);
  const affix = [...requireString(text, `${where} equals-ignore-case`)];
  return (value) => {
    const chars = [...value];
    const start = side === "prefix" ? 0 : chars.length - affix.length;
    return start >= 0 && sameCharsIgnoringCase(chars.slice(start, start + affix.length), affix);
  };
}

function equalsIgnoringCase(value: string, pattern: string): boolean {
  return sameCharsIgnoringCase([...value], [...pattern]);
}

/** Character by character, as event-ruler folds case: each pattern character, its lower and its upper case. */
function sameCharsIgnoringCase(value: readonly string[], pattern: readonly string[]): boolean {
  return (
    value.length === pattern.length &&
    pattern.every((char, i) => caseVariants(char).includes(value[i] as string))
  );
}

function caseVariants(char: string): string[] {
  return [char, char.toLowerCase(), char.toUpperCase()].filter(
    (variant) => [...variant].length === 1,
  );
}

// ---- wildcard ------------------------------------------------------------------------------

/** Token for an unescaped `*`; every other token is a UTF-8 byte. */
const STAR = -1;
const ASTERISK = 0x2a;
const BACKSLASH = 0x5c;

/** The string as event-ruler's WildcardParser reads it: `\*` and `\\` are literal, `**` and other escapes are errors. */
function wildcardTokens(text: string, where: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  const tokens: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    const next = bytes[i + 1];
    if (byte === ASTERISK) {
      if (next === ASTERISK) throw invalid(`${where}: consecutive wildcard characters at pos ${i}`);
      tokens.push(STAR);
    } else if (byte === BACKSLASH) {
      if (next !== ASTERISK && next !== BACKSLASH)
        throw invalid(`${where}: invalid escape character at pos ${i}`);
      tokens.push(next);
      i++;
    } else {
      tokens.push(byte as number);
    }
  }
  return tokens;
}

function wildcardTest(tokens: readonly number[]): StringTest {
  const decoder = new TextDecoder();
  let source = "";
  let literal: number[] = [];
  const flushLiteral = () => {
    source += escapeRegExp(decoder.decode(new Uint8Array(literal)));
    literal = [];
  };
  for (const token of tokens) {
    if (token !== STAR) literal.push(token);
    else {
      flushLiteral();
      source += "[\\s\\S]*";
    }
  }
  flushLiteral();
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---- numeric -------------------------------------------------------------------------------

const onNumbers =
  (test: (value: number) => boolean): LeafTest =>
  (value) =>
    typeof value === "number" && test(value);

const COMPARISONS = new Map<unknown, (value: number, bound: number) => boolean>([
  ["=", (value, bound) => value === bound],
  [">", (value, bound) => value > bound],
  [">=", (value, bound) => value >= bound],
  ["<", (value, bound) => value < bound],
  ["<=", (value, bound) => value <= bound],
]);

/**
 * `numeric`: one comparison (`["=", 5]`, `["<", 10]`, …) or a range: a lower bound then an
 * upper bound, the lower below the upper (`[">", 0, "<=", 5]`). Compared as doubles, so 3.0 == 3.
 */
function numericRange(operand: unknown, where: string): (value: number) => boolean {
  if (!Array.isArray(operand)) throw invalid(`${where} must be an array`);
  const [operator, bound, upperOperator, upperBound, ...extra] = operand as unknown[];
  const first = comparison(operator, bound, where);
  if (operand.length <= 2) return first;
  if (operator !== ">" && operator !== ">=")
    throw invalid(`${where}: "${operator}" cannot start a range`);
  if (upperOperator !== "<" && upperOperator !== "<=")
    throw invalid(`${where}: a range ends with "<" or "<=", not ${JSON.stringify(upperOperator)}`);
  const second = comparison(upperOperator, upperBound, where);
  if (extra.length > 0) throw invalid(`${where}: too many terms`);
  if (!((bound as number) < (upperBound as number)))
    throw invalid(`${where}: the lower bound must be below the upper bound`);
  return (value) => first(value) && second(value);
}

function comparison(operator: unknown, bound: unknown, where: string): (value: number) => boolean {
  const compare = COMPARISONS.get(operator);
  if (!compare) throw invalid(`${where}: unrecognized comparison ${JSON.stringify(operator)}`);
  if (typeof bound !== "number" || !Number.isFinite(bound))
    throw invalid(`${where}: the value of "${operator}" must be a number`);
  return (value) => compare(value, bound);
}

// ---- exists, anything-but ------------------------------------------------------------------

/** `exists`: true matches any leaf value (null included); false matches a field with no leaf value. */
function exists(operand: unknown, where: string): Alternative {
  if (operand === true) return { accepts: () => true };
  if (operand === false) return { accepts: () => false, acceptsAbsence: true };
  throw invalid(`${where} takes true or false`);
}

/**
 * `anything-but`: a string or number, or a list of only strings or only numbers; or
 * `{prefix|suffix|equals-ignore-case|wildcard: string or list of strings}`. A missing field
 * never matches; a leaf of another type (null, a number for a string test, …) always does.
 */
function anythingBut(operand: unknown, where: string): Alternative {
  if (isObject(operand)) return anythingButOperator(operand, where);
  const excluded = anythingButValues(operand, where);
  return { accepts: (value) => !excluded.includes(value) };
}

function anythingButValues(operand: unknown, where: string): readonly Leaf[] {
  if (!Array.isArray(operand) && typeof operand !== "string" && typeof operand !== "number") {
    throw invalid(`${where} takes a string, a number, a list or an operator object`);
  }
  const values: unknown[] = Array.isArray(operand) ? operand : [operand];
  if (!values.every((value) => typeof value === "string" || typeof value === "number")) {
    throw invalid(`${where}: a list holds only strings or numbers (no null, boolean or nesting)`);
  }
  const allStrings = values.every((value) => typeof value === "string");
  const allNumbers = values.every((value) => typeof value === "number");
  if (values.length === 0 || (!allStrings && !allNumbers)) {
    throw invalid(`${where}: a list holds either only numbers or only strings`);
  }
  return values as Leaf[];
}

function anythingButOperator(operand: Record<string, unknown>, where: string): Alternative {
  const [inner, value] = onlyEntry(operand, where);
  const at = `${where} ${inner}`;
  const texts = anythingButTexts(value, at);
  let excludes: StringTest;
  let wildcard: WildcardSet | undefined;
  switch (inner) {
    case "prefix":
    case "suffix": {
      if (texts.includes("")) throw invalid(`${at}: an empty prefix or suffix is not allowed`);
      excludes = (text) => texts.some((affix) => hasAffix(text, affix, inner));
      break;
    }
    case "equals-ignore-case":
      excludes = (text) => texts.some((other) => equalsIgnoringCase(text, other));
      break;
    case "wildcard": {
      const tokenLists = texts.map((text) => wildcardTokens(text, at));
      const tests = tokenLists.map(wildcardTest);
      excludes = (text) => tests.some((test) => test(text));
      wildcard = wildcardSet("anything-but", tokenLists);
      break;
    }
    default:
      throw invalid(`${where}: unsupported anything-but pattern "${inner}"`);
  }
  return { accepts: (leaf) => typeof leaf !== "string" || !excludes(leaf), wildcard };
}

/** A string or a list of strings (an empty list is allowed, and excludes nothing). */
function anythingButTexts(value: unknown, where: string): string[] {
  const texts: unknown[] = Array.isArray(value) ? value : [value];
  if (!texts.every((text) => typeof text === "string")) {
    throw invalid(`${where} takes a string or a list of strings`);
  }
  return texts as string[];
}

// ---- IP addresses --------------------------------------------------------------------------

interface Address {
  readonly value: bigint;
  readonly bits: 32 | 128;
}

/**
 * `cidr`: "address/bits", up to /31 for IPv4 and /127 for IPv6. As in event-ruler, the range
 * runs from the address as written (host bits are not cleared) to that address with all host
 * bits set.
 */
function cidrTest(operand: unknown, where: string): StringTest {
  const text = requireString(operand, where);
  const parts = text.split("/");
  while (parts.at(-1) === "") parts.pop(); // Java's String.split drops trailing empty parts
  const [addressText = "", bitsText = ""] = parts;
  const address = parseIp(addressText);
  const bits = /^[+-]?\d{1,9}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (parts.length !== 2 || !address || !(bits >= 0 && bits < address.bits)) {
    throw invalid(`${where}: "${text}" is not a CIDR block such as 10.0.0.0/24`);
  }
  const top = address.value | ((1n << BigInt(address.bits - bits)) - 1n);
  return (value) => {
    const ip = parseIp(value);
    return ip !== null && ip.bits === address.bits && ip.value >= address.value && ip.value <= top;
  };
}

function sameAddress(a: Address | null, b: Address): boolean {
  return a !== null && a.bits === b.bits && a.value === b.value;
}

function parseIp(text: string): Address | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) return parseIpv4(text);
  if (/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text)) return parseIpv6(text);
  return null;
}

function parseIpv4(text: string): Address | null {
  const octets = text.split(".").map(Number);
  if (!octets.every((octet) => octet <= 255)) return null;
  return { value: octets.reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n), bits: 32 };
}

function parseIpv6(text: string): Address | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const [head = "", tail = ""] = halves;
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [
    ...headGroups,
    ...Array<string>(halves.length === 2 ? missing : 0).fill("0"),
    ...tailGroups,
  ];
  if (!groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return null;
  const value = groups.reduce((acc, group) => (acc << 16n) | BigInt(`0x${group}`), 0n);
  // Java's InetAddress reads an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address.
  if (value >> 32n === 0xffffn) return { value: value & 0xffffffffn, bits: 32 };
  return { value, bits: 128 };
}

// ---- wildcard complexity -------------------------------------------------------------------

/**
 * EventBridge rejects a rule whose wildcards are too complex: "Rule is too complex - try using
 * fewer wildcard characters or fewer repeating character sequences after a wildcard character".
 * event-ruler's MachineComplexityEvaluator measures, for each field's byte machine, the largest
 * number of wildcard-pattern prefixes one input can match at once; the per-rule maximum is 10.
 */
const MAX_WILDCARD_COMPLEXITY = 10;

/** One wildcard pattern object of the rule machine: a `wildcard` string, or an `anything-but` wildcard set. */
interface WildcardSet {
  readonly key: string;
  /** Each string as bytes between the JSON quotes event-ruler keeps, STAR for `*`. */
  readonly strings: readonly (readonly number[])[];
}

const QUOTE = 0x22;

function wildcardSet(kind: string, strings: readonly (readonly number[])[]): WildcardSet {
  const quoted = strings.map((tokens) => [QUOTE, ...tokens, QUOTE]);
  return { key: `${kind}:${JSON.stringify(quoted.map(String).sort())}`, strings: quoted };
}

/**
 * Groups the wildcard sets by the byte machine event-ruler would hold them in: a field reached
 * through the same conditions on the fields sorting before it.
 */
function checkWildcardComplexity(branches: readonly Branch[]): void {
  const machines = new Map<string, Map<string, WildcardSet>>();
  for (const branch of branches) {
    const sorted = [...branch].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    sorted.forEach((condition, i) => {
      if (condition.wildcards.length === 0) return;
      const before = sorted.slice(0, i).map((earlier) => [earlier.path, earlier.source]);
      const key = JSON.stringify([before, condition.path]);
      const sets = machines.get(key) ?? new Map<string, WildcardSet>();
      for (const set of condition.wildcards) sets.set(set.key, set);
      machines.set(key, sets);
    });
  }
  for (const sets of machines.values()) {
    if (wildcardComplexity([...sets.values()]) > MAX_WILDCARD_COMPLEXITY) {
      throw invalid(
        "rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character",
      );
    }
  }
}

/** A position in one string of one set: how many tokens have been matched. */
type Position = readonly [set: number, string: number, matched: number];

/**
 * Explores every set of positions an input can reach (subset construction over the patterns'
 * bytes plus one byte none of them uses) and returns the largest count of distinct prefixes
 * matched at once, stopping once it exceeds the maximum. A set's strings share their common
 * prefixes and their final state, as in event-ruler's byte machine.
 */
function wildcardComplexity(sets: readonly WildcardSet[]): number {
  const tokensOf = ([set, string]: Position) => sets[set]?.strings[string] ?? [];
  const bytes = new Set(
    sets.flatMap((set) => set.strings.flat()).filter((token) => token !== STAR),
  );
  const alphabet = [...bytes, 256];
  const start = sets.flatMap((set, s) => set.strings.map((_, i): Position => [s, i, 0]));
  const seen = new Set<string>();
  const pending = [withEmptyStars(start, tokensOf)];
  let worst = 0;
  for (let current = pending.pop(); current; current = pending.pop()) {
    for (const byte of alphabet) {
      const next = withEmptyStars(advance(current, byte, tokensOf), tokensOf);
      worst = Math.max(worst, matchedPrefixes(next, tokensOf));
      if (worst > MAX_WILDCARD_COMPLEXITY) return worst;
      const key = next.map(String).sort().join(" ");
      if (next.length > 0 && !seen.has(key)) {
        seen.add(key);
        pending.push(next);
      }
    }
  }
  return worst;
}

type TokensOf = (position: Position) => readonly number[];

/** Positions after reading one byte: a star keeps consuming, a literal moves on when it matches. */
function advance(positions: readonly Position[], byte: number, tokensOf: TokensOf): Position[] {
  return positions.flatMap((position) => {
    const [set, string, matched] = position;
    const tokens = tokensOf(position);
    const after: Position[] = [];
    if (matched > 0 && tokens[matched - 1] === STAR) after.push(position);
    if (tokens[matched] === byte) after.push([set, string, matched + 1]);
    return after;
  });
}

/** A star may match nothing: a position before a star is also past it. */
function withEmptyStars(positions: readonly Position[], tokensOf: TokensOf): Position[] {
  const result = new Map(positions.map((position) => [String(position), position]));
  for (const position of result.values()) {
    const [set, string, matched] = position;
    if (tokensOf(position)[matched] === STAR) {
      const past: Position = [set, string, matched + 1];
      result.set(String(past), past);
    }
  }
  return [...result.values()];
}

function matchedPrefixes(positions: readonly Position[], tokensOf: TokensOf): number {
  const prefixes = positions
    .filter(([, , matched]) => matched > 0)
    .map((position) => {
      const [set, , matched] = position;
      const tokens = tokensOf(position);
      return `${set}:${matched === tokens.length ? "end" : tokens.slice(0, matched).join(",")}`;
    });
  return new Set(prefixes).size;
}

// ---- the event -----------------------------------------------------------------------------

/** A leaf value of the event, and the element it sits in of each enclosing array (array id → index). */
interface Occurrence {
  readonly value: Leaf;
  readonly elements: ReadonlyMap<number, number>;
}

/** Dotted path → leaf values at that path. Objects and empty arrays are not leaves. */
function flattenEvent(event: unknown): Map<string, Occurrence[]> {
  const fields = new Map<string, Occurrence[]>();
  let arrays = 0;
  const visit = (value: unknown, path: string, elements: ReadonlyMap<number, number>) => {
    if (Array.isArray(value)) {
      const id = arrays++;
      value.forEach((element, index) => visit(element, path, new Map(elements).set(id, index)));
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value))
        visit(child, path ? `${path}.${key}` : key, elements);
    } else if (isLeaf(value)) {
      const occurrences = fields.get(path) ?? [];
      occurrences.push({ value, elements });
      fields.set(path, occurrences);
    }
  };
  if (isObject(event)) visit(event, "", new Map());
  return fields;
}

/** Each condition accepts one leaf, or the field's absence; chosen leaves share their array elements. */
function matchesBranch(
  conditions: Branch,
  fields: ReadonlyMap<string, readonly Occurrence[]>,
  chosen: readonly Occurrence[] = [],
): boolean {
  const [condition, ...rest] = conditions;
  if (!condition) return true;
  const occurrences = fields.get(condition.path);
  if (!occurrences) return condition.acceptsAbsence && matchesBranch(rest, fields, chosen);
  return occurrences.some(
    (occurrence) =>
      condition.accepts(occurrence.value) &&
      chosen.every((other) => sameElements(occurrence, other)) &&
      matchesBranch(rest, fields, [...chosen, occurrence]),
  );
}

/** False when the two leaves sit in different elements of one array. */
function sameElements(a: Occurrence, b: Occurrence): boolean {
  for (const [array, index] of a.elements) {
    const other = b.elements.get(array);
    if (other !== undefined && other !== index) return false;
  }
  return true;
}

// ---- helpers -------------------------------------------------------------------------------

function invalid(reason: string): InvalidEventPatternError {
  return new InvalidEventPatternError(reason);
}

/** The single key and value of an operator object. */
function onlyEntry(object: Record<string, unknown>, where: string): [string, unknown] {
  const entries = Object.entries(object);
  if (entries.length === 0) throw invalid(`${where}: an operator object needs an operator`);
  if (entries.length > 1) throw invalid(`${where}: only one key is allowed in an operator object`);
  return entries[0] as [string, unknown];
}

function requireString(operand: unknown, where: string): string {
  if (typeof operand !== "string") throw invalid(`${where} takes a string`);
  return operand;
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
