// Personal data is masked for logs and for readers who do not need it (../domain.md "Privacy").

/** 13812345678 → 138****5678; short numbers keep only their last two digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  const digits = phone.replace(/\D/g, "");
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length === 0) return "****";
  return `****${digits.slice(-2)}`;
}

/** 李雷 → 李*, Han Meimei → H*********: keeps the first character only. */
export function maskName(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  const chars = Array.from(name.trim());
  if (chars.length === 0) return "";
  return `${chars[0]}${"*".repeat(Math.max(1, chars.length - 1))}`;
}

// ---- free text ---------------------------------------------------------------------------
// Descriptions, messages, notes, responses and comments are people's words: they can quote a
// phone number, an ID card, a bank card, an e-mail address, a street address, the customer's
// name. Each recogniser below finds one kind, on a copy of the text whose full-width forms
// (１３８…, ＠, ：) are folded to ASCII (same length, so positions carry over); the first
// recogniser to claim a stretch of text masks it. A digit run glued to letters is a token such
// as a waybill (SF1234567890123, YT…, EA123456789CN) and is left alone, as are dates, times and
// amounts. Chinese numerals, spelled-out digits and third parties' names are not recognised:
// roles that do not need the words at all should not get them.

/** What a text is masked for (which role reads it: functions/api/privacy.ts). */
export interface FreeTextMasking {
  /** The customer's own names (from the case): masked wherever they appear. */
  readonly names?: readonly (string | null | undefined)[];
  /** The customer's own phone numbers (from the case): masked in any format. */
  readonly phones?: readonly (string | null | undefined)[];
  /**
   * Street-level addresses too (default true): the coarse place (province, city, district)
   * stays, the rest (town, street, number, compound, building, unit, room) is masked.
   */
  readonly addresses?: boolean;
}

/** What a masked street-level address (or any other masked stretch of words) reads as. */
export const MASKED = "***";

/**
 * The text with the personal data its recognisers find masked: e-mail addresses
 * (l***@example.com), resident ID numbers (18 digits, the last may be X; the old 15), bank
 * cards (16–19 digits), mobile numbers (+86/86/0086 prefixes, spaces, dashes: 138****5678),
 * international and landline numbers (010-****5678), a 7–8 digit number after a phone word,
 * QQ/WeChat ids, Chinese and simple English street addresses, and the customer's own phone
 * numbers and names. Pure and idempotent.
 */
export function maskFreeText(text: string, masking: FreeTextMasking = {}): string {
  if (text === "") return text;
  const search = foldFullWidth(text);
  const spans: Span[] = [];
  for (const recognise of recognisersFor(masking)) {
    for (const found of recognise(search)) {
      const span = found.trimmable ? trimmed(found, spans) : found;
      if (span.end <= span.start) continue;
      if (spans.some((s) => span.start < s.end && s.start < span.end)) continue;
      spans.push(span);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + span.replacement;
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * A copy of `value` with every string under a free-text key (`text`, `reason`, `resolution`,
 * `comment`, `description`, `lastLocation`, `waitingReason`, `closeReason`, `summary`), at any
 * depth, passed through `mask`; ids, codes and times are left as they are.
 */
export function maskTextFields<T>(value: T, mask: (text: string) => string): T {
  return maskFields(value, mask, 0) as T;
}

export const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  "text",
  "reason",
  "resolution",
  "comment",
  "description",
  "lastLocation",
  "waitingReason",
  "closeReason",
  "summary",
]);

function maskFields(value: unknown, mask: (text: string) => string, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => maskFields(item, mask, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      typeof child === "string" && FREE_TEXT_FIELDS.has(key)
        ? mask(child)
        : maskFields(child, mask, depth + 1),
    ]),
  );
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  /** The replacement does not depend on the text: the span may be cut short by an earlier one. */
  readonly trimmable?: boolean;
}

/**
 * A trimmable span without what earlier spans claimed: it starts after one it starts inside,
 * and ends where the next one starts (either way the rest of it is still masked).
 */
function trimmed(span: Span, earlier: readonly Span[]): Span {
  let start = span.start;
  for (const s of [...earlier].sort((a, b) => a.start - b.start))
    if (s.start <= start && s.end > start) start = s.end;
  const end = earlier
    .filter((s) => s.start >= start && s.start < span.end)
    .reduce((cut, s) => Math.min(cut, s.start), span.end);
  return start === span.start && end === span.end ? span : { ...span, start, end };
}

