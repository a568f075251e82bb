// THE place for the classifier's rules (../../domain.md "Classification"), as typed data only:
// read-text.ts compiles them once at module load and holds all the logic.
//
// How to write a phrase
// - Write it in simplified Chinese, English (lower case) or digits. Every phrase is folded by
//   normalize() like the customer's text, so traditional spellings need no second entry
//   (写 "签收", 也就匹配 "簽收"), and "n't" is written " not" ("has not arrived").
// - Chinese is matched as a substring; a Latin word only as a whole word, with its regular
//   inflections (damage → damaged, damages, damaging; delay → delayed; stop → stopped) and
//   the irregular forms in IRREGULAR_FORMS (break → broke, broken).
// - "…" (GAP) means "followed in the same clause, within a few characters / words, by":
//   "物流…更新". "……" (LONG_GAP) may cross a comma: "签收……没收到".
// - "(a|b)" means either: "少了…(件|个|盒)".
// - A phrase preceded in its clause by a negator (NEGATION) does not count: "没有破损".
//   A phrase that itself contains the negation is a phrase of its own: "还没到", "没有更新".
// - When two phrases overlap, the longer one wins: "希望能" hides "希望", "漏了一件" hides "漏了".
//
// A category's score is the sum of its matched phrases' weights (each phrase once). A score of
// STRONG_EVIDENCE or more is strong evidence: the first category in PRECEDENCE with strong
// evidence wins. With no strong evidence, the highest score wins (ties by PRECEDENCE).
// Weak phrases (weight < 1) are cues that only decide together or when nothing else matched.
//
// To change a rule: edit the phrase here, run `npx vitest run test/unit/domain/classifier` and
// `npm run -s classify -- --eval test/unit/domain/classifier/held-out.jsonl`.
import type { Category } from "../case.ts";
import type { Signal } from "./read-text.ts";

export const GAP = "…";
export const LONG_GAP = "……";
/** How far a gap reaches: characters for Chinese, characters (~4 words) for Latin script. */
export const GAP_REACH = { cjk: 6, cjkLong: 14, latin: 25, latinLong: 50 } as const;

export type PhraseTag =
  | "arrival" // delay: about the arrival time (late, not arrived, promised date)
  | "stuck" // delay: not moving; information instead when it is about tracking data
  | "false-signed" // information: a "signed / delivered" status the customer disputes
  | "gone" // loss: someone else took the parcel, or part of it never came
  | "stale" // information: tracking not updated / absent / wrong
  | "address"; // information: wrong address handling

export interface PhraseGroup {
  readonly weight: number;
  readonly tags?: readonly PhraseTag[];
  readonly phrases: readonly string[];
}

/** A category's score must reach this to count as strong evidence. */
export const STRONG_EVIDENCE = 1;

/** When a message names several problems, the first of these with strong evidence wins. */
export const PRECEDENCE: readonly Category[] = [
  "loss",
  "damage",
  "delay",
  "information",
  "attitude",
  "price",
  "suggestion",
  "inquiry",
  "other",
];

