// `npm run -s demo -- [--days N] [--seed S] [--per-day N] [--api URL]`: drives the running local
// runtime through a realistic stretch of work, then prints its KPI table — the first thing to
// run after `npm start`. Day by day (working days of the delivery team's calendar):
//
//   09:00  the clock moves to the morning; the order systems publish (PutEvents, source
//          courier.orders): the day's deliveries (200 by default) across 5 outlets, 8 couriers
//          and 3 regions, some VIP customers, and a few percent of exceptions (Parcel Delayed,
//          Damaged, Lost, Delivery Attempt Failed 1 and 2); yesterday's delayed parcels arrive.
//          Customers' messages (POST /v1/cases) in simplified and traditional Chinese and English,
//          on the phone, online, app and e-mail channels: complaints, inquiries, suggestions.
//  ~09:10  agents respond (urgent cases first), then resolve most of their cases; some wait on
//          the customer, some stay open (the backlog); freed slots take the team queue.
//  ~12:30  the follow-up calls (回访) that fell due: mostly satisfied, some not, some customers not
//          reached (the call is tried again later); a dissatisfied customer reopens the case.
//   14:00  more messages, now and then a repeat complaint; agents work again (reopened cases too).
//  ~16:30  the afternoon's follow-up calls.
//
// The runtime is idle (GET /_local/queues) before every step that reads what the last one did.
// Deterministic for a seed on the same runtime clock: the events and messages come from a seeded
// PRNG, and each decision about a case or a call from a hash of the seed and its id. Tokens are
// signed with the local key of DATA_DIR (as `npm run -s token` does). Progress on stderr, the
// KPI table of the whole period (all, then by team) on stdout. Exit codes: 0 done, 1 the runtime
// failed or has no KPI API yet, 2 bad flags.
import { parseArgs } from "node:util";
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import {
  type BusinessCalendar,
  DEFAULT_CALENDAR,
  nextBusinessOpening,
} from "#shared/domain/business-time.ts";
import { type CalendarSpec, calendarOf } from "#shared/domain/calendar-spec.ts";
import { hashOf, mulberry32 } from "../seeded-random.ts";
import { isEntryPoint } from "./entry-point.ts";
import { type KpiReport, renderKpiTable } from "./kpi-table.ts";
import {
  apiUrlOf,
  ApiError,
  checkApiUrl,
  dataDirOf,
  describeProblem,
  fetchKpis,
  LocalRuntimeClient,
  NO_KPI_API,
  NoKpiApiError,
  type Problem,
  RuntimeError,
  shanghaiDate,
  UsageError,
} from "./kpis.ts";

// ---- flags ----------------------------------------------------------------------------------

export const DEMO_USAGE = `Usage: npm run -s demo -- [--days N] [--seed S] [--per-day N] [--api URL]
  --days      working days to run, 1–30 (default 3)
  --seed      any whole number 0–4294967295: the same seed gives the same events (default 1)
  --per-day   parcels delivered per day, 10–2000 (default 200)
  --api       the runtime's URL (default: from $DATA_DIR/runtime.json, else http://127.0.0.1:3000)
Start the runtime first (npm start); use the same DATA_DIR (the tokens are signed with its key).`;

export interface DemoArgs {
  readonly days: number;
  readonly seed: number;
  readonly perDay: number;
  readonly api?: string;
  readonly help: boolean;
}

