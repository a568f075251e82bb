// The logic behind `npm run -s classify` (classify.ts is only its I/O): validating input lines,
// the output line, and evaluating labelled lines — accuracy per field, confusion tables, the
// misclassified lines.
import * as z from "zod";
import {
  CATEGORIES,
  type Category,
  CHANNELS,
  FEEDBACK_TYPES,
  PRIORITIES,
  SEVERITIES,
  type Severity,
} from "#shared/domain/case.ts";
import { classifyMessage, type MessageClassification } from "#shared/domain/classifier/index.ts";

export const InputLine = z.object({
  text: z.string(),
  channel: z.enum(CHANNELS).optional(),
  context: z
    .object({
      customerTier: z.enum(["regular", "vip"]).optional(),
      declaredValue: z.number().finite().nonnegative().optional(),
      repeat: z.boolean().optional(),
    })
    .optional(),
});
export type InputLine = z.infer<typeof InputLine>;

export const LabelledLine = InputLine.extend({
  expected: z.object({
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    feedbackType: z.enum(FEEDBACK_TYPES),
    priority: z.enum(PRIORITIES).optional(),
  }),
});
export type LabelledLine = z.infer<typeof LabelledLine>;

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Parses one JSON line; the error reads "line N: <field path>: <message>". */
export function parseLine<T>(schema: z.ZodType<T>, line: string, lineNo: number): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, error: `line ${lineNo}: (line): not valid JSON` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(line)";
  return { ok: false, error: `line ${lineNo}: ${path}: ${issue.message}` };
}

export function classifyInput(input: InputLine): MessageClassification {
  return classifyMessage(input.text, {
    ...input.context,
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
  });
}

/** The contract's output line (../../shared contract §4). */
export function outputOf(c: MessageClassification): Record<string, unknown> {
  return {
    category: c.category,
    severity: c.severity,
    priority: c.priority,
    feedbackType: c.feedbackType,
    confidence: c.confidence,
  };
}

/** One input line → its output line; null for a blank line (skipped). */
export function processLine(
  line: string,
  lineNo: number,
): { readonly out: string; readonly ok: boolean } | null {
  if (line.trim() === "") return null;
  const parsed = parseLine(InputLine, line, lineNo);
  if (!parsed.ok) return { out: JSON.stringify({ error: parsed.error }), ok: false };
  return { out: JSON.stringify(outputOf(classifyInput(parsed.value))), ok: true };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export const EVAL_FIELDS = ["category", "severity", "feedbackType", "priority"] as const;
export type EvalField = (typeof EVAL_FIELDS)[number];

export interface FieldScore {
  readonly correct: number;
  readonly total: number;
  /** correct / total, or null when no line is labelled with the field. */
  readonly accuracy: number | null;
}

/** counts[i][j]: lines expected labels[i], predicted labels[j]. */
export interface Confusion<L extends string> {
  readonly labels: readonly L[];
  readonly counts: readonly (readonly number[])[];
}

export interface Misclassified {
  readonly lineNo: number;
  readonly text: string;
  readonly expected: LabelledLine["expected"];
  readonly got: Pick<MessageClassification, "category" | "severity" | "feedbackType" | "priority">;
  readonly fields: readonly EvalField[];
}

export interface EvalReport {
  readonly total: number;
  readonly fields: Readonly<Record<EvalField, FieldScore>>;
  readonly confusion: {
    readonly category: Confusion<Category>;
    readonly severity: Confusion<Severity>;
  };
  readonly misclassified: readonly Misclassified[];
}

export interface EvalItem {
  readonly lineNo: number;
  readonly line: LabelledLine;
}

export function confusion<L extends string>(
  labels: readonly L[],
  pairs: readonly (readonly [expected: L, got: L])[],
): Confusion<L> {
  const counts = labels.map(() => labels.map(() => 0));
  for (const [e, g] of pairs) {
    const i = labels.indexOf(e);
    const j = labels.indexOf(g);
    if (i >= 0 && j >= 0) counts[i]![j]!++;
  }
  return { labels, counts };
}

export function evaluate(
  items: readonly EvalItem[],
  classify: (input: InputLine) => MessageClassification = classifyInput,
): EvalReport {
  const tally = Object.fromEntries(EVAL_FIELDS.map((f) => [f, { correct: 0, total: 0 }])) as Record<
    EvalField,
    { correct: number; total: number }
  >;
  const categoryPairs: [Category, Category][] = [];
  const severityPairs: [Severity, Severity][] = [];
  const misclassified: Misclassified[] = [];
  for (const { lineNo, line } of items) {
    const got = classify(line);
    const wrong: EvalField[] = [];
    for (const f of EVAL_FIELDS) {
      const want = line.expected[f];
      if (want === undefined) continue;
      tally[f].total++;
      if (got[f] === want) tally[f].correct++;
      else wrong.push(f);
    }
    categoryPairs.push([line.expected.category, got.category]);
    severityPairs.push([line.expected.severity, got.severity]);
    if (wrong.length > 0) {
      misclassified.push({
        lineNo,
        text: line.text,
        expected: line.expected,
        got: {
          category: got.category,
          severity: got.severity,
          feedbackType: got.feedbackType,
          priority: got.priority,
        },
        fields: wrong,
      });
    }
  }
  const fields = Object.fromEntries(
    EVAL_FIELDS.map((f) => {
      const { correct, total } = tally[f];
      return [f, { correct, total, accuracy: total === 0 ? null : correct / total }];
    }),
  ) as Record<EvalField, FieldScore>;
  return {
    total: items.length,
    fields,
    confusion: {
      category: confusion(CATEGORIES, categoryPairs),
      severity: confusion(SEVERITIES, severityPairs),
    },
    misclassified,
  };
}

const truncate = (s: string, n: number): string =>
  [...s].length > n ? [...s].slice(0, n).join("") + "…" : s;

function formatConfusion<L extends string>(title: string, c: Confusion<L>): string[] {
  const head = (l: string): string => l.slice(0, 5).padStart(6);
  const rowWidth = Math.max(...c.labels.map((l) => l.length)) + 1;
  const lines = [`${title} (rows expected, columns predicted)`];
  lines.push("".padEnd(rowWidth) + c.labels.map(head).join(""));
  c.labels.forEach((l, i) => {
    lines.push(l.padEnd(rowWidth) + c.counts[i]!.map((n) => String(n || ".").padStart(6)).join(""));
  });
  return lines;
}

export function formatReport(r: EvalReport): string {
  const lines = [`${r.total} labelled lines`];
  for (const f of EVAL_FIELDS) {
    const { correct, total, accuracy } = r.fields[f];
    if (accuracy === null) continue;
    lines.push(
      `${f.padEnd(13)} ${(accuracy * 100).toFixed(1).padStart(5)} %  (${correct}/${total})`,
    );
  }
  lines.push("", ...formatConfusion("category", r.confusion.category));
  lines.push("", ...formatConfusion("severity", r.confusion.severity));
  lines.push("", `misclassified: ${r.misclassified.length}`);
  for (const m of r.misclassified) {
    const show = (x: {
      category: string;
      severity: string;
      feedbackType: string;
      priority?: string;
    }) =>
      [x.category, x.severity, x.feedbackType, ...(m.expected.priority ? [x.priority] : [])].join(
        "/",
      );
    lines.push(
      `line ${m.lineNo}: expected ${show(m.expected)}, got ${show(m.got)} [${m.fields.join(", ")}]  ${truncate(m.text, 60)}`,
    );
  }
  return lines.join("\n");
}
