// What a customer's words say, independent of who the customer is: the problem category, the
// signals (a complaint, a demand, a threat to go outside, "again"), a stated goods value, and
// the phrases that matched (for the case's reasons). The rules are data in rules.ts; this
// module compiles them once, at load, into regular expressions over normalized text.
import type { Category } from "../case.ts";
import { normalize } from "./normalize.ts";
import {
  AMOUNTS,
  CATEGORY_PHRASES,
  EXCEPTIONS,
  GAP,
  GAP_REACH,
  IRREGULAR_FORMS,
  LONG_GAP,
  NEGATION,
  NEUTRAL_PHRASES,
  PRECEDENCE,
  type PhraseTag,
  SIGNAL_PHRASES,
  STRONG_EVIDENCE,
  TRACKING_WORDS,
} from "./rules.ts";

export const SIGNALS = ["complaint", "demand", "outside-escalation", "stated-repeat"] as const;
export type Signal = (typeof SIGNALS)[number];

export interface TextMatch {
  readonly category: Category | "signal";
  /** The rule's phrase as written in rules.ts (never the customer's words). */
  readonly phrase: string;
  /** Which signal, for a signal phrase. */
  readonly signal?: Signal;
}

export interface TextReading {
  /** null when the text has no category evidence at all. */
  readonly category: Category | null;
  /** 0..1: high for one clear problem, lower for weak cues or several competing problems. */
  readonly confidence: number;
  /** Sorted (in SIGNALS order), unique. */
  readonly signals: readonly Signal[];
  /** The largest amount the text states as the goods' value, in CNY. */
  readonly declaredValueCny?: number;
  readonly matches: readonly TextMatch[];
}

// ---------------------------------------------------------------------------------------------
// Compiling the rules

type Kind = "category" | "signal" | "tracking" | "neutral";

interface CompiledPhrase {
  readonly kind: Kind;
  readonly category?: Category;
  readonly signal?: Signal;
  readonly phrase: string;
  readonly weight: number;
  readonly tags: readonly PhraseTag[];
  readonly latin: boolean;
  readonly regex: RegExp;
  /** A substring every match contains: the regex runs only when the text has it. */
  readonly anchor: string;
}