function wholeNumber(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
  def: number,
) {
  if (text === undefined) return def;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/** The flags of `npm run -s demo` (argv without node and the script); UsageError when wrong. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        days: { type: "string" },
        seed: { type: "string" },
        "per-day": { type: "string" },
        api: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    days: wholeNumber("days", values.days, 1, 30, 3),
    seed: wholeNumber("seed", values.seed, 0, 0xffffffff, 1),
    perDay: wholeNumber("per-day", values["per-day"], 10, 2000, 200),
    ...(values.api !== undefined ? { api: checkApiUrl(values.api) } : {}),
    help: values.help ?? false,
  };
}

// ---- deterministic chance -------------------------------------------------------------------

/** A number in [0, 1) fixed by the seed and the key: decisions about things the runtime names. */
export function chanceOf(seed: number, key: string): number {
  return mulberry32((seed ^ hashOf(key)) >>> 0)();
}

export class Dice {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) if ((r -= w) < 0) return value;
    return (entries.at(-1) as readonly [T, number])[0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

// ---- the world: outlets, couriers, customers ------------------------------------------------

export const REGIONS = ["Shanghai", "Hangzhou", "Shenzhen"] as const;
export const OUTLETS = [
  { outletId: "SH-PD-017", region: "Shanghai" },
  { outletId: "SH-MH-004", region: "Shanghai" },
  { outletId: "HZ-XH-011", region: "Hangzhou" },
  { outletId: "HZ-BJ-002", region: "Hangzhou" },
  { outletId: "SZ-NS-008", region: "Shenzhen" },
] as const;
/** Eight couriers, each of one outlet (two outlets have two). */
export const COURIERS = OUTLETS.flatMap((outlet, i) =>
  Array.from({ length: i < 3 ? 2 : 1 }, (_, k) => ({
    courierId: `courier-${outlet.outletId.slice(0, 2).toLowerCase()}${String(i * 2 + k + 1).padStart(2, "0")}`,
    outletId: outlet.outletId,
    region: outlet.region,
  })),
);

const SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"];
const GIVEN = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Xiu", "Qiang", "Hui", "Ling"];

export interface DemoCustomer {
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly tier: "regular" | "vip";
}

const CUSTOMER_COUNT = 400;
/** Customer `n` of the demo's customers: every fifteenth a VIP (cust-2001 is one, known to claims). */
export function customerOf(n: number): DemoCustomer {
  if (n === 0) return { id: "cust-2001", name: "Qian Duoduo", phone: "13700002001", tier: "vip" };
  return {
    id: `cust-${7000 + n}`,
    name: `${SURNAMES[n % SURNAMES.length]} ${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}`,
    phone: `13${String(800000000 + ((n * 7919) % 100000000)).padStart(9, "0")}`,
    tier: n % 15 === 0 ? "vip" : "regular",
  };
}

// ---- a day's upstream events ----------------------------------------------------------------

export type ParcelFate =
  "delivered" | "delivered-late" | "delayed" | "damaged" | "lost" | "failed-once" | "failed-twice";

export interface Parcel {
  readonly waybillNo: string;
  readonly orderId: string;
  readonly customer: DemoCustomer;
  readonly outletId: string;
  readonly courierId: string;
  readonly region: string;
  readonly fate: ParcelFate;
}

export interface DayPlan {
  readonly date: string;
  readonly parcels: readonly Parcel[];
  /** The events published at 09:00: the morning delivery round, the exceptions. */
  readonly morning: readonly { detailType: string; detail: Record<string, unknown> }[];
  /** The events published at 14:00: the midday delivery round. */
  readonly afternoon: readonly { detailType: string; detail: Record<string, unknown> }[];
  /** Parcels that arrive the next morning (delayed, or failed twice). */
  readonly carryOver: readonly Parcel[];
}

/** Shares of the day's parcels with an exception (at least one each per day). */
const EXCEPTIONS: readonly (readonly [ParcelFate, number])[] = [
  ["lost", 0.005],
  ["delayed", 0.03],
  ["failed-twice", 0.01],
  ["failed-once", 0.015],
  ["damaged", 0.02],
];

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The instant of a Shanghai wall-clock time (UTC+8 all year) on a date. */
export function atShanghai(date: string, hh: number, mm = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + (hh - 8) * HOUR + mm * MINUTE);
}

/** ISO-8601 with the +08:00 offset, as the order systems in China write it. */
export function shanghaiIso(at: Date): string {
  return `${new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;
}

const nextDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);

/** The seed's tag in waybill numbers (two base-36 characters). */
const seedTag = (seed: number) => ((seed >>> 0) % 1296).toString(36).toUpperCase().padStart(2, "0");

/**
 * The events of day `dayIndex` (0-based) on `date`: `perDay` new parcels, most delivered (in
 * the morning or the midday round), a few with exceptions, and the late arrivals of the day
 * before. Pure: the same
 * seed, day and date give the same events (waybills carry the date, so days never collide).
 */
export function planDay(
  seed: number,
  dayIndex: number,
  date: string,
  perDay: number,
  arriving: readonly Parcel[] = [],
): DayPlan {
  const dice = new Dice((seed ^ hashOf(`day-${dayIndex}`)) >>> 0);
  const fates: ParcelFate[] = Array.from({ length: perDay }, () => "delivered");
  const order = dice.shuffle(fates.map((_, i) => i));
  let next = 0;
  for (const [fate, share] of EXCEPTIONS)
    for (let k = Math.max(1, Math.round(share * perDay)); k > 0 && next < perDay; k--)
      fates[order[next++] as number] = fate;
  // A few deliveries a little after their promised time (no case, but a late delivery).
  for (let k = Math.round(0.04 * perDay); k > 0 && next < perDay; k--)
    fates[order[next++] as number] = "delivered-late";

  const stamp = date.slice(2).replaceAll("-", "");
  const parcels: Parcel[] = fates.map((fate, i) => {
    const courier = dice.pick(COURIERS);
    // Most customers are regulars of the area; every parcel is someone's.
    const customer = customerOf(dice.int(0, CUSTOMER_COUNT - 1));
    const waybillNo = `DM${stamp}${seedTag(seed)}${String(i + 1).padStart(4, "0")}`;
    return {
      waybillNo,
      orderId: `ORD-${waybillNo}`,
      customer,
      outletId: courier.outletId,
      courierId: courier.courierId,
      region: courier.region,
      fate,
    };
  });

  type Event = { detailType: string; detail: Record<string, unknown> };
  const morning: Event[] = [];
  const afternoon: Event[] = [];
  const base = (p: Parcel, what: string, at: Date) => ({
    eventId: `evt-${p.waybillNo}-${what}`,
    waybillNo: p.waybillNo,
    occurredAt: shanghaiIso(at),
    customer: {
      id: p.customer.id,
      ...(dice.float() < 0.7 ? { name: p.customer.name } : {}),
      phone: p.customer.phone,
      tier: p.customer.tier,
    },
    orderId: p.orderId,
    outletId: p.outletId,
    courierId: p.courierId,
    region: p.region,
  });
  const nine = atShanghai(date, 9);
  const two = atShanghai(date, 14);
  /** Some time in the `minutes` before `end` (to the second). */
  const before = (end: Date, minutes: number) =>
    new Date(end.getTime() - 1000 * dice.int(1, minutes * 60));
  const delivered = (p: Parcel, at: Date, promisedAt?: Date): Event => ({
    detailType: "Parcel Delivered",
    detail: {
      ...base(p, "delivered", at),
      deliveredAt: shanghaiIso(at),
      ...(promisedAt ? { promisedAt: shanghaiIso(promisedAt) } : {}),
    },
  });
  /** A delivery of the morning round (before 09:00) or of the midday round (before 14:00). */
  const deliveryRound = (p: Parcel, promisedAt?: (at: Date) => Date) => {
    const [wave, end] = dice.float() < 0.6 ? [morning, nine] : [afternoon, two];
    const at = before(end, 110);
    wave.push(delivered(p, at, promisedAt?.(at)));
  };

  // Yesterday's delayed parcels arrive in the morning round, late.
  for (const p of arriving) morning.push(delivered(p, before(nine, 110), atShanghai(date, -6)));
  // The order systems report exceptions as they happen: the last minutes before 09:00.
  for (const p of parcels) {
    switch (p.fate) {
      case "delivered":
        deliveryRound(p, () => atShanghai(date, 18));
        break;
      case "delivered-late":
        deliveryRound(p, (at) => new Date(at.getTime() - 45 * MINUTE));
        break;
      case "delayed":
        morning.push({
          detailType: "Parcel Delayed",
          detail: {
            ...base(p, "delayed", before(nine, 3)),
            promisedAt: shanghaiIso(atShanghai(date, 8)),
            estimatedAt: shanghaiIso(atShanghai(nextDate(date), 10)),
            reason: dice.pick(["weather at the hub", "sorting backlog", "vehicle breakdown"]),
          },
        });
        break;
      case "damaged":
        morning.push({
          detailType: "Parcel Damaged",
          detail: {
            ...base(p, "damaged", before(nine, 3)),
            description: dice.pick(["carton crushed at sorting", "wet box", "torn packaging"]),
            declaredValue: dice.pick([80, 150, 260, 320, 480, 650, 1200]),
          },
        });
        afternoon.push(delivered(p, before(two, 110)));
        break;
      case "lost":
        morning.push({
          detailType: "Parcel Lost",
          detail: {
            ...base(p, "lost", before(nine, 3)),
            lastScanAt: shanghaiIso(atShanghai(date, -4)), // yesterday 20:00
            lastLocation: `${p.region} sorting centre`,
            declaredValue: dice.pick([300, 900, 1800, 3200]),
          },
        });
        break;
      case "failed-once":
      case "failed-twice":
        morning.push({
          detailType: "Delivery Attempt Failed",
          detail: {
            ...base(p, "attempt-1", before(atShanghai(date, 8), 60)),
            attempt: 1,
            reason: "recipient not at home",
          },
        });
        if (p.fate === "failed-twice")
          morning.push({
            detailType: "Delivery Attempt Failed",
            detail: {
              ...base(p, "attempt-2", before(nine, 3)),
              attempt: 2,
              reason: dice.pick(["recipient not at home", "address not found"]),
            },
          });
        else afternoon.push(delivered(p, before(two, 110)));
        break;
    }
  }
  return {
    date,
    parcels,
    morning,
    afternoon,
    carryOver: parcels.filter((p) => p.fate === "delayed" || p.fate === "failed-twice"),
  };
}

// ---- customers' messages --------------------------------------------------------------------

export type MessageKind =
  "delay" | "attitude" | "damage" | "price" | "information" | "inquiry" | "suggestion";
export type Script = "hans" | "hant" | "en";
export const CHANNELS = ["phone", "online", "app", "email"] as const;
export type Channel = (typeof CHANNELS)[number];

/** What customers say, by kind and script: each classifies as its kind (a unit test checks). */
export const MESSAGES: Readonly<Record<MessageKind, Readonly<Record<Script, readonly string[]>>>> =
  {
    delay: {
      hans: [
        "包裹三天了还没送到，再不处理我就打12305投诉",
        "说好昨天送到的快递到现在还没送到，请尽快派送",
      ],
      hant: ["包裹延誤了三天，到現在還沒送到，請盡快處理"],
      en: ["My parcel is three days late and still not delivered. Please sort it out."],
    },
    attitude: {
      hans: ["快递员态度很差，打电话还骂人，我要投诉"],
      hant: ["快遞員態度很差，說話很不客氣，我要投訴"],
      en: ["The courier was very rude to me at the door. I want to complain."],
    },
    damage: {
      hans: ["收到的包裹外箱破损，里面的杯子碎了，要求赔偿"],
      hant: ["收到的包裹破損了，裡面的花瓶碎了，要求賠償"],
      en: ["The box arrived crushed and the vase inside is broken. I want compensation."],
    },
    price: {
      hans: ["运费多收了我十块钱，请退还差价"],
      hant: ["運費比報價貴了二十元，請退還多收的錢"],
      en: ["I was charged twice for the same shipment, please refund the extra fee."],
    },
    information: {
      hans: ["物流信息三天没有更新了，一直显示在转运中"],
      hant: ["物流資訊三天沒有更新了，一直顯示運輸中"],
      en: ["The tracking information has not been updated for three days."],
    },
    inquiry: {
      hans: ["请问周末可以上门取件吗？"],
      hant: ["請問寄到香港需要幾天？"],
      en: ["Could you tell me the opening hours of the Pudong outlet?"],
    },
    suggestion: {
      hans: ["建议你们在小区多放几个快递柜，取件更方便"],
      hant: ["建議派送前先打電話通知一下"],
      en: ["Suggestion: please send a text message before delivery."],
    },
  };

/** A repeat complaint, by the category of the earlier case (delay or damage). */
export const REPEAT_MESSAGES: Readonly<Record<"delay" | "damage", readonly string[]>> = {
  delay: [
    "上次的问题又出现了，包裹又没按时送到，我要投诉",
    "又延誤了！上次就投訴過，這次包裹又沒按時送到",
    "This is the second time my parcel is late. I am filing a complaint again.",
  ],
  damage: ["又是破损！上次的包裹就坏了，这次又碎了，我要投诉"],
};

const KIND_WEIGHTS: readonly (readonly [MessageKind, number])[] = [
  ["delay", 25],
  ["damage", 10],
  ["attitude", 10],
  ["price", 10],
  ["information", 10],
  ["inquiry", 25],
  ["suggestion", 10],
];
const SCRIPT_WEIGHTS: readonly (readonly [Script, number])[] = [
  ["hans", 55],
  ["hant", 20],
  ["en", 25],
];
const CHANNEL_WEIGHTS: readonly (readonly [Channel, number])[] = [
  ["phone", 40],
  ["online", 25],
  ["app", 20],
  ["email", 15],
];

export interface PlannedMessage {
  readonly kind: MessageKind;
  readonly script: Script;
  readonly channel: Channel;
  readonly text: string;
  readonly waybillNo?: string;
  readonly customer: DemoCustomer;
  /** Idempotency-Key: a retried run step gives the same case. */
  readonly key: string;
}

/**
 * `count` messages of a day's `part` ("am" or "pm"): every kind once a morning (so each team
 * hears from customers), then by weight. About a parcel of the day when there is one: delay
 * complaints mostly about a delayed parcel (they join its case), damage about a damaged one.
 */
export function planMessages(
  seed: number,
  plan: DayPlan,
  part: "am" | "pm",
  count: number,
): PlannedMessage[] {
  const dice = new Dice((seed ^ hashOf(`messages-${plan.date}-${part}`)) >>> 0);
  const kinds: MessageKind[] =
    part === "am" ? dice.shuffle(KIND_WEIGHTS.map(([kind]) => kind)).slice(0, count) : [];
  while (kinds.length < count) kinds.push(dice.weighted(KIND_WEIGHTS));
  const of = (fates: readonly ParcelFate[]) => plan.parcels.filter((p) => fates.includes(p.fate));
  const delivered = of(["delivered", "delivered-late"]);
  return kinds.map((kind, i) => {
    const script = dice.weighted(SCRIPT_WEIGHTS);
    let parcel: Parcel | undefined;
    if (kind === "delay") {
      const late = of(["delayed", "failed-twice", "delivered-late"]);
      parcel = dice.float() < 0.7 && late.length > 0 ? dice.pick(late) : dice.pick(delivered);
    } else if (kind === "damage") {
      const damaged = of(["damaged"]);
      parcel = dice.float() < 0.5 && damaged.length > 0 ? dice.pick(damaged) : dice.pick(delivered);
    } else if (kind === "inquiry" || kind === "suggestion") {
      parcel = undefined;
    } else {
      parcel = dice.pick(delivered);
    }
    return {
      kind,
      script,
      channel: dice.weighted(CHANNEL_WEIGHTS),
      text: dice.pick(MESSAGES[kind][script]),
      ...(parcel ? { waybillNo: parcel.waybillNo } : {}),
      customer: parcel?.customer ?? customerOf(dice.int(1, CUSTOMER_COUNT - 1)),
      key: `demo-${plan.date}-${seedTag(seed)}-${part}-${i}`,
    };
  });
}

// ---- decisions about what the runtime shows -------------------------------------------------

export interface FollowUpView {
  readonly followUpId: string;
  readonly kind: "case" | "delivery";
  readonly caseId: string | null;
  readonly round: number;
  readonly status: string;
  readonly team: string | null;
  readonly assignee: string | null;
  readonly category: string | null;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly version: number;
}

export interface Outcome {
  readonly reached: boolean;
  readonly satisfaction?: number;
  readonly nps?: number;
  readonly resolved?: boolean;
  readonly comment?: string;
  readonly suggestionAdopted?: boolean;
}

/**
 * What the customer says on this call (by the seed and the follow-up's id and attempt):
 * mostly satisfied (4–5, NPS 8–10, solved); some dissatisfied (a score of 2, or not solved: the
 * case reopens); some not reached (called again later, unreachable after the last call).
 * Suggestion cases are always reached and say whether the suggestion was taken up. A case's
 * follow-up always says `resolved` when reached (the API requires it); a delivery's never.
 */
export function outcomeFor(seed: number, fu: FollowUpView): Outcome {
  const key = `${fu.followUpId}#${fu.attempts}`;
  const r = chanceOf(seed, `${key}|outcome`);
  const pick = (low: number, high: number, what: string) =>
    low + Math.floor(chanceOf(seed, `${key}|${what}`) * (high - low + 1));
  if (fu.kind === "delivery") {
    if (r < 0.15) return { reached: false };
    return { reached: true, satisfaction: pick(3, 5, "sat"), nps: pick(7, 10, "nps") };
  }
  if (fu.category === "suggestion")
    return {
      reached: true,
      satisfaction: pick(4, 5, "sat"),
      nps: pick(8, 10, "nps"),
      resolved: true,
      suggestionAdopted: chanceOf(seed, `${key}|adopted`) < 0.5,
    };
  const later = fu.round > 1; // after a reopen, most customers are content
  if (r < (later ? 0.05 : 0.1)) return { reached: false };
  if (r < (later ? 0.08 : 0.16))
    return {
      reached: true,
      satisfaction: 2,
      nps: pick(2, 5, "nps"),
      resolved: true,
      comment: "处理太慢，不满意",
    };
  if (r < (later ? 0.1 : 0.22))
    return { reached: true, satisfaction: 3, nps: pick(4, 6, "nps"), resolved: false };
  return {
    reached: true,
    satisfaction: pick(4, 5, "sat"),
    nps: pick(8, 10, "nps"),
    resolved: true,
  };
}

/** The first opening of the calendar after the day of `now` (or today's, before 09:00). */
export function nextMorning(now: Date, calendar: BusinessCalendar = DEFAULT_CALENDAR): Date {
  const today = shanghaiDate(now);
  const opensToday = nextBusinessOpening(atShanghai(today, 0), calendar);
  if (shanghaiDate(opensToday) === today && opensToday.getTime() > now.getTime()) return opensToday;
  return nextBusinessOpening(atShanghai(nextDate(today), 0), calendar);
}

// ---- the run --------------------------------------------------------------------------------

export interface DemoOptions {
  /** The runtime's URL. */
  readonly api: string;
  /** Its data directory (the tokens are signed with its local key). */
  readonly dataDir: string;
  readonly days: number;
  readonly seed: number;
  /** Parcels delivered per day (default 200). */
  readonly perDay?: number;
  /** Where the tables go (default stdout). */
  readonly out?: (text: string) => void;
  /** Where progress and warnings go (default stderr). */
  readonly err?: (text: string) => void;
  /** Redraw one progress line with \r (default: when stderr is a terminal). */
  readonly progressBar?: boolean;
  /** Terminal width for the tables (default 160). */
  readonly columns?: number;
}

export interface DemoStats {
  events: number;
  eventsRefused: number;
  messages: number;
  messagesAttached: number;
  repeatComplaints: number;
  responses: number;
  waits: number;
  resolutions: number;
  followUpsReached: number;
  followUpsNotReached: number;
  followUpsUnreachable: number;
  casesReopened: number;
  httpErrors: number;
}

export interface DemoResult {
  readonly from: string;
  readonly to: string;
  readonly stats: DemoStats;
  /** The KPIs of the period (all, by team); null when the runtime has no KPI API yet. */
  readonly kpis: { readonly all: KpiReport; readonly byTeam: KpiReport } | null;
  readonly seconds: number;
}

interface CaseView {
  readonly caseId: string;
  readonly waybillNo: string | null;
  readonly status: string;
  readonly category: string;
  readonly priority: string;
  readonly team: string | null;
  readonly assignee: string | null;
  readonly customer: { readonly id: string; readonly tier: "regular" | "vip" };
  readonly text: string | null;
  readonly sla: { readonly firstRespondedAt: string | null };
  readonly version: number;
}

interface AgentView {
  readonly agentId: string;
  readonly team: string;
  readonly onShift: boolean;
}

interface TeamView {
  readonly teamId: string;
  readonly categories: readonly string[];
  readonly calendar?: CalendarSpec | null;
}

const PHASES = [
  "moving the clock",
  "publishing",
  "customers' messages",
  "waiting for the runtime",
  "agents responding",
  "agents resolving",
  "follow-up calls",
  "afternoon messages",
  "agents working",
  "afternoon follow-up calls",
] as const;

/** The demo stops: the runtime is gone, refuses the token, or errs too often. */
export class DemoStopped extends Error {
  override readonly name = "DemoStopped";
}

const MAX_HTTP_ERRORS = 50;

const REPLIES: Readonly<Record<string, readonly [string, string]>> = {
  delay: [
    "您好，已联系网点加急派送，请留意电话",
    "We have asked the outlet to deliver it first thing.",
  ],
  damage: [
    "您好，已登记破损，请提供照片以便理赔",
    "We have logged the damage; photos help the claim.",
  ],
  loss: ["您好，已启动丢件调查，会尽快回复您", "We have started a search for the parcel."],
  attitude: ["非常抱歉，已向网点反馈并核实", "We apologise and have raised it with the outlet."],
  price: ["您好，正在核对运费，请稍候", "We are checking the charge for you."],
  information: [
    "您好，已核实包裹位置，稍后更新物流信息",
    "We have located the parcel and will update the tracking.",
  ],
  inquiry: ["您好，感谢咨询，回复如下", "Thank you for asking: here is the answer."],
  suggestion: ["感谢您的建议，已转交相关部门", "Thank you, we have passed it on."],
  other: ["您好，已收到，正在处理", "Received, we are on it."],
};
const RESOLUTIONS: Readonly<Record<string, string>> = {
  delay: "已加急派送，包裹已签收",
  damage: "已核实破损，按声明价值赔付",
  loss: "已确认丢失，按保价金额赔付",
  attitude: "已对快递员进行教育，向客户致歉",
  price: "已核对运费，多收部分已退回",
  information: "已更新物流信息并告知客户",
  inquiry: "已解答客户咨询",
  suggestion: "已记录建议并转交产品团队",
  other: "已处理完毕",
};

const isEnglish = (text: string | null) => !!text && !/[\u3400-\u9fff]/.test(text);

class Demo {
  readonly stats: DemoStats = {
    events: 0,
    eventsRefused: 0,
    messages: 0,
    messagesAttached: 0,
    repeatComplaints: 0,
    responses: 0,
    waits: 0,
    resolutions: 0,
    followUpsReached: 0,
    followUpsNotReached: 0,
    followUpsUnreachable: 0,
    casesReopened: 0,
    httpErrors: 0,
  };
  private readonly client: LocalRuntimeClient;
  private readonly eventBridge: EventBridgeClient;
  private readonly err: (text: string) => void;
  private readonly bar: boolean;
  private progressLine = "";
  private agents: AgentView[] = [];
  private teams: TeamView[] = [];
  private calendar: BusinessCalendar = DEFAULT_CALENDAR;
  /** Cases this run resolved that a customer may complain about again (delay, damage). */
  private readonly resolvedForRepeat = new Map<string, CaseView>();
  private readonly repeated = new Set<string>();
  private deadLettersAtStart = 0;

  constructor(private readonly options: DemoOptions) {
    this.client = new LocalRuntimeClient(options.api.replace(/\/+$/, ""), options.dataDir);
    this.eventBridge = new EventBridgeClient({
      endpoint: this.client.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 3,
    });
    this.err = options.err ?? ((text) => process.stderr.write(text));
    this.bar = options.progressBar ?? Boolean(process.stderr.isTTY && !options.err);
  }

  close() {
    this.eventBridge.destroy();
  }

  // -- reporting --

  private progress(day: number, phase: number) {
    const { days } = this.options;
    const done = (day * PHASES.length + phase) / (days * PHASES.length);
    const width = 20;
    const filled = Math.round(done * width);
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] day ${day + 1}/${days} — ${PHASES[phase]}…`;
    if (this.bar) {
      this.err(`\r${line.padEnd(Math.max(line.length, this.progressLine.length))}`);
      this.progressLine = line;
    } else if (phase === 0) {
      this.err(`${line}\n`);
    }
  }

  private endProgress(text: string) {
    if (this.bar && this.progressLine) {
      this.err(`\r${text.padEnd(this.progressLine.length)}\n`);
      this.progressLine = "";
    } else this.err(`${text}\n`);
  }

  /** A warning on its own line, the progress line redrawn under it. */
  warn(text: string) {
    if (this.bar && this.progressLine) {
      this.err(`\r${" ".repeat(this.progressLine.length)}\r${text}\n${this.progressLine}`);
    } else this.err(`${text}\n`);
  }

  /** An API refusal: said with its status and problem details, then the demo carries on. */
  private refused(error: unknown): void {
    if (!(error instanceof ApiError)) throw error;
    this.stats.httpErrors += 1;
    this.warn(`  ${error.message}`);
    if (this.stats.httpErrors >= MAX_HTTP_ERRORS)
      throw new DemoStopped(
        `${this.stats.httpErrors} requests failed: stopping (the runtime's log says more)`,
      );
  }

  /** Runs `step`; an ApiError is reported and gives undefined. */
  private async tryCall<T>(step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      this.refused(error);
      return undefined;
    }
  }

  // -- the runtime --

  private now() {
    return this.client.now();
  }

  private async advance(duration: string) {
    const answer = await this.client.request("POST", "/_local/clock", {
      body: { advance: duration },
    });
    if (answer.status !== 200)
      throw new DemoStopped(
        `POST /_local/clock {"advance":"${duration}"} → ${answer.status} ${describeProblem(answer.body as Problem)}`,
      );
  }

  private async advanceTo(target: Date) {
    const seconds = Math.ceil((target.getTime() - (await this.now()).getTime()) / 1000);
    if (seconds > 0) await this.advance(`PT${seconds}S`);
  }

  /** Until every queue is empty with nothing in flight or delayed (GET /_local/queues). */
  async waitIdle(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    for (;;) {
      const report = await this.queues();
      const busy = Object.entries(report).filter(
        ([, q]) => (q.visible ?? 0) + (q.inFlight ?? 0) + (q.delayed ?? 0) > 0,
      );
      if (busy.length === 0 && ++quiet >= 2) return;
      if (busy.length > 0) quiet = 0;
      if (Date.now() > deadline) {
        this.warn(
          `  the runtime is still busy after ${timeoutMs / 1000} s (${busy.map(([name, q]) => `${name}: ${q.visible} visible, ${q.inFlight} in flight, ${q.delayed} delayed`).join("; ")}): carrying on`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, busy.length ? 50 : 20));
    }
  }

  private async queues() {
    return this.client.call<
      Record<
        string,
        { visible?: number; inFlight?: number; delayed?: number; deadLetters?: number }
      >
    >("GET", "/_local/queues");
  }

  private async deadLetters(): Promise<Record<string, number>> {
    const report = await this.queues();
    return Object.fromEntries(
      Object.entries(report).map(([name, q]) => [name, q.deadLetters ?? 0]),
    );
  }

  private ops() {
    return this.client.token("ops-demo", ["ops"]);
  }

  private agentToken(agentId: string) {
    return this.client.token(agentId, ["agents"]);
  }

  /** Every page of a list (GET with `limit=100` and the cursors). */
  private async all<T>(path: string, token: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page: { items: T[]; nextCursor: string | null } = await this.client.call(
        "GET",
        `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { token },
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  // -- setting up --

  async start() {
    const health = await this.client.request("GET", "/health");
    if (health.status !== 200)
      throw new DemoStopped(`GET /health → ${health.status}: is ${this.client.url} the runtime?`);
    const ops = await this.ops();
    this.teams = (
      await this.client.call<{ items: TeamView[] }>("GET", "/v1/teams", { token: ops })
    ).items;
    this.agents = (
      await this.client.call<{ items: AgentView[] }>("GET", "/v1/agents", { token: ops })
    ).items;
    if (!this.agents.some((a) => a.onShift))
      this.warn("  no agent is on shift: cases will wait in the team queues");
    const delivery = this.teams.find((t) => t.categories.includes("delay"));
    try {
      this.calendar = calendarOf(delivery?.calendar ?? undefined);
    } catch {
      this.calendar = DEFAULT_CALENDAR;
    }
    this.deadLettersAtStart = Object.values(await this.deadLetters()).reduce((a, b) => a + b, 0);
  }

  /** Who types the customers' messages: an agent on shift of the team owning inquiries. */
  private hotlineAgent(): string {
    const care = this.teams.find((t) => t.categories.includes("inquiry"))?.teamId;
    const agent =
      this.agents.find((a) => a.onShift && a.team === care) ??
      this.agents.find((a) => a.onShift) ??
      this.agents[0];
    if (!agent) throw new DemoStopped("The organisation has no agents: nobody can take messages");
    return agent.agentId;
  }

  // -- the steps of a day --

  async publish(events: DayPlan["morning"]) {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const entries: PutEventsRequestEntry[] = batch.map((e) => ({
        EventBusName: "courier-service",
        Source: "courier.orders",
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
      }));
      let result;
      try {
        result = await this.eventBridge.send(new PutEventsCommand({ Entries: entries }));
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        if (status === undefined)
          throw new RuntimeError(
            `PutEvents to ${this.client.url} failed (${(error as Error).message}): is the runtime still running?`,
          );
        this.refused(
          new ApiError("PutEvents", status, {
            title: (error as Error).name,
            detail: (error as Error).message,
          }),
        );
        continue;
      }
      (result.Entries ?? []).forEach((entry, k) => {
        if (entry.ErrorCode) {
          this.stats.eventsRefused += 1;
          this.warn(
            `  PutEvents refused ${batch[k]?.detailType} ${String(batch[k]?.detail.eventId)}: ${entry.ErrorCode} ${entry.ErrorMessage ?? ""}`,
          );
        } else this.stats.events += 1;
      });
    }
  }

  async postMessages(messages: readonly PlannedMessage[]) {
    const token = await this.agentToken(this.hotlineAgent());
    for (const m of messages) {
      await this.tryCall(async () => {
        const answer = await this.client.request("POST", "/v1/cases", {
          token,
          headers: { "idempotency-key": m.key },
          body: {
            channel: m.channel,
            text: m.text,
            ...(m.waybillNo ? { waybillNo: m.waybillNo } : {}),
            customer: {
              id: m.customer.id,
              name: m.customer.name,
              phone: m.customer.phone,
              tier: m.customer.tier,
            },
          },
        });
        if (answer.status >= 400)
          throw new ApiError("POST /v1/cases", answer.status, answer.body as Problem);
        this.stats.messages += 1;
        if (answer.status === 200) this.stats.messagesAttached += 1;
        if ((answer.body as { repeatOf?: string | null }).repeatOf)
          this.stats.repeatComplaints += 1;
      });
    }
  }

  /** A complaint about a case this run resolved (same customer and waybill): a repeat. */
  async repeatComplaint(date: string) {
    const candidates = [...this.resolvedForRepeat.values()]
      .filter((c) => !this.repeated.has(c.caseId))
      .sort((a, b) => (a.waybillNo ?? "").localeCompare(b.waybillNo ?? ""));
    if (candidates.length === 0) return;
    const c = candidates[Math.floor(chanceOf(this.options.seed, date) * candidates.length)];
    if (!c?.waybillNo) return;
    const current = await this.tryCall(async () =>
      this.client.call<CaseView>("GET", `/v1/cases/${c.caseId}`, { token: await this.ops() }),
    );
    if (!current || !["resolved", "closed"].includes(current.status)) return;
    this.repeated.add(c.caseId);
    const texts = REPEAT_MESSAGES[c.category === "damage" ? "damage" : "delay"];
    await this.postMessages([
      {
        kind: c.category === "damage" ? "damage" : "delay",
        script: "hans",
        channel: "phone",
        text: texts[
          Math.floor(chanceOf(this.options.seed, `${c.caseId}|text`) * texts.length)
        ] as string,
        waybillNo: c.waybillNo,
        customer: { ...customerOf(1), id: c.customer.id, tier: c.customer.tier },
        key: `demo-repeat-${c.caseId}`,
      },
    ]);
  }

  private async casesOf(agentId: string): Promise<CaseView[]> {
    const token = await this.agentToken(agentId);
    const cases: CaseView[] = [];
    for (const status of ["assigned", "reopened", "waiting", "in_progress"]) {
      const items = await this.tryCall(() =>
        this.all<CaseView>(
          `/v1/cases?assignee=${encodeURIComponent(agentId)}&status=${status}`,
          token,
        ),
      );
      cases.push(...(items ?? []));
    }
    return cases;
  }

  /**
   * One action with If-Match from the case as last read; as a real client does, a 412 (the case
   * changed meanwhile, e.g. an SLA warning) reads it again and tries once more.
   */
  private async act(agentId: string, c: CaseView, action: string, body: unknown) {
    const token = await this.agentToken(agentId);
    const send = (version: number) =>
      this.client.call<CaseView>("POST", `/v1/cases/${c.caseId}/${action}`, {
        token,
        body,
        headers: { "if-match": `"${version}"` },
      });
    return this.tryCall(async () => {
      try {
        return await send(c.version);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 412)) throw error;
        const current = await this.client.call<CaseView>("GET", `/v1/cases/${c.caseId}`, { token });
        return send(current.version);
      }
    });
  }

  private reply(c: CaseView): string {
    const [zh, en] = REPLIES[c.category] ?? (REPLIES.other as readonly [string, string]);
    return isEnglish(c.text) ? en : zh;
  }

  /**
   * Every agent on shift goes through their cases. `respondShare`: the share of the cases
   * nobody answered yet that get their first response now (urgent ones always); `resolve`:
   * whether to resolve (most cases of a day are; the rest wait on the customer or stay open).
   */
  async agentsWork(day: number, respondShare: number, resolve: boolean, pass: string) {
    const seed = this.options.seed;
    for (const agent of this.agents.filter((a) => a.onShift)) {
      for (const listed of await this.casesOf(agent.agentId)) {
        let c = listed;
        let status = c.status;
        const unanswered = !c.sla.firstRespondedAt;
        const answerNow =
          status === "waiting" ||
          status === "reopened" ||
          (unanswered &&
            (c.priority === "urgent" ||
              chanceOf(seed, `${c.caseId}|respond|${pass}`) < respondShare));
        if (answerNow) {
          const text = status === "waiting" ? "已收到您的补充材料，继续为您处理" : this.reply(c);
          const answered = await this.act(agent.agentId, c, "responses", { text });
          if (answered) {
            this.stats.responses += 1;
            status = answered.status;
            c = answered;
          }
        }
        if (!resolve || (status !== "in_progress" && status !== "reopened")) continue;
        // One decision per case and day (and again once it is reopened): most are resolved.
        const reopened = listed.status === "reopened";
        const p = reopened ? 0.9 : c.category === "loss" ? 0.5 : 0.75;
        const draw = chanceOf(seed, `${c.caseId}|resolve|${day}|${reopened ? "reopened" : "open"}`);
        if (draw < p) {
          const resolution = `${reopened ? "再次处理：" : ""}${RESOLUTIONS[c.category] ?? RESOLUTIONS.other}`;
          const resolved = await this.act(agent.agentId, c, "resolve", { resolution });
          if (resolved) {
            this.stats.resolutions += 1;
            if (resolved.waybillNo && (c.category === "delay" || c.category === "damage"))
              this.resolvedForRepeat.set(c.caseId, resolved);
          }
        } else if (c.category === "damage" && draw < p + 0.1 && status === "in_progress") {
          const waited = await this.act(agent.agentId, c, "wait", {
            reason: "waiting for the customer's photos of the damage",
          });
          if (waited) this.stats.waits += 1;
        }
      }
    }
  }

  /** The due calls of every agent and of every team's pool (called by an agent of the team). */
  async followUpCalls() {
    const seed = this.options.seed;
    const callers: { agentId: string; pool: boolean }[] = this.agents.map((a) => ({
      agentId: a.agentId,
      pool: false,
    }));
    for (const team of this.teams) {
      const member =
        this.agents.find((a) => a.team === team.teamId && a.onShift) ??
        this.agents.find((a) => a.team === team.teamId);
      if (member) callers.push({ agentId: member.agentId, pool: true });
    }
    for (const { agentId, pool } of callers) {
      const token = await this.agentToken(agentId);
      const due = await this.tryCall(() =>
        this.all<FollowUpView>(`/v1/follow-ups?status=due${pool ? "&assignee=pool" : ""}`, token),
      );
      for (const fu of due ?? []) {
        if (fu.status !== "due") continue;
        const outcome = outcomeFor(seed, fu);
        const saved = await this.tryCall(() =>
          this.client.call<FollowUpView>("POST", `/v1/follow-ups/${fu.followUpId}/outcome`, {
            token,
            body: outcome,
            headers: { "if-match": `"${fu.version}"` },
          }),
        );
        if (!saved) continue;
        if (!outcome.reached) {
          if (saved.status === "unreachable") this.stats.followUpsUnreachable += 1;
          else this.stats.followUpsNotReached += 1;
        } else {
          this.stats.followUpsReached += 1;
          if (fu.kind === "case" && (outcome.resolved === false || (outcome.satisfaction ?? 5) < 4))
            this.stats.casesReopened += 1;
        }
      }
    }
  }

  async day(dayIndex: number, arriving: readonly Parcel[]): Promise<{ plan: DayPlan }> {
    const { seed } = this.options;
    const perDay = this.options.perDay ?? 200;
    const messagesPerDay = Math.max(8, Math.round(perDay / 20));

    this.progress(dayIndex, 0);
    const morning = nextMorning(await this.now(), this.calendar);
    await this.advanceTo(morning);
    const date = shanghaiDate(morning);

    this.progress(dayIndex, 1);
    const plan = planDay(seed, dayIndex, date, perDay, arriving);
    await this.publish(plan.morning);

    await this.waitIdle(); // the exceptions are cases before their customers call

    this.progress(dayIndex, 2);
    await this.postMessages(planMessages(seed, plan, "am", messagesPerDay));

    this.progress(dayIndex, 3);
    await this.waitIdle();

    // First responses spread over the morning's first hour: urgent cases first.
    this.progress(dayIndex, 4);
    for (const [step, share, pass] of [
      ["PT8M", 0.25, "a"],
      ["PT12M", 0.4, "b"],
      ["PT25M", 0.97, "c"],
    ] as const) {
      await this.advance(step);
      await this.agentsWork(dayIndex, share, false, `${date}-${pass}`);
      await this.waitIdle();
    }

    this.progress(dayIndex, 5);
    await this.advance("PT30M");
    await this.agentsWork(dayIndex, 0.97, true, `${date}-r`);
    await this.waitIdle();
    // Freed slots took cases from the team queues: those get answered and resolved too.
    for (let round = 0; round < 2; round++) {
      await this.advance("PT10M");
      await this.agentsWork(dayIndex, 1, true, `${date}-d${round}`);
      await this.waitIdle();
    }

    this.progress(dayIndex, 6);
    await this.advanceTo(atShanghai(date, 12, 30));
    await this.waitIdle();
    await this.followUpCalls();
    await this.waitIdle();

    this.progress(dayIndex, 7);
    await this.advanceTo(atShanghai(date, 14));
    await this.publish(plan.afternoon);
    await this.waitIdle();
    await this.repeatComplaint(date);
    await this.postMessages(
      planMessages(seed, plan, "pm", Math.max(2, Math.round(messagesPerDay / 4))),
    );
    await this.waitIdle();

    this.progress(dayIndex, 8);
    await this.advance("PT15M");
    await this.agentsWork(dayIndex, 1, false, `${date}-e`);
    await this.waitIdle();
    await this.advance("PT30M");
    await this.agentsWork(dayIndex, 1, true, `${date}-f`);
    await this.waitIdle();

    this.progress(dayIndex, 9);
    await this.advanceTo(atShanghai(date, 16, 30));
    await this.waitIdle();
    await this.followUpCalls();
    await this.waitIdle();
    return { plan };
  }

  async finish(): Promise<void> {
    const now = await this.deadLetters();
    const total = Object.values(now).reduce((a, b) => a + b, 0);
    if (total > this.deadLettersAtStart)
      this.warn(
        `  ${total - this.deadLettersAtStart} new dead letter(s) (${Object.entries(now)
          .filter(([, n]) => n > 0)
          .map(([q, n]) => `${q}: ${n}`)
          .join(", ")}): see GET ${this.client.url}/_local/queues`,
      );
  }

  kpis(from: string, to: string) {
    return Promise.all([
      fetchKpis(this.client, { from, to }),
      fetchKpis(this.client, { from, to, groupBy: "team" }),
    ]);
  }

  done(text: string) {
    this.endProgress(text);
  }
}

/** One line of what the demo did. */
export function summaryOf(
  result: Pick<DemoResult, "from" | "to" | "stats" | "seconds">,
  days: number,
) {
  const s = result.stats;
  const period = result.from === result.to ? result.from : `${result.from} … ${result.to}`;
  return (
    `Demo: ${days} working day(s), ${period}, in ${result.seconds.toFixed(0)} s — ` +
    `${s.events} upstream events, ${s.messages} customers' messages (${s.messagesAttached} joined an open case, ` +
    `${s.repeatComplaints} repeat complaints), ${s.responses} responses, ${s.resolutions} resolutions, ` +
    `${s.followUpsReached + s.followUpsNotReached + s.followUpsUnreachable} follow-up calls ` +
    `(${s.followUpsReached} reached, ${s.casesReopened} of them reopened the case; ` +
    `${s.followUpsNotReached} not reached, ${s.followUpsUnreachable} unreachable)` +
    (s.httpErrors ? `; ${s.httpErrors} requests refused (see above)` : "")
  );
}