type Recogniser = (search: string) => Iterable<Span>;

/** Full-width ASCII forms and the ideographic space, folded one UTF-16 unit for one. */
function foldFullWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** Every `pattern` match (flags `g` and `d`), masked by `replace` (the part of `group`, if named). */
function byPattern(
  pattern: RegExp,
  replace: (match: RegExpExecArray) => string | null,
  group?: string,
  trimmable = false,
): Recogniser {
  return function* (search) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(search); m !== null; m = pattern.exec(search)) {
      if (m[0] === "") {
        pattern.lastIndex += 1;
        continue;
      }
      const range: readonly [number, number] | undefined = group
        ? m.indices?.groups?.[group]
        : [m.index, m.index + m[0].length];
      const replacement = replace(m);
      if (!range || replacement === null) continue;
      yield { start: range[0], end: range[1], replacement, ...(trimmable ? { trimmable } : {}) };
    }
  };
}

/**
 * `run` with its digits (and the characters `isDigit` counts) starred, but the first
 * `keepFirst` and the last `keepLast`; separators stay where they are.
 */
function starDigits(run: string, keepFirst: number, keepLast: number, isDigit = /[0-9]/): string {
  const total = [...run].filter((c) => isDigit.test(c)).length;
  let seen = 0;
  return [...run]
    .map((c) => {
      if (!isDigit.test(c)) return c;
      seen += 1;
      return seen <= keepFirst || seen > total - keepLast ? c : "*";
    })
    .join("");
}

// Not glued to a letter or digit before / to a digit after: a waybill or order token is left alone.
const NB = "(?<![A-Za-z0-9])";
const NA = "(?![0-9])";
const SEP = "[ \\-]";
const DATE8 = "(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])";
const DATE6 = "[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/dg;
const RESIDENT_ID = new RegExp(
  `${NB}[1-9][0-9]{5}${SEP}?${DATE8}${SEP}?[0-9]{3}[0-9Xx](?![0-9A-Za-z])`,
  "dg",
);
const OLD_RESIDENT_ID = new RegExp(`${NB}[1-9][0-9]{5}${DATE6}[0-9]{3}${NA}`, "dg");
const BANK_CARD = new RegExp(
  `${NB}[1-9][0-9]{3}(?:${SEP}?[0-9]{4}){3}(?:${SEP}?[0-9]{1,3})?${NA}`,
  "dg",
);
const MOBILE = new RegExp(
  `${NB}(?<prefix>(?:\\+|00)86${SEP}?|\\(\\+?86\\)${SEP}?|86${SEP}?)?(?<number>1[3-9][0-9](?:${SEP}?[0-9]){8})${NA}`,
  "dg",
);
const INTERNATIONAL = new RegExp(`${NB}\\+(?!86)[1-9][0-9]{0,2}(?:${SEP}?[0-9]){6,13}${NA}`, "dg");
const LANDLINE = new RegExp(
  `${NB}(?:\\(0[0-9]{2,3}\\)|0[0-9]{2,3}?)${SEP}?(?<local>[2-9][0-9]{2,3}${SEP}?[0-9]{4})${NA}`,
  "dg",
);
const PHONE_WORDS =
  "电话|手机|座机|固话|联系方式|号码|回电|致电|拨打|打给|tel|Tel|TEL|phone|Phone|PHONE|call|Call|mobile|Mobile";
const WORDED_LOCAL = new RegExp(
  `(?:${PHONE_WORDS})[^0-9\\n]{0,6}?(?<![A-Za-z])(?<local>[0-9]{7,8})${NA}`,
  "dg",
);
// A Latin keyword needs a separator (QQ 123…, wx: …): QQ00000000 may be a waybill.
const MESSENGER_ID = new RegExp(
  `(?:(?:微信号|微信)[ :号是为]{0,3}|${NB}(?:QQ|qq|WeChat|wechat|Wechat|WX|wx)[ :号是为]{1,3})(?<id>[A-Za-z0-9_-]{5,20})(?![A-Za-z0-9_-])`,
  "dg",
);

