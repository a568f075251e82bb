// The replay (issue 11, point 1): a seeded scenario of the whole lifecycle — upstream events,
// customers' channel messages, the agents' work on the cases, follow-up calls and their
// outcomes, late events — through the local runtime, delivered once in order or three times in
// a random order, then read back as a final state (final-state.ts) to compare the two.
//
// The scenario runs in phases on the runtime's clock, each at a fixed instant from a Monday
// 09:30 in Shanghai (so both runs sweep, and follow-ups fall due, at the same instants):
//   1. (09:30) upstream events, about 90 % of them: damage, delay, loss, failed attempts and
//      deliveries, which happened between 06:30 and 07:10;
//   2. (09:50) channel messages (POST /v1/cases with an Idempotency-Key, as channels retry);
//   3. (10:12) the supervisors work the cases: respond, note, wait, escalate, resolve, close;
//   4. (12:20) the late upstream events (the other 10 %), about cases that may be resolved;
//   5. (14:30) follow-up calls fall due: satisfied, not solved, not reached;
//   6. (15:00) the cases their customers reopened are worked again and resolved;
//   7. (Wednesday 09:30) the calls left are made; 8. (a week on) the last sweep.
// The runtime's clock is frozen (`frozenClock`): it stands at each phase's instant while the
// phase runs, however long that takes in real time, and sweeps run only when it moves, so both
// runs see the same deadlines pass at the same moments. (The queues' timeouts still pass.)
// "Three times in a random order": within each phase every event, message and request is sent
// three times, all copies shuffled together — except that a case's own requests keep their
// order (a second request is decided on what the first did, as a person does), and a copy of a
// request carries the ETag its first copy was sent with (a stale copy must change nothing).
// What a person decides comes from the case, never from the run: the plan for a case or a
// follow-up is drawn from its name (waybill, category and first event), which both runs share.
//
// Used by replay.test.ts as a child process (each run needs a store of its own):
//   node --import tsx test/integration/replay-scenario.ts '<ReplayOptions as JSON>' <out.json>
import "./quiet.ts";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { issueToken } from "#infra/local/local-auth.ts";
import { startLocalRuntime } from "#infra/local/runtime.ts";
import { DEFAULT_ORG_FILE } from "#infra/local/seed-organisation.ts";
import { hashOf, mulberry32 } from "#infra/seeded-random.ts";
import { normalise, plain, scanCases } from "./final-state.ts";
import { putUpstreamEvents, type ScenarioEvent, scenario, shuffle } from "./scenario.ts";

export interface ReplayOptions {
  readonly events: number;
  readonly seed: number;
  /** Absent: everything once, in order. A number: three copies of everything, shuffled so. */
  readonly thrice?: number;
  /** The instant phase 1 runs at (a Monday 09:30 in Shanghai, after the system clock). */
  readonly start: string;
}

export interface ReplayResult {
  readonly state: Record<string, unknown>;
  readonly problems: string[];
  /** What the scenario did, to show it exercised the lifecycle (and as the script's figures). */
  readonly figures: Record<string, number>;
  readonly seconds: number;
}

const TAG = "RP";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Each phase's instant, from the start (see the top of the file). */
const PHASES = {
  messages: 20 * MINUTE,
  actions: 42 * MINUTE,
  late: 2 * HOUR + 50 * MINUTE,
  outcomes: 5 * HOUR,
  rework: 5 * HOUR + 30 * MINUTE,
  lastCalls: 2 * DAY,
  end: 8 * DAY,
};
/** Every agent takes this many cases (the most an agent may). */
const CAPACITY = 200;
/** The caller a channel's messages come through (an agent of the customer-care team). */
const CHANNEL_CALLER = "agent-care-1";

/** The first Monday 09:30 in Shanghai (01:30 UTC) at least a day after `now`. */
export function replayStart(now: Date): string {
  const t = new Date(now.getTime() + DAY);
  const monday = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), 1, 30));
  while (monday.getUTCDay() !== 1 || monday.getTime() < t.getTime())
    monday.setUTCDate(monday.getUTCDate() + 1);
  return monday.toISOString();
}

// ---- the scenario --------------------------------------------------------------------------

interface Message {
  readonly key: string;
  readonly body: Record<string, unknown>;
}

