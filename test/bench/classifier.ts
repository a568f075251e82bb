// Benchmark (issue 12): throughput of the message classifier, in messages per second.
//
// What it measures: `classifyMessage(text, context, policy)` of shared/domain/classifier, the
// pure function POST /v1/cases runs on every customer message (called exactly as
// functions/api/use-cases/accept-message.ts calls it: the customer's tier and channel as
// context, the policy's severe declared value from the configuration's default). Nothing else
// is timed: no I/O, no store, no HTTP.
//
// The messages are generated here, from about 40 base texts written for this benchmark
// (simplified and traditional Chinese, English, mixed; short and long; complaint words, demands,
// threats to go to 12305, amounts, phone numbers, waybill-like numbers), varied by a seeded
// generator (mulberry32): the same messages on every run. The pool is built before timing; a
// warm-up (JIT, the rules' compiled expressions) runs first, then one timed loop over N
// messages, N chosen from the warm-up's rate so that the loop takes about 0.75 s (quick) or
// 5 s (full).
//
//   node --import tsx test/bench/classifier.ts [--quick] [--json]
import { isEntryPoint } from "#infra/cli/entry-point.ts";
import { mulberry32 } from "#infra/seeded-random.ts";
import type { Channel, CustomerTier } from "#shared/domain/case.ts";
import {
  type ClassificationPolicy,
  classifyMessage,
  DEFAULT_CLASSIFICATION_POLICY,
  type MessageContext,
} from "#shared/domain/classifier/index.ts";

export interface ClassifierResult {
  /** Messages classified per second in the timed loop. */
  readonly classifierMsgsPerSec: number;
  /** How many messages the timed loop classified. */
  readonly messages: number;
  /** How long the timed loop took, in seconds. */
  readonly seconds: number;
}

interface BenchMessage {
  readonly text: string;
  readonly context: MessageContext;
}

/**
 * The base texts. Placeholders: {waybill} a waybill-like number, {phone} a mobile number,
 * {amount} an amount of money, {days} a small number, {name} a person's name.
 */
const BASE_TEXTS: readonly string[] = [
  // simplified Chinese, short
  "快递三天了还没到",
  "我的包裹到哪了？单号{waybill}",
  "东西摔坏了，外箱都压扁了",
  "包裹丢了，找不到了",
  "快递员态度太差，骂人",
  "运费怎么这么贵",
  "什么时候能送到？",
  "建议你们晚上也能派送",
  "物流信息一直不更新",
  "谢谢，已经收到了",
  // simplified Chinese, with numbers and demands
  "单号{waybill}，说好昨天到，今天还没送，电话{phone}，请尽快处理",
  "我寄的手机价值{amount}，到手屏幕碎了，要求赔偿，不然我就投诉到12305",
  "第{days}次打电话了，问题还是没解决，我要投诉你们",
  "快递员没打电话就把件放驿站了，我{days}天后才知道，很不满意",
  "包裹显示已签收但我根本没收到，单号{waybill}，联系电话{phone}",
  "保价{amount}的东西丢了，你们必须给个说法，否则找消费者协会",
  "派送员{name}说话很难听，还把我的东西扔在门口",
  "你好，请问寄到北京要多少钱？大概{days}公斤",
  "又延误了！上次也是这样，再这样我就去媒体曝光",
  "查询一下{waybill}的物流，谢谢",
  // traditional Chinese
  "我的包裹已經延誤{days}天了，請盡快處理",
  "東西破損了，盒子都爛了，單號{waybill}",
  "快遞員態度很差，我要投訴",
  "包裹遺失了，價值{amount}，要求賠償",
  "請問什麼時候可以送達？電話{phone}",
  "運費太貴了，收費不合理",
  // English
  "My parcel {waybill} is {days} days late, where is it?",
  "The box arrived crushed and the vase inside is broken. It was worth {amount}.",
  "Your courier was rude to me and threw the package at my door.",
  "Package lost. I want a refund now or I will report you to the consumer council.",
  "Hi, can you tell me when my delivery will arrive? Call me on {phone}.",
  "Why is the shipping cost so high? The quote said something else.",
  "Suggestion: please offer evening delivery slots.",
  "Thanks, all good, received today.",
  "This is the {days}th time I contact you about {waybill}. Nobody called back. Unacceptable!",
  // mixed and long
  "Hello 你好，my order {waybill} 还没到，已经 {days} days 了，please check asap，电话 {phone}",
  "我上周寄了一台笔记本电脑，声明价值{amount}，今天收到的时候外包装完好但是里面的屏幕碎了，快递员{name}说不是他的问题，让我自己找客服，我打了{days}次电话都没人接，你们到底管不管？如果明天之前不给我答复，我就直接打12305投诉，还要发到微博上让大家看看你们的服务",
  "I sent a package to my mother ({waybill}) two weeks ago. Tracking has not moved for {days} days, the hotline keeps me on hold, and the courier {name} does not answer {phone}. It contains medicine worth {amount}. If it is lost I expect full compensation and I will escalate to the regulator.",
  "客服你好，想咨询一下，寄大件家具怎么收费，需不需要提前预约上门取件，另外能不能开发票，谢谢",
  "已經第{days}次了，每次派送都說聯繫不上，其實我一直在家，電話{phone}也沒有未接來電，快遞員{name}根本沒來過，請你們查清楚，再這樣我就去消費者委員會投訴",
];