// Chinese addresses: the coarse place (province, city, district or county) stays; the town,
// street, number, compound, building, unit and room are masked. Words that commonly stand in
// front of an address (住在, 寄到, 放…) are not taken for part of a street's name.
const STOP = "在住是到于从往寄送放收取发去来回给把被我你他她它们的了请和与及或址为就要想还也都很";
const HAN = `(?:(?![${STOP}])[\\u4e00-\\u9fff])`;
const NUM = "(?:(?<![月0-9])[0-9]{1,5}(?:-[0-9]{1,5})?|[一二三四五六七八九十百零〇]{1,4})";
const UNIT_MARK = "(?:号院|号楼|号(?![线机码位台])|栋|幢|座|单元|楼|层|室|房|户)";
const PLACE_MARK =
  "(?:街道|镇|乡|大道|路|街|巷|弄|胡同|小区|花园|公寓|大厦|家园|新村|苑|广场|社区|大楼|村|园区)";
const CN_ADDRESS = new RegExp(
  `(?<coarse>(?:${HAN}{2,7}?(?:省|自治区|特别行政区))?(?:${HAN}{1,7}?(?:市|自治州|地区|盟))?(?:${HAN}{1,7}?(?:(?<![小社园校景厂])区|县|旗|市))?)` +
    `(?<fine>(?:${HAN}{1,10}?${PLACE_MARK}|${NUM}${UNIT_MARK}|[A-Za-z][0-9]{0,4}(?:栋|座|幢))+(?:${SEP}?[0-9]{1,5}${NA})?)`,
  "dg",
);
const HAS_PLACE = new RegExp(PLACE_MARK);
const UNITS = new RegExp(`${NUM}${UNIT_MARK}|[A-Za-z][0-9]{0,4}(?:栋|座|幢)`, "g");
const BUILDING = /栋|幢|单元|室|座|号楼/;
const ADDRESS_TAIL = new RegExp(`(?:(?!电话|手机|座机|联系)(?:[A-Za-z0-9#-]|${HAN})){0,16}`, "y");

/** Whether a match of CN_ADDRESS reads as an address (not 一路上, 3楼, 11月22号, 逛街). */
function isAddress(coarse: string, fine: string): boolean {
  const place = HAS_PLACE.test(fine);
  const units = fine.match(UNITS)?.length ?? 0;
  return (
    (coarse !== "" && (place || units > 0)) ||
    (place && units > 0) ||
    (units >= 2 && BUILDING.test(fine))
  );
}

const cnAddress: Recogniser = function* (search) {
  CN_ADDRESS.lastIndex = 0;
  for (let m = CN_ADDRESS.exec(search); m !== null; m = CN_ADDRESS.exec(search)) {
    const coarse = m.groups?.coarse ?? "";
    const fine = m.groups?.fine ?? "";
    const range = m.indices?.groups?.fine;
    if (range && isAddress(coarse, fine)) {
      // What follows a street-level part is its rest (SOHO现代城A座1201, 门口): masked with it.
      ADDRESS_TAIL.lastIndex = range[1];
      const tail = ADDRESS_TAIL.exec(search)?.[0].length ?? 0;
      yield { start: range[0], end: range[1] + tail, replacement: MASKED, trimmable: true };
      CN_ADDRESS.lastIndex = range[1] + tail;
    } else {
      // Not an address: nothing inside it is one either (it has fewer parts), so go past it.
      CN_ADDRESS.lastIndex = Math.max(m.index + 1, m.index + m[0].length);
    }
  }
};

const EN_STREET_TYPES = [
  "Street",
  "St",
  "Road",
  "Rd",
  "Avenue",
  "Ave",
  "Lane",
  "Ln",
  "Drive",
  "Dr",
  "Boulevard",
  "Blvd",
  "Way",
  "Court",
  "Ct",
  "Place",
  "Pl",
  "Terrace",
  "Crescent",
  "Close",
  "Square",
  "Sq",
  "Highway",
  "Hwy",
]
  .map((t) => `[${t[0]}${(t[0] as string).toLowerCase()}]${t.slice(1)}`)
  .join("|");