/** The words customers write, a few per problem (the classifier decides what they are). */
const TEXTS = [
  "包裹三天了还没送到，到底什么时候能到？",
  "快递一直显示运输中，已经超时很久了",
  "收到的包裹外箱破了，里面的杯子碎了，要求赔偿",
  "The parcel arrived damaged, the screen is cracked. I want compensation.",
  "物流信息一周没更新了，我的包裹是不是丢了",
  "快递员态度很差，打电话还骂人，我要投诉",
  "运费多收了十块钱，请退款",
  "请问可以改一下收件地址吗？",
  "建议周末也能派送，谢谢",
  "再不处理我就打12305投诉你们",
];

/** The upstream events (in order) split into the on-time and the late, and the messages. */
export function replayScenario(events: number, seed: number, start: string) {
  const base = new Date(Date.parse(start) - 3 * HOUR);
  const upstream = scenario(events, seed, TAG, base);
  const late = upstream.filter((_, i) => i % 10 === 7);
  const onTime = upstream.filter((_, i) => i % 10 !== 7);
  const next = mulberry32(seed + 1);
  const customers = new Map<string, Record<string, unknown>>();
  for (const e of upstream)
    customers.set(e.detail.waybillNo as string, e.detail.customer as Record<string, unknown>);
  const waybills = shuffle([...customers.keys()].sort(), seed + 2);
  const messages: Message[] = Array.from({ length: Math.round(events / 8) }, (_, i) => {
    // Most about a waybill of the scenario (each waybill at most once), from its customer.
    const waybillNo = next() < 0.75 ? waybills[i] : undefined;
    const customer = waybillNo
      ? { ...(customers.get(waybillNo) as object) }
      : { id: `cust-m${i}`, name: "Han Meimei", phone: "13987654321", tier: "regular" };
    return {
      key: `${TAG}-m${String(i).padStart(5, "0")}`,
      body: {
        channel: (["phone", "online", "email", "app"] as const)[i % 4],
        text: TEXTS[Math.floor(next() * TEXTS.length)],
        ...(waybillNo ? { waybillNo } : {}),
        customer,
      },
    };
  });
  return { onTime, late, messages };
}

/** Three copies of each, shuffled; or the items once, in order. */
function deliveries<T>(items: readonly T[], thrice: number | undefined, salt: number): T[] {
  return thrice === undefined ? [...items] : shuffle([...items, ...items, ...items], thrice + salt);
}

/** What a supervisor does with a case, drawn from the case's name. */
function casePlan(name: string): Step[] {
  const draw = hashOf(`plan ${name}`) % 100;
  const reply: Step = {
    action: "responses",
    body: { text: "您好，已为您核实处理，请留意短信通知。" },
  };
  const resolve: Step = { action: "resolve", body: { resolution: "已与网点核实并处理完毕" } };
  if (draw < 45) return [reply, resolve];
  if (draw < 55) return [{ action: "notes", body: { text: "客户要求加急" } }, reply, resolve];
  if (draw < 65) return [{ action: "escalate", body: { reason: "客户情绪激动" } }, reply, resolve];
  if (draw < 75) return [reply, { action: "wait", body: { reason: "等待网点回复" } }];
  if (draw < 80) return [{ action: "close", body: { reason: "重复反馈，已合并处理" } }];
  return [];
}

/** The outcome of a follow-up call, drawn from its name (its case's and round). */
function outcomeOf(name: string, lastRound: boolean): Record<string, unknown> | null {
  const draw = hashOf(`outcome ${name}`) % 100;
  if (lastRound || draw < 55) return { reached: true, satisfaction: 5, resolved: true };
  if (draw < 75) return { reached: true, satisfaction: 2, resolved: false, comment: "还是没解决" };
  if (draw < 95) return { reached: false };
  return null; // nobody calls (it stays due, then the window ends)
}

interface Step {
  readonly action: string;
  readonly body: Record<string, unknown>;
}

/** A request of a person, sent as many times as the run delivers things; copies reuse its ETag. */
interface Request {
  readonly subject: string;
  readonly method: "POST";
  readonly path: string;
  readonly etagOf: string;
  readonly body: Record<string, unknown>;
  readonly token: string;
  readonly label: string;
}

/**
 * The requests in the order they are sent: each subject's in its own order; across subjects,
 * and for the copies, shuffled (thrice) or one after the other (once).
 */