const PREFIXES = ["", "", "", "您好，", "你好 ", "喂，", "Hi, ", "Hello, ", "客服，", "急！"];
const SUFFIXES = [
  "",
  "",
  "",
  "谢谢",
  "，麻烦尽快",
  "!!!",
  " Please help.",
  "，不然我投诉",
  "。請盡快回覆",
  " ASAP",
];
const NAMES = ["王师傅", "李强", "张伟", "Mr. Chen", "刘洋", "陳先生"];
const CHANNELS: readonly Channel[] = ["phone", "online", "email", "app"];

/** `count` messages from the base texts, the same for the same seed. */
export function benchMessages(count: number, seed = 12): BenchMessage[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
  const fill = (text: string) =>
    text
      .replace(
        /\{waybill\}/g,
        () => pick(["SF", "YT", "ZTO", "JD", "78"]) + digits(10 + (random() < 0.5 ? 0 : 3)),
      )
      .replace(/\{phone\}/g, () => `1${pick(["3", "5", "8", "9"])}${digits(9)}`)
      .replace(/\{amount\}/g, () => {
        const value = Math.round(10 ** (1 + random() * 3.7));
        return pick([
          `${value}元`,
          `¥${value}`,
          `${value}块`,
          `$${value}`,
          `${value} yuan`,
          `RMB ${value}`,
        ]);
      })
      .replace(/\{days\}/g, () => String(2 + Math.floor(random() * 9)))
      .replace(/\{name\}/g, () => pick(NAMES));
  const messages: BenchMessage[] = [];
  for (let i = 0; i < count; i++) {
    // One text mostly; sometimes two or three in a row (a long message that rambles on).
    const parts = random() < 0.15 ? 2 + Math.floor(random() * 2) : 1;
    const body = Array.from({ length: parts }, () => fill(pick(BASE_TEXTS))).join(" ");
    const context: MessageContext = {
      customerTier: (random() < 0.08 ? "vip" : "regular") as CustomerTier,
      channel: pick(CHANNELS),
    };
    messages.push({ text: `${pick(PREFIXES)}${body}${pick(SUFFIXES)}`, context });
  }
  return messages;
}

/** The policy as accept-message.ts builds it (config's default: SEVERE_DECLARED_VALUE_CNY 500). */
const POLICY: ClassificationPolicy = {
  severeDeclaredValueCny: DEFAULT_CLASSIFICATION_POLICY.severeDeclaredValueCny,
};

const POOL_SIZE = 4096;

export async function measureClassifier(options: { quick: boolean }): Promise<ClassifierResult> {
  const pool = benchMessages(POOL_SIZE);
  let sink = 0;
  const classify = (m: BenchMessage) => {
    const reading = classifyMessage(m.text, m.context, POLICY);
    sink += reading.reasons.length + reading.confidence;
  };

  // Warm-up: the whole pool once (every base text and variant compiled and optimised), and then
  // for at least 0.3 s, which also gives the rate the timed loop is sized from.
  for (const m of pool) classify(m);
  let warmed = 0;
  const warmStart = performance.now();
  while (performance.now() - warmStart < 300 || warmed < POOL_SIZE) {
    classify(pool[warmed % POOL_SIZE] as BenchMessage);
    warmed++;
  }
  const warmRate = warmed / ((performance.now() - warmStart) / 1000);

  const targetSeconds = options.quick ? 0.75 : 5;
  const messages = Math.max(POOL_SIZE, Math.round((warmRate * targetSeconds) / 1000) * 1000);
  const started = performance.now();
  for (let i = 0; i < messages; i++) classify(pool[i % POOL_SIZE] as BenchMessage);
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(sink)) throw new Error("unreachable: keeps the results alive");
  return {
    classifierMsgsPerSec: Math.round(messages / seconds),
    messages,
    seconds: Number(seconds.toFixed(3)),
  };
}

// ---- CLI -------------------------------------------------------------------------------------

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const result = await measureClassifier({ quick });
  if (!process.argv.includes("--json"))
    console.log(
      `classifier (${quick ? "quick" : "full"}): ${result.classifierMsgsPerSec.toLocaleString("en-US")} messages/s ` +
        `(${result.messages.toLocaleString("en-US")} messages in ${result.seconds} s)`,
    );
  console.log(JSON.stringify(result, null, 2));
}