// prettier-ignore
export const CATEGORY_PHRASES: Readonly<Record<Category, readonly PhraseGroup[]>> = {
  loss: [
    // The parcel or part of it is gone.
    {
      weight: 1,
      phrases: [
        "丢件", "丢了", "丢失", "遗失", "弄丢", "搞丢", "寄丢", "掉件", "丢包裹", "件没了",
        "东西没了", "不见了", "找不到了", "找不回来", "下落不明", "失踪", "没了踪影", "空箱",
        "空盒", "空包裹", "里面是空", "是空的", "内物丢失", "东西少了", "少件", "少发", "少寄",
        "少送", "少给", "漏发", "漏寄", "缺件", "少了…(件|个|盒|箱|包|袋|样|部分|瓶|本|双|台)",
        "少了东西", "缺了…(件|个|盒|样)",
        "只(收到|送来|送了|到了|来了)…(件|个|箱|盒|包|袋|样|份|瓶|双|台|本|一半|部分)", "少了一半",
        "lost", "lose", "missing", "go missing", "went missing", "stolen", "steal", "disappeared",
        "vanished", "empty box", "empty case", "empty package", "empty parcel", "was empty",
        "came empty", "not in the (box|package|parcel)", "not inside", "not in it", "someone took",
        "cannot be found", "can not be found", "can not find it", "never found",
      ],
    },
    // Someone else took it, or part of it never came: a loss even when the customer also
    // disputes the "signed / delivered" status (EXCEPTIONS.falseSigned keeps these).
    {
      weight: 1,
      tags: ["gone"],
      phrases: [
        "被偷", "偷走", "被盗", "被人拿", "被…拿走", "被…取走", "被…领走", "冒领", "调包", "掉包",
        "没有我的(包裹|快递|件|东西)", "(柜|柜子|格口|驿站)里…(没有|是空)",
        "stolen", "someone took",
        "only (received|got)…of", "one of…(never|not|didn't|did not)…(arrive|arrived|came|come|show|showed)",
        "(half|part|some) of (the|my)…(items|order|boxes|parcels|packages)…(missing|never|not)",
      ],
    },
    // Hints that need company: cannot find it (could be an outlet), opened, gone.
    {
      weight: 0.6,
      phrases: ["找不到", "被拆", "拆过", "拆开过", "空的", "什么都没有", "gone", "tampered"],
    },
  ],
  damage: [
    // The parcel or its contents are broken, crushed, wet, leaking.
    {
      weight: 1,
      phrases: [
        "破损", "破了", "破掉", "破洞", "破裂", "破碎", "压坏", "压扁", "压碎", "压烂", "压变形",
        "压瘪", "摔坏", "摔碎", "摔裂", "摔烂", "摔断", "摔破", "碎了", "碎成", "碎掉", "裂了",
        "裂开", "裂纹", "裂痕", "开裂", "坏了", "坏掉", "损坏", "损毁", "毁了", "变形", "凹了",
        "凹陷", "瘪了", "漏了", "漏液", "漏水", "洒了", "撒了", "湿了", "湿透", "淋湿", "泡水",
        "进水", "浸水", "水渍", "泡烂", "受潮", "发霉", "划痕", "划伤", "刮花", "刮伤", "磨损",
        "撕破", "撕烂", "断了", "折断", "烂了", "烂掉", "变质", "包装…破", "外箱…破",
        "屏幕…(裂|碎)", "压得", "压成", "摔得", "碎得", "变了形", "不成样子", "污渍", "弄脏",
        "染色", "漏出", "流出",
        "damage", "damaged", "broken", "break", "crush", "smash", "crack", "shatter", "dent",
        "torn", "rip", "soaked", "wet", "water damage", "leak", "spill", "scratch", "bent",
        "destroy", "ruin", "busted", "in pieces", "snapped", "crumpled", "squashed", "fell apart",
        "falling apart", "stopped working",
      ],
    },
    // Effects that usually mean damage but also appear elsewhere.
    { weight: 0.6, phrases: ["糊了", "化了", "不能用了", "没法用了", "用不了", "does not work", "not working"] },
  ],
  delay: [
    // About the arrival time: late, not arrived, promised time missed.
    {
      weight: 1,
      tags: ["arrival"],
      phrases: [
        "延误", "延迟", "延期", "迟到", "迟了", "迟迟", "晚到", "晚了", "送晚", "太慢", "很慢", "好慢", "真慢",
        "快点送", "快点到", "尽快送", "催件", "催了", "催促", "预计…(送达|到达|到)……(没|还没|不见)",
        "还没(有)?消息", "(一直|还)在路上", "在路上…(天|周|星期)",
        "still on the way", "for ages",
        "这么慢", "慢死", "慢了", "超时", "逾期", "超过…(时间|时效|日期)", "超出…时效", "过了…时间",
        "承诺…(时间|送达|到)", "还没到", "还没送", "还没有到", "还没有送", "还没收到", "还没有收到",
        "没收到", "没有收到", "未收到", "收不到", "没送到", "没有送到", "没送来", "未送达", "没到",
        "迟迟", "一直不到", "一直没到", "一直没送", "怎么还没", "还没影", "没影", "说好…(到|送)",
        "说是…到", "原定…(送达|到)", "应该…到了", "早该到了", "被改期", "又改期", "推迟", "又改",
        "一拖再拖", "拖了", "拖延", "耽误", "耽搁", "等了…(天|星期|周|礼拜|月)",
        "走了…(天|星期|周|礼拜)", "(天|周|星期|礼拜|月)了还", "还在路上", "一直没来", "还没来",
        "没送过来", "还不送", "不送来", "不送到", "还不到", "再不送", "送不了", "不派送",
        "一直不派", "不派件", "不给派送", "还不派", "不派", "派送失败", "投递失败", "配送失败",
        "没按时", "没有按时", "不准时", "没准时", "次日达", "当日达", "隔日达", "冇收到", "仲未到",
        "迟咗", "催件", "催一下", "催促", "帮我催", "送得…慢", "有点慢", "比较慢",
        "(taking|takes|take|took) (so|too) long", "late", "delay", "overdue", "not…arrive",
        "never arrive", "yet to arrive", "not yet", "nothing yet", "still not", "still waiting",
        "been waiting", "not shown up", "not show up", "not turned up", "never turned up",
        "never showed up", "not here yet", "not…delivered", "supposed to arrive",
        "supposed to be delivered", "should have (arrived|been delivered|come|got here)", "meant to arrive", "meant to be delivered", "was due", "due on",
        "after the (guaranteed|promised|expected|estimated|delivery) (date|time|day)", "days late",
        "expected delivery", "promised date", "promised delivery", "delivery date",
        "behind schedule", "taking forever", "takes forever", "too slow", "so slow", "slow",
        "failed to deliver", "failed delivery", "delivery failed", "running late", "never got",
        "not received", "miss…(delivery|deadline|window|date)", "so long", "never made it",
        "never received",
      ],
    },
    // Not moving: a delay, unless it is a complaint about tracking data (EXCEPTIONS.stuck).
    {
      weight: 1,
      tags: ["stuck"],
      phrases: [
        "停在", "停留", "卡在", "卡住", "一直在…(中转|转运|分拨)", "还在…(中转|转运|分拨)",
        "不动了", "没动", "没有动", "一动不动", "没动静", "没有动静", "滞留", "一直显示", "一直是",
        "派送中", "运输中", "原地踏步", "好几天了", "好多天了", "(海关|网点|驿站)扣", "扣件",
        "被扣下", "压了…(天|周|星期|礼拜|个月)", "压件", "压着不", "还没出来",
        "stuck", "not moving", "not moved", "no movement", "sitting at", "sitting in",
        "in transit for", "still in transit", "(shown|showing|shows|says)…in transit", "held at", "on hold", "been…(days|weeks|months)",
      ],
    },
  ],
  information: [
    // A "signed / delivered" status the customer disputes (EXCEPTIONS.falseSigned).
    {
      weight: 1.5,
      tags: ["false-signed"],
      phrases: [
        "显示…签收", "标记…签收", "被签收", "已签收……没", "签收……没(收到|人|有收到|看到)",
        "没收到……(签收|显示)", "不是我签", "不是本人签", "签收的不是", "签收人…不是", "谁签的",
        "谁签收", "别人签收", "他人签收", "代签", "冒签", "私自签收", "虚假签收", "擅自签收",
        "没签收", "我没签", "没有签收", "未签收", "(没有|没|并没有|并未)拒收", "显示送达", "显示已投递", "虚假派送", "无人签收",
        "假装派送", "显示…(派送成功|已送达|已经送达|送达了|妥投|已投递|已妥投|投递成功|配送成功)",
        "(派送成功|已送达|妥投)……没", "(没人来|没人送|没来送|没有人来)……显示",
        "显示…(派送失败|投递失败|配送失败|无人在家|客户不在)", "显示…(已派送|派送中|在派送)……没(人|见|来)", "已经送达……没", "(送达|签收|派送成功)……什么(也|都)没",
        "says delivered", "says…(was|been|is) (delivered|handed)", "shows delivered",
        "shows…(as|was) delivered", "showing…delivered", "marked…delivered", "status…delivered",
        "listed as delivered", "delivered……(never|not) (received|here|get|got)", "signed for by",
        "someone else signed", "did not sign", "never signed",
      ],
    },
    // Tracking data not updated, absent or wrong.
    {
      weight: 1,
      tags: ["stale"],
      phrases: [
        "没有更新", "没更新", "不更新", "未更新", "没有…更新", "停止更新", "没有新的记录",
        "没有…(记录|纪录)", "没有物流", "无物流", "查不到…(物流|信息|记录|纪录|单号)",
        "物流…查不到", "单号…查不到", "查询不到", "查无", "没有…轨迹", "没轨迹", "无轨迹",
        "轨迹…(不对|错|异常)", "没变动", "没有变动", "没变化", "没有变化", "信息…(不对|错)",
        "信息有误", "物流…(错|不对|不一致)", "无此单号", "单号不存在", "查无此", "单号…无效",
        "对不上", "不一致", "哪个对",
        "not…updated", "not update", "no update", "not changed", "same status", "no tracking",
        "no information", "tracking…(wrong|incorrect|not work|invalid)",
        "tracking number…(invalid|not found|not work)",
      ],
    },
    // Wrong address handling.
    {
      weight: 1,
      tags: ["address"],
      phrases: [
        "送错地址", "地址错", "错的地址", "地址…不对", "送到别的地址", "送到…(别人|隔壁|邻居|别的)",
        "送错", "地址被改", "地址…改成", "改了我的地址",
        "(地址|电话|单号|信息|名字)…(填错|写错|弄错)",
        "wrong…address", "incorrect address", "address…(wrong|incorrect)", "delivered to the wrong",
        "delivered to someone else", "wrong house",
      ],
    },
    // Tracking data contradicted by what the customer sees or is told.
    {
      weight: 0.6,
      phrases: [
        "(显示|物流|轨迹)……(但|可是|却|结果)", "(驿站|网点|快递员|快递柜)说(没有|没收到|不在)",
        "(shows|says|tracking)……but",
      ],
    },
    // Words about tracking data that only tip the balance.
    {
      weight: 0.5,
      phrases: ["轨迹", "物流信息", "物流记录", "物流纪录", "物流状态", "运单状态", "tracking information"],
    },
  ],
  attitude: [
    // Rude or careless staff.
    {
      weight: 1,
      phrases: [
        "态度差", "态度不好", "态度恶劣", "态度…(差|恶劣|不好|极差)", "什么服务态度", "服务差",
        "服务…(差|不好)", "骂人", "骂我", "辱骂", "骂了", "爆粗口", "脏话", "吼", "很凶", "好凶",
        "凶我", "说话…冲", "(口气|语气)…(差|冲|不好)", "不耐烦", "爱答不理", "爱理不理", "不理人",
        "敷衍", "推卸", "推诿", "推脱", "没人管", "不管不问", "没人理", "推给", "踢皮球", "挂我电话", "挂电话", "就挂了", "挂断", "打断我",
        "没礼貌", "不礼貌", "没素质", "素质差", "素质低", "威胁", "嘲讽", "阴阳怪气", "甩脸色",
        "摆脸色", "不专业", "不给我派", "难听", "没人接", "不接电话", "没接电话", "谎称", "骗我",
        "说我不在家", "擅自", "私自", "回复…慢", "(很|太|非常|特别)不客气", "冷淡", "冷漠",
        "一问三不知", "不跟我说", "也不说一声",
        "rude", "impolite", "unprofessional", "disrespectful", "condescending", "arrogant",
        "aggressive", "yell", "shout", "swear", "insult", "bad attitude", "attitude",
        "态度问题",
        "hang up on me", "hung up", "careless", "ignored me", "refused to help", "mock",
        "laughed at me", "sarcastic", "unfriendly", "unhelpful",
      ],
    },
    // Rough handling of the parcel.
    {
      weight: 1,
      phrases: [
        "扔", "丢在", "丢到", "丢进", "乱丢", "乱扔", "乱放", "乱甩", "用(丢|扔|甩|摔)的", "垃圾桶", "摔包裹", "踢", "暴力分拣",
        "抛", "甩",
        "throw", "toss", "dump", "kick", "chuck",
      ],
    },
    // Delivered without a call or notice, or not brought to the door.
    {
      weight: 1,
      phrases: [
        "不打电话", "没打电话", "没有打电话", "不打个电话", "电话都没", "电话都不打", "连个电话",
        "没通知", "没有通知", "不通知", "未通知", "没联系", "不联系", "没按门铃", "不按门铃",
        "没敲门", "不敲门", "没人通知", "没有人通知", "没人告诉", "直接…放", "扔门口",
        "(没|未|不)经…同意", "没问我", "不送上门", "没送上门", "不上门", "不肯送", "不送货上门",
        "自己去(取|拿)", "自己来(取|拿)", "不负责任", "不送上楼", "不送到楼上", "不给送上楼",
        "让我…下楼", "叫我…下楼", "让我自己…(取|拿)", "叫我自己…(取|拿)",
        "without calling", "without knocking", "without ringing", "without notice",
        "(nobody|no one|didn't|did not) call", "refused to (carry|bring|take)",
        "(won't|wouldn't|refused|didn't|did not|not)…upstairs",
        "without telling", "not…call", "never called", "no call", "not…knock", "not…ring",
        "left it outside", "left…at the (door|gate)",
      ],
    },
    // Where it was left: a complaint only with another cue ("直接", "没通知"), as a customer
    // may also ask for it ("放门口就行" is an instruction, see `other`).
    {
      weight: 0.6,
      phrases: [
        "放门口", "放在门口", "放…门口", "放在门外", "放快递柜", "放驿站", "放丰巢", "放在…驿站",
        "放在…楼(梯|下|道)", "放楼下", "放在…(门卫|保安|物业|传达室|管理室|前台)",
      ],
    },
    // Mentions of service attitude that need a second cue.
    { weight: 0.8, phrases: ["服务态度"] },
  ],
  price: [
    // Fees, overcharges, compensation amounts.
    {
      weight: 1,
      phrases: [
        "多收", "多扣", "多付", "乱收", "收费…(高|贵|不合理)", "收这么(高|多)", "收了我",
        "收得…(贵|高|离谱|多)", "太贵", "好贵", "很贵", "贵了", "真贵", "这么贵", "涨价",
        "价格…(高|不合理)", "重复扣", "重复收", "扣了…(两次|钱|费)", "扣钱", "扣款", "扣费",
        "额外收", "加收", "附加费", "加钱", "多要…钱", "另收", "另外收", "偏远…费", "超重费", "超时费", "保管费", "差价",
        "计费…(错|不对)", "账单", "多了…(块|元|钱)", "比…报价", "报价…不一样", "赔偿金额",
        "赔偿……(少|低|不合理)", "赔偿标准", "赔付……(少|低)", "理赔……(少|低|只)", "只赔", "才赔",
        "(只|才)给…(块|元|钱)", "赔得太少", "理赔金额", "比以前贵", "涨了",
        "退款…(到账|没到|没退|还没)", "(没有|没|还没)退款",
        "overcharge", "charged twice", "double charged", "was charged", "charged me",
        "charged…too much", "surcharge", "extra fee", "extra charge", "hidden fee", "too expensive",
        "cost too much", "costs too much", "bill me", "billed", "billing", "ripped off", "rip off",
        "compensation…(offered|low|little|not)", "only offered",
      ],
    },
    // Money taken: a dispute unless something else says otherwise.
    { weight: 0.7, phrases: ["扣了", "以前…(只要|才)", "要我付", "付钱"] },
    // Fee words: on their own they may be a question, not a dispute.
    {
      weight: 0.5,
      phrases: [
        "运费", "邮费", "快递费", "保价费", "收费", "费用", "价格", "报价", "离谱", "包邮", "到付",
        "现在要",
        "fee", "price", "pricing", "expensive", "shipping cost", "postage", "quote", "charge",
        "so high", "too high",
      ],
    },
  ],
  suggestion: [
    // The customer proposes an improvement.
    {
      weight: 1.2,
      phrases: [
        "建议", "提个建议", "提议", "可以考虑", "应该…(开通|增加|提供|设置|推出|改进)",
        "希望…(能有|可以有|增加|提供|开通|推出|延长|改进)",
        "suggest", "suggestion", "idea for", "feature request",
        "would be (great|nice|better|good|helpful) if", "it would help if",
        "it'd be (great|nice|better|good|helpful)", "would be (nice|great) to", "please consider",
        "why not add", "i wish you", "maybe you could", "you could (add|offer|let|provide|give)",
      ],
    },
    // Wishes and improvement words that add up to a suggestion.
    {
      weight: 0.8,
      phrases: [
        "希望以后", "就更好了", "就方便多了", "最好能", "改进", "改善", "优化", "增设", "多设",
        "延长…时间", "你们应该", "做得更好", "更好用", "更方便",
        "you should", "you could add", "could you add", "it would be",
      ],
    },
    {
      weight: 0.6,
      phrases: [
        "希望能", "希望可以", "如果能", "要是…能", "就好了", "方便很多", "能不能", "考虑一下",
        "多放", "功能", "完善",
        "should offer", "should add", "option to", "would love",
      ],
    },
    {
      weight: 0.5,
      phrases: ["希望", "可不可以", "能否", "可否", "增加", "开通", "推出", "延长", "最好"],
    },
    { weight: 0.4, phrases: ["app里", "实时", "以后"] },
    { weight: 0.3, phrases: ["提醒", "adding", "offer"] },
    // Urging about the case at hand is not a suggestion.
    { weight: -0.6, phrases: ["尽快", "赶紧", "马上", "快点", "as soon as possible", "asap"] },
  ],
  inquiry: [
    // Routine questions: where is it, when will it come, outlet hours, how to ship.
    {
      weight: 1,
      phrases: [
        "到哪了", "到哪里了", "到哪儿了", "在哪里", "在哪儿", "在哪", "查一下", "查询", "帮我查",
        "帮忙查", "查下", "查查", "几点", "营业时间", "开门吗", "关门时间", "下班时间",
        "电话是多少", "联系方式", "多久", "几天能到", "要几天", "多少天", "什么时候", "能送到吗",
        "能到吗", "会到吗", "能不能寄", "可以寄", "能寄", "怎么寄", "如何寄", "怎样寄", "需要准备",
        "多少钱", "运费多少", "怎么收费", "收费标准", "取件点", "自提点", "网点地址", "什么状态",
        "支持…吗", "(上班|营业|开门|派送|送货|休息|收件)吗", "需要什么", "什么手续",
        "(怎么|如何)申请", "流程",
        "where is my", "where…is my", "where is it", "where's my", "when…will", "how long",
        "how many days", "opening hours", "what time", "do you deliver", "do you ship",
        "can i send", "can i ship", "is it possible to", "could you check", "can you check",
        "please check", "check the status", "status of", "track my", "where can i", "how much",
        "what is the", "just asking", "do you have",
      ],
    },
    // Question markers: on their own they are weak, the topic decides.
    {
      weight: 0.6,
      phrases: [
        "可以…吗", "需要…吗", "咨询",
        "can you tell me", "wondering", "i'd like to know", "can i", "could i", "is there",
      ],
    },
    { weight: 0.8, phrases: ["(到|放在|在)…了吗"] },
    { weight: 0.5, phrases: ["请问", "想问", "问一下", "问下", "是什么", "question"] },
    { weight: 0.4, phrases: ["网点"] },
    { weight: 0.3, phrases: ["怎么", "如何", "how do i", "how can i"] },
    { weight: 0.2, phrases: ["?", "吗"] },
  ],
  other: [
    // Returns, pickup bookings, invoices, praise.
    {
      weight: 1,
      phrases: [
        "退货", "退件", "退回", "寄回", "退给", "取消…(订单|寄件|取件|收件|预约)",
        "预约…(取件|收件|上门)", "上门取件", "上门…收件", "来收件", "来取件", "开…发票", "发票",
        "表扬", "点赞", "好评", "非常感谢", "服务很好", "服务…好", "态度很好", "很有耐心", "很负责",
        "很热情", "很专业", "很棒", "辛苦了", "放…就(行|好|可以)", "请放", "帮我放",
        "改(到|在|成)…(送|派)", "麻烦放",
        "(book|schedule|arrange)…(pickup|collection)", "return", "send back", "send it back",
        "collection from", "cancel…(pickup|collection)", "very helpful", "great service",
        "well done", "praise", "compliment", "kudos", "lovely", "invoice", "great job", "friendly",
        "(great|good|nice|positive|lovely) attitude",
      ],
    },
    {
      weight: 0.6,
      phrases: ["感谢", "满意", "不错", "真好", "thank you", "appreciate", "helpful", "excellent", "receipt"],
    },
    { weight: 0.5, phrases: ["谢谢", "thanks", "修改…地址", "改地址"] },
  ],
};

