/**
 * A juice-shop customer for the load generator: says what a person answers to what the bot asked, with the words of
 * the juice transcripts (machines/juice/juice.transcripts.ts, T1): «我想买果汁», «苹果», «不加冰», «杯装», joins the
 * membership («好啊», «李雷», a wrong phone «123» then «13800138000») and pays («好的»). A returning member is
 * offered the last order and says «不要», then orders afresh (six turns instead of nine).
 */
export const OPEN_ORDER = '我想买果汁';

/** What the bot said (a fragment of its reply) → what the customer answers; the first rule that matches wins. */
const ANSWERS: readonly (readonly [fragment: string, answer: string])[] = [
  ['还和上次一样吗', '不要'],
  ['手机号格式不对', '13800138000'],
  ['请留一个手机号', '123'],
  ['怎么称呼', '李雷'],
  ['要办理吗', '好啊'],
  ['请付', '好的'],
  ['杯装还是碗装', '杯装'],
  ['要加冰吗', '不加冰'],
  ['什么口味', '苹果'],
];

/** The order is paid: the customer's next message opens a new one. */
const ORDER_DONE = '支付成功';

export type CustomerMove =
  /** The next message within the order. */
  | { kind: 'answer'; text: string }
  /** The last order is paid; the next message opens a new order (the caller may switch to a new user first). */
  | { kind: 'done'; text: string }
  /** The bot said something no step of the order expects (counted as an error; the customer starts over). */
  | { kind: 'unexpected'; text: string };

/** The customer's next message after the bot's replies to the previous one (`undefined`: nothing said yet). */
export function nextMove(replies: readonly string[] | undefined): CustomerMove {
  if (replies === undefined) return { kind: 'done', text: OPEN_ORDER };
  const said = replies.join('\n');
  if (said.includes(ORDER_DONE)) return { kind: 'done', text: OPEN_ORDER };
  for (const [fragment, answer] of ANSWERS) if (said.includes(fragment)) return { kind: 'answer', text: answer };
  return { kind: 'unexpected', text: OPEN_ORDER };
}