function requestOrder(
  bySubject: ReadonlyMap<string, readonly Request[]>,
  thrice: number | undefined,
  salt: number,
): { request: Request; first: boolean }[] {
  const subjects = [...bySubject.keys()].sort();
  if (thrice === undefined)
    return subjects.flatMap((s) =>
      (bySubject.get(s) ?? []).map((request) => ({ request, first: true })),
    );
  const next = mulberry32(thrice + salt);
  // Per subject: its requests in order, and two copies of each at random places after it (so a
  // stale copy may come after the requests that followed its first).
  const lanes = subjects.map((s) => {
    const requests = bySubject.get(s) ?? [];
    const lane = requests.map((request) => ({ request, first: true }));
    for (const request of requests)
      for (let copy = 0; copy < 2; copy++) {
        const after = lane.findIndex((entry) => entry.request === request && entry.first) + 1;
        const at = after + Math.floor(next() * (lane.length - after + 1));
        lane.splice(at, 0, { request, first: false });
      }
    return lane;
  });
  const out: { request: Request; first: boolean }[] = [];
  const open = lanes.filter((lane) => lane.length > 0);
  while (open.length) {
    const i = Math.floor(next() * open.length);
    const lane = open[i] as { request: Request; first: boolean }[];
    out.push(lane.shift() as { request: Request; first: boolean });
    if (!lane.length) open.splice(i, 1);
  }
  return out;
}

// ---- a run -----------------------------------------------------------------------------------