/**
 * Words about tracking data. They are no evidence of a category on their own; with them a
 * "stuck" complaint is about the tracking data (EXCEPTIONS.stuck).
 */
// prettier-ignore
export const TRACKING_WORDS: readonly string[] = [
  "物流", "轨迹", "跟踪", "追踪", "显示", "状态", "记录", "查询", "查件", "单号", "运单", "系统",
  "官网", "页面", "小程序", "资讯", "更新",
  "app", "tracking", "status", "shows", "showing", "says", "system", "website", "page", "scan",
  "update",
];

/** Longer phrases that only hide a shorter match inside them ("气坏了" is not damage). */
// prettier-ignore
export const NEUTRAL_PHRASES: readonly string[] = [
  "气坏了", "急坏了", "吓坏了", "饿坏了", "累坏了", "等坏了", "不好意思",
  "no problem", "no worries", "not sure",
  "ruined my day", "ruined my event", "ruined my plans", "ruined my weekend", "ruined my trip",
  "ruined my holiday", "ruined my birthday", "ruined my party", "ruined the event",
];

/** The special cases of ../../domain.md, interpreted by read-text.ts. */
export const EXCEPTIONS = {
  /**
   * A disputed "signed / delivered" status is `information`, even when loss or delay phrases
   * ("没收到", "never received") match too.
   */
  falseSigned: {
    tag: "false-signed",
    category: "information",
    overrides: ["loss", "delay"],
    /** …but not a parcel someone else took, or one that came in part ("被冒领了，我没签收"). */
    unlessTag: "gone",
  },
  /**
   * "Stuck / not moving" with tracking words (TRACKING_WORDS, or any information phrase) is a
   * complaint about the tracking data, `information`, unless an arrival-time phrase is present:
   * then it is `delay`.
   */
  stuck: { tag: "stuck", unlessTag: "arrival", from: "delay", to: "information" },
} as const satisfies Record<string, unknown>;