const EN_UNIT = "(?:Flat|Apt|Apartment|Unit|Suite|Room|Rm|Floor)\\.?\\s*#?[0-9A-Za-z-]{1,6}";
const EN_ADDRESS = new RegExp(
  `(?<![A-Za-z0-9])(?:${EN_UNIT},?\\s+)?(?:No\\.?\\s*)?[0-9]{1,5}[A-Za-z]?(?:-[0-9]{1,5})?,?\\s+(?:[A-Z][A-Za-z'-]*\\.?\\s+){1,4}(?:${EN_STREET_TYPES})\\b\\.?(?:,?\\s*${EN_UNIT})?`,
  "dg",
);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HAN_CHAR = /[\u4e00-\u9fff]/;

/** The customer's name wherever it appears: whole, and its given name or parts on their own. */
function nameRecognisers(names: readonly (string | null | undefined)[]): Recogniser[] {
  const out: Recogniser[] = [];
  for (const raw of names) {
    const name = foldFullWidth(raw?.trim() ?? "");
    const chars = Array.from(name);
    if (chars.length < 2) continue;
    if (HAN_CHAR.test(name)) {
      const whole = chars.filter((c) => c.trim() !== "").join("");
      out.push(byPattern(new RegExp(escapeRegExp(whole), "dg"), (m) => maskName(m[0]) as string));
      const given = Array.from(whole).slice(1).join("");
      if (Array.from(given).length >= 2)
        out.push(byPattern(new RegExp(escapeRegExp(given), "dg"), (m) => "*".repeat(m[0].length)));
      continue;
    }
    const parts = name.split(/\s+/).filter(Boolean);
    const whole = parts.map(escapeRegExp).join("\\s*");
    out.push(
      byPattern(
        new RegExp(`(?<![A-Za-z])${whole}(?![A-Za-z])`, "dgi"),
        (m) => maskName(m[0]) as string,
      ),
    );
    for (const part of parts.length > 1 ? parts : [])
      if (part.length >= 3)
        out.push(
          byPattern(new RegExp(`(?<![A-Za-z])${escapeRegExp(part)}(?![A-Za-z])`, "dg"), (m) =>
            "*".repeat(m[0].length),
          ),
        );
  }
  return out;
}

/** The customer's own numbers, in whatever grouping they are written. */
function phoneRecognisers(phones: readonly (string | null | undefined)[]): Recogniser[] {
  return phones.flatMap((phone) => {
    const digits = (phone ?? "").replace(/\D/g, "");
    if (digits.length < 7) return [];
    const pattern = new RegExp(`${NB}${[...digits].join(`${SEP}?`)}${NA}`, "dg");
    return [byPattern(pattern, (m) => starDigits(m[0], 0, 4))];
  });
}

function recognisersFor(masking: FreeTextMasking): Recogniser[] {
  return [
    byPattern(EMAIL, (m) => {
      const [local, domain] = m[0].split("@") as [string, string];
      return `${local.slice(0, 1)}***@${domain}`;
    }),
    byPattern(RESIDENT_ID, (m) => starDigits(m[0], 0, 4, /[0-9Xx]/)),
    byPattern(BANK_CARD, (m) => starDigits(m[0], 0, 4)),
    byPattern(
      MOBILE,
      (m) => `${m.groups?.prefix ?? ""}${starDigits(m.groups?.number ?? "", 3, 4)}`,
    ),
    ...phoneRecognisers(masking.phones ?? []),
    byPattern(INTERNATIONAL, (m) => {
      const code = /^\+[0-9]{1,3}(?=[ -])/.exec(m[0])?.[0].length ?? 3;
      return m[0].slice(0, code) + starDigits(m[0].slice(code), 0, 4);
    }),
    byPattern(LANDLINE, (m) => starDigits(m.groups?.local ?? "", 0, 4), "local"),
    byPattern(OLD_RESIDENT_ID, (m) => starDigits(m[0], 0, 4)),
    byPattern(WORDED_LOCAL, (m) => starDigits(m.groups?.local ?? "", 0, 4), "local"),
    byPattern(MESSENGER_ID, (m) => maskName(m.groups?.id) as string, "id"),
    ...(masking.addresses === false
      ? []
      : [cnAddress, byPattern(EN_ADDRESS, () => MASKED, undefined, true)]),
    ...nameRecognisers(masking.names ?? []),
  ];
}