export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const dataDir = await mkdtemp(join(tmpdir(), "courier-care-replay-"));
  // The seeded organisation, every agent on shift with room for all the cases (one more agent
  // of each kind per 600 events): whether a case waits in the queue must not depend on order.
  const org = JSON.parse(await readFile(DEFAULT_ORG_FILE, "utf8")) as {
    agents: { agentId: string; capacity: number; onShift: boolean }[];
  };
  const copies = Math.ceil(options.events / 600);
  org.agents = org.agents.flatMap((agent) =>
    Array.from({ length: copies }, (_, i) => ({
      ...agent,
      agentId: i === 0 ? agent.agentId : `${agent.agentId}-${i}`,
      capacity: CAPACITY,
      onShift: true,
    })),
  );
  const organisationFile = join(dataDir, "org.json");
  await writeFile(organisationFile, JSON.stringify(org));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    organisationFile,
    queueTiming: { visibilityTimeoutMs: 200, maxBatchingWindowMs: 5 },
    log: () => undefined,
    throttle: { rateLimit: 100_000, burstLimit: 100_000 },
    frozenClock: true,
  });
  const eventBridge = new EventBridgeClient({
    endpoint: runtime.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const figures: Record<string, number> = {};
  const count = (name: string, n = 1) => (figures[name] = (figures[name] ?? 0) + n);
  const problems: string[] = [];
  const start = Date.parse(options.start);
  const { thrice } = options;

  const http = async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get("etag"),
      body: text ? (JSON.parse(text) as any) : undefined,
    };
  };
  const idle = () => runtime.idle(600_000);
  /** Moves the runtime's clock to the phase's instant (sweeps run), then lets everything settle. */
  const phase = async (offsetMs: number) => {
    const clock = await http("GET", "/_local/clock");
    const ahead = start + offsetMs - Date.parse(clock.body.now);
    if (ahead > 0) {
      const moved = await http("POST", "/_local/clock", undefined, {
        advance: `PT${(ahead / 1000).toFixed(3)}S`,
      });
      if (moved.status !== 200) throw new Error(`POST /_local/clock: ${moved.status}`);
    }
    await idle();
  };
  /**
   * Three times shuffled, a millisecond passes before each send: a copy comes at a later instant
   * than its first, as a retry does (on the frozen clock they would share one), while the two
   * runs stay seconds apart at most, far from any deadline.
   */
  const nudge = async () => {
    if (thrice === undefined) return;
    const moved = await http("POST", "/_local/clock", undefined, { advance: "PT0.001S" });
    if (moved.status !== 200) throw new Error(`POST /_local/clock: ${moved.status}`);
  };
  const publish = async (events: readonly ScenarioEvent[]) => {
    for (let i = 0; i < events.length; i += 10) {
      await nudge();
      await putUpstreamEvents(eventBridge, events.slice(i, i + 10));
      count("upstream events sent", Math.min(10, events.length - i));
    }
    await idle();
  };

  try {
    await phase(0);
    const token = (sub: string, group: string) => issueToken(dataDir, { sub, groups: [group] });
    const channel = await token(CHANNEL_CALLER, "agents");
    const teams = (await http("GET", "/v1/teams", await token("admin-1", "admins"))).body.items as {
      teamId: string;
      supervisors: string[];
    }[];
    const supervisorOf = new Map<string, string>();
    for (const team of teams)
      supervisorOf.set(team.teamId, await token(team.supervisors[0] as string, "supervisors"));

    const { onTime, late, messages } = replayScenario(options.events, options.seed, options.start);

    // 1. The upstream events.
    await publish(deliveries(onTime, thrice, 1));

    // 2. The customers' messages, each as its channel sends it (and retries it).
    await phase(PHASES.messages);
    const messageCases = new Map<string, string>();
    for (const message of deliveries(messages, thrice, 2)) {
      await nudge();
      const answer = await http("POST", "/v1/cases", channel, message.body, {
        "idempotency-key": message.key,
      });
      count(`message ${answer.status}`);
      if (answer.status !== 200 && answer.status !== 201) {
        problems.push(`message ${message.key}: ${answer.status}`);
        continue;
      }
      const before = messageCases.get(message.key);
      if (before && before !== answer.body.caseId)
        problems.push(`message ${message.key} became ${before} and ${answer.body.caseId}`);
      messageCases.set(message.key, answer.body.caseId);
    }
    await idle();

    /** Every case of the run, as ops read them, named as final-state.ts names them. */
    const allCases = async () => {
      const items = (await scanCases()).filter((item) => item.type === "case");
      return items
        .map((c) => ({
          caseId: c.caseId as string,
          name: `${c.waybillNo}/${c.category}/${c.trigger?.eventId}`,
          team: c.team as string | null,
          status: c.status as string,
          resolutions: (c.resolutions as number | undefined) ?? 0,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    };
    const caseRequests = (
      cases: Awaited<ReturnType<typeof allCases>>,
      plan: (name: string) => Step[],
    ) => {
      const bySubject = new Map<string, Request[]>();
      for (const c of cases) {
        const supervisor = c.team ? supervisorOf.get(c.team) : undefined;
        if (!supervisor) continue;
        const steps = plan(c.name).map((step, i) => ({
          subject: c.name,
          method: "POST" as const,
          path: `/v1/cases/${c.caseId}/${step.action}`,
          etagOf: `/v1/cases/${c.caseId}`,
          body: step.body,
          token: supervisor,
          label: `${i}:${step.action}`,
        }));
        if (steps.length) bySubject.set(c.name, steps);
      }
      return bySubject;
    };
    /** Sends the requests (copies with their first's ETag); the answers of the firsts are state. */
    const answers: Record<string, number> = {};
    const send = async (bySubject: Map<string, Request[]>, salt: number, what: string) => {
      const etags = new Map<Request, string>();
      for (const { request, first } of requestOrder(bySubject, thrice, salt)) {
        await nudge();
        if (!first) {
          // A copy: the same request again, with the ETag its first was sent with.
          const etag = etags.get(request);
          if (!etag) continue;
          const copy = await http("POST", request.path, request.token, request.body, {
            "if-match": etag,
          });
          count(`${what} copies answered ${copy.status}`);
          if (copy.status !== 412 && copy.status !== 409)
            problems.push(`a copy of ${request.path} answered ${copy.status}, not 412 or 409`);
          continue;
        }
        // The first: read, then act; a 412 (something else moved the case) reads again.
        let answer = { status: 412 };
        for (let attempt = 0; attempt < 5 && answer.status === 412; attempt++) {
          const read = await http("GET", request.etagOf, request.token);
          if (read.status !== 200 || !read.etag) {
            problems.push(`GET ${request.etagOf}: ${read.status}`);
            break;
          }
          etags.set(request, read.etag);
          answer = await http("POST", request.path, request.token, request.body, {
            "if-match": read.etag,
          });
        }
        count(`${what} answered ${answer.status}`);
        answers[`${what} ${request.subject} ${request.label}`] = answer.status;
      }
      await idle();
    };

    // 3. The supervisors work the cases.
    await phase(PHASES.actions);
    await send(caseRequests(await allCases(), casePlan), 3, "action");

    // 4. The late upstream events.
    await phase(PHASES.late);
    await publish(deliveries(late, thrice, 4));

    // 5–7. Follow-up calls as they fall due; reopened cases worked again in between.
    const outcomes = async (offsetMs: number, salt: number, lastRound: boolean) => {
      await phase(offsetMs);
      const names = new Map((await allCases()).map((c) => [c.caseId, c.name]));
      const bySubject = new Map<string, Request[]>();
      for (const team of teams) {
        const supervisor = supervisorOf.get(team.teamId) as string;
        let cursor: string | undefined;
        do {
          const page = await http(
            "GET",
            `/v1/follow-ups?status=due&team=${team.teamId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            supervisor,
          );
          if (page.status !== 200) throw new Error(`GET /v1/follow-ups: ${page.status}`);
          for (const fu of page.body.items as {
            followUpId: string;
            caseId: string | null;
            round: number;
            waybillNo: string;
          }[]) {
            const name = fu.caseId
              ? `${names.get(fu.caseId)}#${fu.round}`
              : `delivery ${fu.waybillNo}`;
            const body = outcomeOf(name, lastRound);
            if (!body) continue;
            bySubject.set(name, [
              {
                subject: name,
                method: "POST",
                path: `/v1/follow-ups/${fu.followUpId}/outcome`,
                etagOf: `/v1/follow-ups/${fu.followUpId}`,
                body: fu.caseId
                  ? body
                  : {
                      reached: body.reached,
                      ...(body.reached ? { satisfaction: body.satisfaction } : {}),
                    },
                token: supervisor,
                label: "outcome",
              },
            ]);
          }
          cursor = page.body.nextCursor ?? undefined;
        } while (cursor);
      }
      await send(bySubject, salt, "outcome");
    };
    await outcomes(PHASES.outcomes, 5, false);
    // 6. The cases the customers reopened are worked again.
    await phase(PHASES.rework);
    const reopened = (await allCases()).filter((c) => c.status === "reopened");
    count("cases reopened by their customer", reopened.length);
    await send(
      caseRequests(reopened, () => [
        { action: "responses", body: { text: "再次为您处理，抱歉给您带来不便" } },
        { action: "resolve", body: { resolution: "已重新派送并确认签收" } },
      ]),
      6,
      "rework",
    );
    await outcomes(PHASES.lastCalls, 7, true);
    // 8. A week on: the last sweep (windows end, SLA, KPIs).
    await phase(PHASES.end);

    const items = await scanCases();
    // To look into a difference: REPLAY_DUMP=<file> keeps the raw items of this run.
    if (process.env.REPLAY_DUMP)
      await writeFile(process.env.REPLAY_DUMP, items.map(plain).join("\n"));
    const normalised = normalise(items);
    for (const [key, status] of Object.entries(answers)) normalised.state[`answer ${key}`] = status;
    for (const item of items) if (item.type === "case") count(`cases ${item.status}`);
    for (const item of items)
      if (item.type === "follow-up") count(`follow-ups ${item.kind} ${item.status}`);
    count(
      "cases repeating an earlier one",
      items.filter((i) => i.type === "case" && i.repeatOf).length,
    );
    count(
      "cases resolved twice or more",
      items.filter((i) => i.type === "case" && (i.resolutions ?? 0) >= 2).length,
    );
    count("KPI facts", items.filter((i) => i.type === "kpi-fact").length);
    count("timeline entries", items.filter((i) => i.type === "timeline").length);
    const report = (await (await fetch(`${runtime.url}/_local/queues`)).json()) as Record<
      string,
      { deadLetterMessages: unknown[] }
    >;
    for (const [queue, q] of Object.entries(report))
      if (q.deadLetterMessages.length)
        problems.push(`${q.deadLetterMessages.length} dead letter(s) in ${queue}`);
    count(
      "deliveries to consumers",
      [...runtime.queues.values()].reduce((n, q) => n + q.stats().delivered, 0),
    );
    return {
      state: normalised.state,
      problems: [...problems, ...normalised.problems],
      figures,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    eventBridge.destroy();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---- as a child process ------------------------------------------------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [json, out] = process.argv.slice(2);
  if (!json || !out) {
    console.error("usage: replay-scenario.ts '<options as JSON>' <out.json>");
    process.exit(2);
  }
  const result = await runReplay(JSON.parse(json) as ReplayOptions);
  await writeFile(out, JSON.stringify(result));
  process.exit(0);
}
