import { converse, InMemoryMemory } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from '../../machines/juice';
import { nextMove, OPEN_ORDER } from '../../scripts/bench/juice-customer';

// The load generator's customer against the real juice bot and NLU: if the bot's questions change, the benchmark
// would measure a conversation going nowhere; this fails instead.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });

async function playOrder(memory: InMemoryMemory, conversationId: string): Promise<string[]> {
  const chat = converse(juice, { nlu, memory, userId: 'customer', conversationId });
  const said: string[] = [];
  let move = nextMove(undefined);
  while (said.length < 20) {
    said.push(move.text);
    await chat.say(move.text);
    move = nextMove(chat.last.replies.map((r) => r.text));
    if (move.kind === 'unexpected')
      throw new Error(`unexpected reply after «${said.at(-1)}»: ${chat.last.replies.map((r) => r.text).join(' | ')}`);
    if (move.kind === 'done') return said;
  }
  throw new Error(`the order never ended: ${said.join(', ')}`);
}

describe("the bench's juice customer", () => {
  it('orders as a new customer in the nine turns of T1, joining the membership with one wrong phone number', async () => {
    expect(await playOrder(new InMemoryMemory(), 'c1')).toEqual([
      '我想买果汁',
      '苹果',
      '不加冰',
      '杯装',
      '好啊',
      '李雷',
      '123',
      '13800138000',
      '好的',
    ]);
  });

  it('declines the repeat offer as a returning member and orders again in six turns, again and again', async () => {
    const memory = new InMemoryMemory();
    await playOrder(memory, 'c1');
    const second = ['我想买果汁', '不要', '苹果', '不加冰', '杯装', '好的'];
    expect(await playOrder(memory, 'c1')).toEqual(second);
    expect(await playOrder(memory, 'c2')).toEqual(second);
  });

  it('says the bot went off script when a reply matches no step of the order', () => {
    expect(nextMove(['不好意思, 我没听懂。'])).toEqual({ kind: 'unexpected', text: OPEN_ORDER });
    expect(nextMove(['支付成功! 您的苹果汁, 常温, 杯装马上就好。', '还有什么可以帮您?'])).toEqual({
      kind: 'done',
      text: OPEN_ORDER,
    });
  });
});