/** What the text says about the case beyond its category (see decide.ts). */
// prettier-ignore
export const SIGNAL_PHRASES: Readonly<Record<Signal, readonly string[]>> = {
  // The customer states a complaint.
  complaint: [
    "投诉", "举报", "申诉", "差评",
    "complain", "complaint", "file a complaint", "formal complaint",
  ],
  // The customer demands compensation, a refund, an apology or an answer.
  demand: [
    "要求赔偿", "要求…(赔|退|道歉|补偿|处理|解释|答复|回复|解决|说法|交代)",
    "(今天|马上|尽快)…给…(答复|回复|说法|交代)", "赔偿我", "赔给我", "给我赔", "必须赔", "索赔",
    "要赔", "赔钱", "(要求|我要|必须|给我|马上|立即|立刻|申请)…退款", "退钱", "给个说法",
    "给我一个说法", "讨个说法", "要个说法", "没个说法", "给个交代", "给我个交代", "赔偿损失",
    "全额赔偿",
    "(want|need|expect|give me|get|full) a refund", "(want|expect|claim|seek|deserve)…compensation",
    "demand", "full refund", "refund me", "compensate me", "reimburse", "money back", "i insist",
  ],
  // A threat to take it outside the company: postal complaint line, regulators, consumer
  // association, media, court or lawyer.
  "outside-escalation": [
    "(打|去|找|向|到)(315|12345)", "市民热线", "消协", "消费者协会", "消保委", "消保会", "消保处", "消委会",
    "消费者委员会", "消基会", "消费者保护", "邮政管理局", "邮政局", "邮管局", "国家邮政",
    "市场监管", "市监局", "工商局", "工商部门", "(找|去|向|到)工商", "监管部门", "有关部门", "媒体",
    "曝光", "记者", "电视台", "报社", "报纸", "上新闻", "(发|上|到)(微博|抖音|小红书|网上)",
    "网上曝光", "黑猫投诉", "律师", "法院", "起诉", "告你们", "打官司", "法律途径", "法律手段",
    "诉讼", "仲裁", "报警",
    "12305", "12315", "315晚会", "12345热线", "regulator", "postal bureau", "postal authority",
    "consumer association", "consumer council", "consumer protection", "trading standards",
    "ombudsman", "better business bureau", "bbb", "report you to", "authorities", "media",
    "the press", "newspaper", "journalist", "reporter", "social media", "go public", "lawyer",
    "attorney", "solicitor", "court", "sue", "legal action", "lawsuit", "small claims", "police",
  ],
  // The customer says it has happened or been raised before.
  "stated-repeat": [
    "第二次", "第三次", "第(四|五|六|七|八|九|十|几|n|2|3|4|5|6|7|8|9)次", "又一次", "再次投诉",
    "再一次", "多次", "好几次", "几次了", "屡次", "反复", "一再", "上次也", "每次都", "投诉过",
    "之前投诉", "打了…次", "投诉…次", "(三|四|五|几|好几|多|n)次了",
    "again", "second time", "third time", "several times", "many times", "repeatedly",
    "multiple times", "every time", "keeps happening", "already complained", "complained before",
  ],
};

