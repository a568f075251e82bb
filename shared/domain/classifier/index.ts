// The message classifier: what the words say (read-text.ts) decided with the customer's
// context (decide.ts). Rules: rules.ts. See ../../domain.md "Classification".
import type { Category, Channel, CustomerTier } from "../case.ts";
import {
  type Classification,
  type ClassificationPolicy,
  DEFAULT_CLASSIFICATION_POLICY,
  decide,
} from "./decide.ts";
import { readText, type Signal } from "./read-text.ts";

export {
  type Classification,
  type ClassificationPolicy,
  DEFAULT_CLASSIFICATION_POLICY,
  type DecisionInput,
  decide,
} from "./decide.ts";
export { normalize } from "./normalize.ts";
export { readText, type Signal, SIGNALS, type TextMatch, type TextReading } from "./read-text.ts";

export interface MessageContext {
  readonly customerTier?: CustomerTier;
  /** CNY, as the order or the customer declared it. */
  readonly declaredValue?: number;
  /** A repeat complaint: the system found an earlier resolved case. */
  readonly repeat?: boolean;
  readonly channel?: Channel;
}

export interface MessageClassification extends Classification {
  /** 0..1, how sure the text reading is of the category. */
  readonly confidence: number;
  readonly signals: readonly Signal[];
  /** The larger of the context's and the text's declared value, CNY. */
  readonly declaredValue?: number;
}

/** Reasons list at most this many matched phrases. */
const MAX_PHRASE_REASONS = 4;

export function classifyMessage(
  text: string,
  context: MessageContext = {},
  policy: ClassificationPolicy = DEFAULT_CLASSIFICATION_POLICY,
): MessageClassification {
  const reading = readText(text);
  const category: Category = reading.category ?? "other";
  const values = [context.declaredValue, reading.declaredValueCny].filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  const declaredValue = values.length > 0 ? Math.max(...values) : undefined;
  const decided = decide(
    {
      category,
      signals: reading.signals,
      customerTier: context.customerTier ?? "regular",
      ...(declaredValue !== undefined ? { declaredValue } : {}),
      ...(context.repeat !== undefined ? { repeat: context.repeat } : {}),
    },
    policy,
  );
  const textReasons =
    reading.category === null
      ? ["no category words → other"]
      : reading.matches
          .filter((m) => m.category === category)
          .slice(0, MAX_PHRASE_REASONS)
          .map((m) => `"${m.phrase}" → ${category}`);
  const signalReasons = reading.matches
    .filter((m) => m.category === "signal")
    .slice(0, MAX_PHRASE_REASONS)
    .map((m) => `"${m.phrase}" → ${m.signal ?? "signal"}`);
  return {
    ...decided,
    reasons: [...textReasons, ...signalReasons, ...decided.reasons],
    confidence: reading.category === null ? 0.1 : reading.confidence,
    signals: reading.signals,
    ...(declaredValue !== undefined ? { declaredValue } : {}),
  };
}