const LATIN_WORD = /[a-z0-9']+/g;
const LATIN_START = /^[a-z0-9]/;
const LATIN_END = /[a-z0-9]$/;
const CLAUSE_END = ",.!?;:。、\\n";
const SENTENCE_END = ".!?;。\\n";
/** Small words that are never inflected. */
const FIXED_WORDS = new Set([
  "the", "and", "not", "was", "you", "your", "for", "has", "have", "been", "are", "can", "did",
  "does", "this", "that", "with", "from", "its", "still", "very", "too", "just", "please", "why",
  "how", "what", "when", "where", "who", "there", "here", "yet", "will", "all", "any", "about",
  "one", "someone", "nothing", "never", "without", "again", "time", "is", "it", "my", "me",
]); // prettier-ignore

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A Latin word with its regular and irregular inflections. */
function inflections(word: string): string[] {
  if (word.length < 3 || FIXED_WORDS.has(word) || !/^[a-z]+$/.test(word)) return [word];
  const forms = new Set([word, word + "s", word + "es", word + "ed", word + "ing"]);
  if (word.endsWith("e")) {
    forms.add(word + "d");
    forms.add(word.slice(0, -1) + "ing");
  }
  if (/[^aeiou]y$/.test(word)) {
    forms.add(word.slice(0, -1) + "ied");
    forms.add(word.slice(0, -1) + "ies");
  }
  if (word.length <= 4 && /[^aeiou][aeiou][^aeiouwxy]$/.test(word)) {
    const last = word.slice(-1);
    forms.add(word + last + "ed");
    forms.add(word + last + "ing");
  }
  for (const f of IRREGULAR_FORMS[word] ?? []) forms.add(f);
  return [...forms].sort((a, b) => b.length - a.length);
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? "";
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Regex source for literal text: Latin words get their inflections and word boundaries. Also
 * the substrings any match must contain (the non-Latin runs, the Latin words' common prefixes).
 */
function literalSource(text: string, anchors: string[]): string {
  let out = "";
  let last = 0;
  const literal = (t: string): void => {
    out += escapeRegex(t);
    if (t.trim()) anchors.push(t.trim());
  };
  for (const m of text.matchAll(LATIN_WORD)) {
    literal(text.slice(last, m.index));
    const forms = inflections(m[0]);
    anchors.push(commonPrefix(forms));
    out += `(?<![a-z0-9])(?:${forms.map(escapeRegex).join("|")})(?![a-z0-9])`;
    last = m.index + m[0].length;
  }
  literal(text.slice(last));
  return out;
}

/** Regex source for one segment (no gaps), with "(a|b)" alternatives. */
function segmentSource(segment: string, anchors: string[]): string {
  let out = "";
  let i = 0;
  while (i < segment.length) {
    const open = segment.indexOf("(", i);
    if (open < 0) {
      out += literalSource(segment.slice(i), anchors);
      break;
    }
    const close = segment.indexOf(")", open);
    if (close < 0) throw new Error(`unbalanced "(" in rule phrase: ${segment}`);
    out += literalSource(segment.slice(i, open), anchors);
    const alternatives = segment
      .slice(open + 1, close)
      .split("|")
      .map((a) => literalSource(a, [])); // an alternative is not required
    out += `(?:${alternatives.join("|")})`;
    i = close + 1;
  }
  return out;
}

function gapSource(left: string, right: string, long: boolean): string {
  const latin = LATIN_END.test(left) || LATIN_START.test(right);
  const reach = latin
    ? long
      ? GAP_REACH.latinLong
      : GAP_REACH.latin
    : long
      ? GAP_REACH.cjkLong
      : GAP_REACH.cjk;
  return `[^${long ? SENTENCE_END : CLAUSE_END}]{0,${reach}}?`;
}

/** Compiles a rule phrase: every segment is a capture group, so a match tells its spans. */
function compile(raw: string): { regex: RegExp; latin: boolean; anchor: string } {
  const text = normalize(raw);
  const segments: string[] = [];
  const gaps: boolean[] = []; // true: long gap
  let rest = text;
  for (;;) {
    const long = rest.indexOf(LONG_GAP);
    const short = rest.indexOf(GAP);
    if (short < 0) break;
    const isLong = long >= 0 && long === short;
    segments.push(rest.slice(0, short).trim());
    gaps.push(isLong);
    rest = rest.slice(short + (isLong ? LONG_GAP.length : GAP.length));
  }
  segments.push(rest.trim());
  if (segments.some((s) => s.length === 0)) throw new Error(`empty segment in rule phrase: ${raw}`);
  const anchors: string[] = [];
  let source = `(${segmentSource(segments[0]!, anchors)})`;
  for (let i = 1; i < segments.length; i++) {
    source += gapSource(segments[i - 1]!, segments[i]!, gaps[i - 1]!);
    source += `(${segmentSource(segments[i]!, anchors)})`;
  }
  const anchor = anchors.reduce((a, b) => (b.length > a.length ? b : a), "");
  return { regex: new RegExp(source, "gd"), latin: LATIN_START.test(text), anchor };
}

function compiled(
  kind: Kind,
  phrase: string,
  weight: number,
  extra: { category?: Category; signal?: Signal; tags?: readonly PhraseTag[] } = {},
): CompiledPhrase {
  const { regex, latin, anchor } = compile(phrase);
  return { kind, phrase, weight, tags: extra.tags ?? [], latin, regex, anchor, ...extra };
}

/**
 * Every phrase compiled, on first use: a function that only needs the module's constants (e.g.
 * `SIGNALS`) does not pay the ~12 ms of compiling them at cold start (npm run bench).
 */
let compiledPhrases: readonly CompiledPhrase[] | undefined;
const phrases = (): readonly CompiledPhrase[] => (compiledPhrases ??= compileAll());

function compileAll(): CompiledPhrase[] {
  const out: CompiledPhrase[] = [];
  for (const category of PRECEDENCE) {
    for (const group of CATEGORY_PHRASES[category]) {
      for (const phrase of group.phrases) {
        out.push(compiled("category", phrase, group.weight, { category, tags: group.tags ?? [] }));
      }
    }
  }
  for (const signal of SIGNALS) {
    for (const phrase of SIGNAL_PHRASES[signal])
      out.push(compiled("signal", phrase, 0, { signal }));
  }
  for (const phrase of TRACKING_WORDS) out.push(compiled("tracking", phrase, 0));
  for (const phrase of NEUTRAL_PHRASES) out.push(compiled("neutral", phrase, 0));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Negation

const CJK_NEGATORS = [...NEGATION.cjk].sort((a, b) => b.length - a.length);
const LATIN_NEGATORS = new Set<string>(NEGATION.latin);
const PSEUDO = NEGATION.pseudo.map((p) => normalize(p));
const CJK_BREAKERS = new Set<string>(NEGATION.scopeBreakers.cjk);
const LATIN_BREAKERS = new Set<string>(NEGATION.scopeBreakers.latin);
const CLAUSE_CHARS = new Set([..."，,.!?;:。、\n；：！？"]);

/** Is the text at `pos` covered by a look-alike negator ("不小心", "not only")? */
function inPseudo(text: string, pos: number): boolean {
  for (const p of PSEUDO) {
    const from = Math.max(0, pos - p.length + 1);
    const at = text.indexOf(p, from);
    if (at >= 0 && at <= pos) return true;
  }
  return false;
}

function clauseStart(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && !CLAUSE_CHARS.has(text[i - 1]!)) i--;
  return i;
}

/**
 * Is the phrase (or a later segment of it) that starts at `start` negated within its clause?
 * A negator is looked for no further back than `floor` (the end of the previous segment).
 */
function isNegated(text: string, start: number, latin: boolean, floor = 0): boolean {
  const from = Math.max(floor, clauseStart(text, start));
  if (from === start) return false;
  if (latin) {
    const words = text.slice(from, start).trim().split(" ").filter(Boolean);
    const wordStarts: number[] = [];
    let at = from;
    for (const w of words) {
      at = text.indexOf(w, at);
      wordStarts.push(at);
      at += w.length;
    }
    for (let k = words.length - 1, seen = 0; k >= 0 && seen < NEGATION.reach.latin; k--, seen++) {
      const w = words[k]!.replace(/[^a-z']/g, "");
      if (LATIN_BREAKERS.has(w)) return false;
      if (LATIN_NEGATORS.has(w) && !inPseudo(text, wordStarts[k]!)) return true;
    }
    return false;
  }
  // Chinese: a negator ending at most `reach` characters before the phrase, with no scope
  // breaker in between.
  const windowStart = Math.max(from, start - NEGATION.reach.cjk - 3);
  for (let end = start; end >= Math.max(from, start - NEGATION.reach.cjk); end--) {
    if (end < start && CJK_BREAKERS.has(text[end]!)) return false;
    for (const neg of CJK_NEGATORS) {
      const negStart = end - neg.length;
      if (negStart < windowStart) continue;
      if (text.startsWith(neg, negStart) && !inPseudo(text, negStart)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Matching

interface Hit {
  readonly p: CompiledPhrase;
  /** [start, end) of each literal segment. */
  readonly spans: readonly (readonly [number, number])[];
  readonly length: number;
}

const MAX_HITS_PER_PHRASE = 4;

function findHits(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const p of phrases()) {
    if (!text.includes(p.anchor)) continue;
    p.regex.lastIndex = 0;
    let found = 0;
    let m: RegExpExecArray | null;
    while (found < MAX_HITS_PER_PHRASE && (m = p.regex.exec(text)) !== null) {
      p.regex.lastIndex = m.index + 1;
      const spans: [number, number][] = [];
      let length = 0;
      for (let g = 1; g < (m.indices?.length ?? 0); g++) {
        const span = m.indices![g];
        if (span) {
          spans.push([span[0], span[1]]);
          length += span[1] - span[0];
        }
      }
      const negatable = p.kind === "category" || p.kind === "signal";
      // Negated before the phrase, or inside a gap ("包装没有破" is not "包装…破").
      if (
        negatable &&
        spans.some(([s], i) => isNegated(text, s, p.latin, i === 0 ? 0 : spans[i - 1]![1]))
      ) {
        continue;
      }
      hits.push({ p, spans, length });
      found++;
    }
  }
  return hits;
}

/**
 * Overlapping matches conflict, like words in a sentence: a longer category (or neutral) match
 * hides a shorter match each of whose segments overlaps one of its segments ("超时费" is a fee,
 * not "超时"; "希望能" is not also "希望"). Signal matches hide nothing.
 */
function hidden(h: Hit, by: readonly Hit[]): boolean {
  if (h.p.kind === "tracking") return false;
  return by.some(
    (o) =>
      o !== h &&
      (o.p.kind === "category" || o.p.kind === "neutral") &&
      o.length > h.length &&
      h.spans.every(([s, e]) => o.spans.some(([os, oe]) => s < oe && os < e)),
  );
}

// ---------------------------------------------------------------------------------------------
// Amounts

const CN_DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
}; // prettier-ignore
const CN_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const CN_BIG: Readonly<Record<string, number>> = { 万: 10_000, 亿: 100_000_000 };
const SCALES: Readonly<Record<string, number>> = { k: 1000, 千: 1000, 万: 10_000, w: 10_000 };

/** 五千 → 5000, 一万二 → 12000, 三千五 → 3500, 一千二百五十 → 1250, 两千零五 → 2005. */
export function parseChineseNumber(s: string): number | null {
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  let lastUnit = 0;
  let prevWasUnit = false;
  let colloquial = false; // a digit right after a unit: 一万二 = 12000, 三千五 = 3500
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    const unit = CN_UNITS[ch];
    const big = CN_BIG[ch];
    if (d !== undefined) {
      if (digit !== null) section += digit;
      digit = d;
      colloquial = prevWasUnit && d !== 0;
      prevWasUnit = false;
    } else if (unit !== undefined) {
      section += (digit ?? 1) * unit;
      lastUnit = unit;
      digit = null;
      prevWasUnit = true;
    } else if (big !== undefined) {
      total += (section + (digit ?? 0)) * big;
      section = 0;
      digit = null;
      lastUnit = big;
      prevWasUnit = true;
    } else return null;
  }
  if (digit !== null) section += colloquial && lastUnit >= 10 ? (digit * lastUnit) / 10 : digit;
  const value = total + section;
  return value > 0 ? value : null;
}

interface Affix {
  readonly text: string;
  readonly rate: number;
}
const byLength = (a: Affix, b: Affix): number => b.text.length - a.text.length;
const PREFIXES: readonly Affix[] = AMOUNTS.currencies
  .flatMap((c) => c.prefixes.map((text) => ({ text, rate: c.cnyPerUnit })))
  .sort(byLength);
const SUFFIXES: readonly Affix[] = AMOUNTS.currencies
  .flatMap((c) => c.suffixes.map((text) => ({ text, rate: c.cnyPerUnit })))
  .sort(byLength);
const VALUE_CUES = [...AMOUNTS.valueCues].sort((a, b) => b.length - a.length);
const NUMBER_TOKEN =
  /(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?: ?(k|千|万|w)(?![a-z]))?(?![a-z0-9])|[零〇一二两三四五六七八九十百千万亿]+/g;

function numberValue(m: RegExpExecArray): number | null {
  if (m[1] === undefined) return parseChineseNumber(m[0]);
  const n = Number(m[1].replaceAll(",", "") + (m[2] ?? ""));
  return n * (m[3] ? SCALES[m[3]]! : 1);
}

/** The currency written after (or before) the number, and where the amount ends. */
function currencyAround(
  text: string,
  start: number,
  end: number,
): { rate: number; end: number } | null {
  let after = end;
  while (after < text.length && "多余来 ".includes(text[after]!)) after++;
  for (const s of SUFFIXES) {
    if (!text.startsWith(s.text, after)) continue;
    if (LATIN_END.test(s.text) && /[a-z]/.test(text[after + s.text.length] ?? "")) continue;
    return { rate: s.rate, end: after + s.text.length };
  }
  const before = text.slice(Math.max(0, start - 5), start).trimEnd();
  for (const p of PREFIXES) if (before.endsWith(p.text)) return { rate: p.rate, end };
  return null;
}

/** Characters between the nearest value cue and the amount at `start`; -1 when there is none. */
function cueDistance(text: string, start: number): number {
  const from = Math.max(clauseStart(text, start), start - AMOUNTS.cueReach - 16);
  const window = text.slice(from, start);
  let best = -1;
  for (const cue of VALUE_CUES) {
    const at = window.lastIndexOf(cue);
    if (at < 0) continue;
    const cueStart = from + at;
    if (LATIN_START.test(cue) && /[a-z]/.test(text[cueStart - 1] ?? "")) continue;
    const between = text.slice(cueStart + cue.length, start);
    if (between.length > AMOUNTS.cueReach) continue;
    const before = text.slice(Math.max(clauseStart(text, cueStart), cueStart - 9), cueStart);
    if (AMOUNTS.blockers.some((b) => before.includes(b) || between.includes(b))) continue;
    if (best < 0 || between.length < best) best = between.length;
  }
  return best;
}

/** The largest amount the text states as the goods' value, in CNY. */
function statedValue(text: string): number | undefined {
  let best: number | undefined;
  for (const m of text.matchAll(NUMBER_TOKEN)) {
    const n = numberValue(m);
    if (n === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    const currency = currencyAround(text, start, end);
    const tailStart = currency?.end ?? end;
    const tail = text.slice(tailStart, tailStart + 16).trimStart();
    if (AMOUNTS.tailBlockers.some((b) => tail.startsWith(b))) continue;
    const distance = cueDistance(text, start);
    const cueAfter = AMOUNTS.valueCuesAfter.some((c) => tail.slice(0, 3 + c.length).includes(c));
    const isValue = currency
      ? distance >= 0 || cueAfter
      : (distance >= 0 && distance <= AMOUNTS.bareNumberReach) || cueAfter;
    if (!isValue) continue;
    const cny = Math.round(n * (currency?.rate ?? 1) * 100) / 100;
    if (best === undefined || cny > best) best = cny;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Reading

function confidenceOf(
  scores: Readonly<Record<Category, number>>,
  chosen: Category,
  adjusted: boolean,
): number {
  const s = scores[chosen];
  const others = PRECEDENCE.filter((c) => c !== chosen).map((c) => scores[c]);
  const strong = s >= STRONG_EVIDENCE;
  const rivals = others.filter((x) => x >= STRONG_EVIDENCE).length;
  const second = Math.max(0, ...others);
  let c = strong ? 1 - 0.5 / (1 + s) : 0.15 + 0.35 * s;
  c *= 0.85 ** rivals;
  if (!strong && second > 0) c *= 1 - (0.5 * second) / (s + second);
  if (adjusted) c *= 0.9;
  return Math.round(Math.min(0.99, Math.max(0.05, c)) * 100) / 100;
}

export function readText(text: string): TextReading {
  const t = normalize(text);
  const all = findHits(t);
  const hits = all.filter((h) => !hidden(h, all));

  // Category evidence, one count per phrase.
  const byCategory = new Map<Category, Map<string, Hit>>();
  for (const h of hits) {
    if (h.p.kind !== "category") continue;
    const c = h.p.category!;
    const m = byCategory.get(c) ?? new Map<string, Hit>();
    if (!m.has(h.p.phrase)) m.set(h.p.phrase, h);
    byCategory.set(c, m);
  }
  const evidence = (c: Category): Hit[] => [...(byCategory.get(c)?.values() ?? [])];
  let adjusted = false;

  // Exception: "stuck" about tracking data is information, unless an arrival phrase is present.
  const stuck = EXCEPTIONS.stuck;
  const delay = evidence(stuck.from);
  if (
    delay.length > 0 &&
    delay.every((h) => h.p.tags.includes(stuck.tag) && !h.p.tags.includes(stuck.unlessTag)) &&
    (hits.some((h) => h.p.kind === "tracking") || evidence(stuck.to).length > 0)
  ) {
    const to = byCategory.get(stuck.to) ?? new Map<string, Hit>();
    for (const h of delay) to.set(h.p.phrase, h);
    byCategory.set(stuck.to, to);
    byCategory.delete(stuck.from);
    adjusted = true;
  }
  // Exception: a disputed "signed / delivered" status is information.
  const fs = EXCEPTIONS.falseSigned;
  if (evidence(fs.category).some((h) => h.p.tags.includes(fs.tag))) {
    for (const c of fs.overrides) {
      if (evidence(c).some((h) => h.p.tags.includes(fs.unlessTag))) continue;
      if (byCategory.delete(c)) adjusted = true;
    }
  }

  const scores = Object.fromEntries(
    PRECEDENCE.map((c) => [
      c,
      Math.max(
        0,
        evidence(c).reduce((sum, h) => sum + h.p.weight, 0),
      ),
    ]),
  ) as Record<Category, number>;
  let category: Category | null = PRECEDENCE.find((c) => scores[c] >= STRONG_EVIDENCE) ?? null;
  if (category === null) {
    let best = 0;
    for (const c of PRECEDENCE) {
      if (scores[c] > best) {
        best = scores[c];
        category = c;
      }
    }
  }

  const signals = SIGNALS.filter((s) =>
    hits.some((h) => h.p.kind === "signal" && h.p.signal === s),
  );
  const matches: TextMatch[] = [];
  for (const c of PRECEDENCE) {
    for (const h of evidence(c))
      if (h.p.weight > 0) matches.push({ category: c, phrase: h.p.phrase });
  }
  const seenSignal = new Set<string>();
  for (const h of hits) {
    if (h.p.kind === "signal" && !seenSignal.has(h.p.phrase)) {
      seenSignal.add(h.p.phrase);
      matches.push({ category: "signal", phrase: h.p.phrase, signal: h.p.signal! });
    }
  }
  const declaredValueCny = statedValue(t);
  return {
    category,
    confidence: category === null ? 0 : confidenceOf(scores, category, adjusted),
    signals,
    ...(declaredValueCny !== undefined ? { declaredValueCny } : {}),
    matches,
  };
}