// prettier-ignore
export const NEGATION = {
  /** Negators (after folding). Cantonese 冇/唔 included. */
  cjk: ["并没有", "没有", "并未", "毫无", "没", "未", "无", "不", "别", "冇", "唔"],
  latin: ["not", "no", "never", "without", "nothing", "none", "nobody", "neither", "nor", "hardly"],
  /** Look-alikes that do not negate what follows ("不小心摔坏了" is damage). */
  pseudo: [
    "不小心", "不仅", "不但", "不光", "不知道", "不知", "不管", "不然", "不到", "不久", "不过",
    "不少", "不断", "不停", "没多久", "没几天", "没过", "没想到", "无法", "无论", "不得不", "不得",
    "不用", "不要", "不会吧", "没准", "还不如", "不一会", "未免", "不禁", "无奈", "不好意思",
    "不错", "不行", "未来", "不是说", "是不是", "会不会", "能不能", "可不可以", "要不要", "有没有",
    "好不好", "对不对", "行不行", "是否", "别人", "别的", "别家", "别处", "特别", "区别", "分别",
    "告别", "无人",
    "not only", "no doubt", "not sure", "no idea", "not just", "never mind", "nothing but",
    "no longer", "not happy",
  ],
  /** How far back a negator reaches: characters between it and the phrase / Latin words. */
  reach: { cjk: 3, latin: 3 },
  /** Words that end a negator's scope ("再不解决就投诉": 投诉 is not negated). */
  scopeBreakers: {
    cjk: ["就", "才", "但", "却", "而", "还", "又", "再"],
    latin: ["but", "and", "so", "because", "however", "though", "then", "if"],
  },
} as const;

