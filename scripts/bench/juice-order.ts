import type { Entity } from '@parley/dialogue-core';

/**
 * The 9-turn juice order `npm run bench:peers` runs on every framework: docs/juice.md's T1 without its greeting
 * (flavor, ice, package, then the nested membership signup with one wrong phone number, then pay), with the fragment
 * each reply must contain. Every framework gets each utterance already classified, once, by Parley's NLU (the same
 * intent and entities for all), so the comparison is of dialogue management and state handling only.
 */
export const JUICE_ORDER: readonly { text: string; expect: readonly string[] }[] = [
  { text: '我想买果汁', expect: ['什么口味'] },
  { text: '苹果', expect: ['要加冰吗'] },
  { text: '不加冰', expect: ['杯装还是碗装'] },
  { text: '杯装', expect: ['要办理吗'] },
  { text: '好啊', expect: ['怎么称呼'] },
  { text: '李雷', expect: ['请留一个手机号'] },
  { text: '123', expect: ['手机号格式不对', '请留一个手机号'] },
  { text: '13800138000', expect: ['会员办理成功', '请付12元'] },
  { text: '好的', expect: ['支付成功', '苹果汁', '常温', '杯装', '还有什么可以帮您'] },
];

/** One user message as the NLU understood it: what every framework is given. */
export interface ClassifiedTurn {
  text: string;
  /** `null`: not understood (e.g. a name). */
  intent: string | null;
  entities: Entity[];
}

/**
 * A framework running the juice order: one turn of one conversation → the reply texts. Each implementation keeps
 * the conversation's state where that framework keeps it (Parley: JSON or a live actor; botbuilder: MemoryStorage;
 * LangGraph: a checkpointer).
 */
export interface OrderRunner {
  readonly name: string;
  /** What the runner is (printed under the table). */
  readonly description: string;
  turn(conversationId: string, userId: string, input: ClassifiedTurn): Promise<string[]>;
  /** The order is over: a runner that holds live objects per conversation may let them go (its stored state stays). */
  ended?(conversationId: string): void;
  close?(): Promise<void>;
}

/** The replies' texts if they contain every expected fragment, otherwise an error naming the turn and runner. */
export function checkReplies(runner: string, step: number, replies: readonly string[]): void {
  const said = replies.join(' | ');
  const missing = JUICE_ORDER[step]!.expect.filter((fragment) => !said.includes(fragment));
  if (missing.length) {
    throw new Error(
      `${runner}: turn ${step + 1} («${JUICE_ORDER[step]!.text}») answered «${said}», missing ${missing.map((m) => `«${m}»`).join(', ')}.`,
    );
  }
}
