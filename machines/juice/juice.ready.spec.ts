import { converse, DefinitionError, type Effect } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice.bot';
import { DEFAULT_READY_SECONDS, readySeconds } from './juice.settings';

// «您的果汁做好了»: a durable timer set at payment, pushed later; and the WeChat follow greeting.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const now = new Date('2026-11-22T02:00:00Z');
const chat = () => converse(juice, { nlu, clock: { now: () => now } });

describe('juice: the order-ready push', () => {
  it('paying schedules order.ready JUICE_READY_SECONDS later, with the order; the event pushes it and the dialogue stays', async () => {
    const conversation = await chat()
      .say('我想要苹果汁, 常温哈')
      .say('杯装')
      .say('不用了')
      .say('付款')
      .expect('支付成功')
      .check((r) =>
        expect(r.effects.filter((e) => e.type === 'schedule')).toEqual<Effect[]>([
          {
            type: 'schedule',
            at: new Date(now.getTime() + readySeconds() * 1000).toISOString(),
            event: { type: 'order.ready', order: '苹果汁, 常温, 杯装' },
            key: undefined,
          },
        ]),
      )
      .say('我想查询天气')
      .expect('哪个城市');
    await conversation
      .event('order.ready', { order: '苹果汁, 常温, 杯装' })
      .check((r) => {
        expect(r.replies.map((reply) => reply.text)).toEqual(['您的果汁做好了(苹果汁, 常温, 杯装), 请到柜台取。']);
        expect(r.pendingQuestion).toBe('请问您想查哪个城市?');
      })
      .say('长沙')
      .expect('哪天');
  });

  it('no order is ready before payment: nothing is scheduled on the way', async () => {
    await chat()
      .say('我想买果汁')
      .say('苹果')
      .check((r) => expect(r.effects.some((e) => e.type === 'schedule')).toBe(false));
  });

  it('the push reaches a conversation handed to a person too (events are not user messages)', async () => {
    await chat()
      .say('转人工')
      .event('order.ready', {})
      .check((r) => {
        expect(r.replies.map((reply) => reply.text)).toEqual(['您的果汁做好了, 请到柜台取。']);
        expect(r.held).toBeDefined();
      });
  });

  it('JUICE_READY_SECONDS: default 300, any whole number of seconds up to a day, anything else refused by name', () => {
    expect(readySeconds(undefined)).toBe(DEFAULT_READY_SECONDS);
    expect(readySeconds('')).toBe(300);
    expect(readySeconds('1')).toBe(1);
    for (const bad of ['1.5', '-1', 'soon', '86401']) {
      expect(() => readySeconds(bad)).toThrow(DefinitionError);
      expect(() => readySeconds(bad)).toThrow(/JUICE_READY_SECONDS must be a whole number/);
    }
  });
});

describe('juice: following the official account (WeChat subscribe)', () => {
  it('greets', async () => {
    await chat()
      .event('subscribe')
      .check((r) => expect(r.replies.map((reply) => reply.text)).toEqual([expect.stringContaining('欢迎光临果汁店')]));
    expect(juice.externalEvents).toEqual(expect.arrayContaining(['order.ready', 'subscribe']));
  });
});