/**
 * Runs the demo against the runtime at `api` and prints the KPI tables to `out`. Throws
 * DemoStopped / RuntimeError when it cannot go on; `kpis` is null when the runtime has no KPI
 * API yet (said on `err`).
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const demo = new Demo(options);
  try {
    await demo.start();
    let arriving: readonly Parcel[] = [];
    let from = "";
    let to = "";
    for (let day = 0; day < options.days; day++) {
      const { plan } = await demo.day(day, arriving);
      arriving = plan.carryOver;
      from ||= plan.date;
      to = plan.date;
    }
    await demo.finish();
    const seconds = (Date.now() - started) / 1000;
    const summary = summaryOf({ from, to, stats: demo.stats, seconds }, options.days);
    demo.done(`[${"#".repeat(20)}] ${options.days} day(s) done`);
    out(`${summary}\n\n`);
    let kpis: DemoResult["kpis"] = null;
    try {
      const [all, byTeam] = await demo.kpis(from, to);
      kpis = { all, byTeam };
      const width = options.columns ?? 160;
      out(`${renderKpiTable(all, { width })}\n${renderKpiTable(byTeam, { width })}`);
      out(
        `\nAgain, or by another group: npm run -s kpis -- --from ${from} --to ${to} --group-by agent\n`,
      );
    } catch (error) {
      if (!(error instanceof NoKpiApiError)) throw error;
      (options.err ?? ((text: string) => process.stderr.write(text)))(
        `The demo's work is done, but ${NO_KPI_API}: no KPI table to show.\n`,
      );
    }
    return { from, to, stats: demo.stats, kpis, seconds };
  } finally {
    demo.close();
  }
}

// ---- the command ----------------------------------------------------------------------------

async function main(argv: readonly string[]): Promise<number> {
  // Known (README): the SDK's notice that its 2027 releases need Node 22; keep the output clean.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  let args: DemoArgs;
  try {
    args = parseDemoArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${DEMO_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const dataDir = dataDirOf();
  try {
    const result = await runDemo({
      api: apiUrlOf(args.api, dataDir),
      dataDir,
      days: args.days,
      seed: args.seed,
      perDay: args.perDay,
      ...(process.stdout.columns ? { columns: Math.max(80, process.stdout.columns) } : {}),
    });
    return result.kpis ? 0 : 1;
  } catch (error) {
    if (
      error instanceof DemoStopped ||
      error instanceof RuntimeError ||
      error instanceof ApiError
    ) {
      process.stderr.write(`\nThe demo stopped: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