/** Latin forms that the regular inflection rules do not produce. */
export const IRREGULAR_FORMS: Readonly<Record<string, readonly string[]>> = {
  break: ["broke", "broken"],
  lose: ["lost", "losing"],
  steal: ["stole", "stolen"],
  throw: ["threw", "thrown"],
  tear: ["tore", "torn"],
  hang: ["hung"],
  leave: ["left"],
  take: ["took", "taken"],
  send: ["sent"],
  pay: ["paid"],
  get: ["got", "gotten"],
  come: ["came"],
  say: ["said", "says"],
  tell: ["told"],
  give: ["gave", "given"],
  bend: ["bent"],
  swear: ["swore", "sworn"],
  sue: ["sued", "suing"],
  arrive: ["arrived", "arriving"],
};

/** Amounts the text states as the goods' value: "价值6000元", "worth 1,200 yuan". */
// prettier-ignore
export const AMOUNTS = {
  currencies: [
    {
      cnyPerUnit: 1,
      prefixes: ["¥", "rmb", "cny"],
      suffixes: ["块钱", "元", "块", "人民币", "rmb", "cny", "yuan", "kuai"],
    },
    {
      cnyPerUnit: 7.2, // USD → CNY, a round reference rate for severity, not for payment
      prefixes: ["us$", "usd", "$"],
      suffixes: ["美元", "美金", "usd", "us dollars", "dollars", "dollar", "bucks"],
    },
    { cnyPerUnit: 0.92, prefixes: ["hk$", "hkd"], suffixes: ["港币", "港元", "hkd"] },
    { cnyPerUnit: 0.23, prefixes: ["nt$", "twd"], suffixes: ["新台币", "台币", "twd"] },
  ],
  /** Words before an amount that make it the goods' value. */
  valueCues: [
    "声明价值", "申报价值", "价值", "货值", "保价", "值", "花了", "买的时候", "原价",
    "declared value", "valued at", "value", "worth", "insured for", "cost me", "costs", "cost",
    "paid", "bought it for", "bought for", "retail",
  ],
  /** Words right after an amount that make it the goods' value: "花了四千多买的". */
  valueCuesAfter: ["买的", "买来的", "购买的", "的东西", "的货"],
  /** Characters allowed between a cue and the amount. */
  cueReach: 8,
  /** Without a currency, the number must follow its cue this closely ("价值6000"). */
  bareNumberReach: 2,
  /** A fee or a payout is not the goods' value: these between cue and amount cancel it. */
  blockers: ["费", "赔", "退", "fee", "shipping", "postage", "compensation", "refund"],
  /** …and so do these right after the amount: "10元的运费", "30 yuan for shipping". */
  tailBlockers: [
    "的运费", "运费", "的邮费", "邮费", "的快递费", "快递费", "的保价费",
    "for shipping", "for postage", "for delivery", "for the delivery", "shipping fee", "in fees",
    "fee",
  ],
} as const;
