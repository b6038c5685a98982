import { converse, InMemoryMemory, type ConversationState } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice.bot';

const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T10:00:00+08:00') };
/** Conversations stored by juice version 1 (hand-written slot ladders) and version 2, as fixtures. */
const stored = (name: string, version = 1) =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `v${version}-${name}.json`), 'utf8')) as ConversationState;

describe('juice version 2 takes over conversations stored by version 1', () => {
  const resume = (name: string) => {
    const conversation = converse(juice, { nlu, memory: new InMemoryMemory(), clock });
    conversation.state = stored(name);
    return conversation;
  };

  it('an order at the ice question goes on there, with the flavor kept', async () => {
    await resume('asking-ice')
      .say('不加冰')
      .check((r) => expect(r.reset).toBeUndefined())
      .expect('杯装还是碗装')
      .check((r) => expect(r.activePath).toEqual(['order.ordering.package']))
      .say('杯装')
      .say('不要')
      .say('好的')
      .expect('支付成功', '苹果汁', '常温', '杯装');
  });

  it('the weather asking for the date, with the order asleep, goes on and wakes the order', async () => {
    await resume('weather-asking-date-order-sleeping')
      .say('明天')
      .check((r) => expect(r.reset).toBeUndefined())
      .expect('长沙明天', '度', '还有其它问题吗')
      .say('没有了')
      .expect('加冰');
  });

  it('a membership sign-up inside an order goes on at the phone question', async () => {
    await resume('member-asking-phone')
      .say('13800138000')
      .check((r) => expect(r.reset).toBeUndefined())
      .expect('会员办理成功', '请付12元');
  });
});

describe('juice version 3 (the ingredients brain) takes over conversations stored by version 2', () => {
  it('the weather asking for the date, with the order asleep, goes on; the new thread is there and works', async () => {
    const conversation = converse(juice, {
      nlu,
      memory: new InMemoryMemory(),
      clock,
      services: { 'brain.ingredients': async () => ({ replies: ['苹果汁: 鲜榨苹果。'], result: { flavor: '苹果' } }) },
    });
    conversation.state = stored('weather-asking-date-order-sleeping', 2);
    expect(conversation.state.version).toBe(2);
    await conversation
      .say('明天')
      .check((r) => expect(r.reset).toBeUndefined())
      .expect('长沙明天', '度', '还有其它问题吗')
      .say('苹果汁里有什么')
      .expect('鲜榨苹果', '还有其它问题吗')
      .say('没有了')
      .expect('杯装还是碗装')
      .check((r) => expect(r.state.version).toBe(3));
  });
});
