import { converse, type ConversationEvent } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice';
import { pizza } from './pizza';

// TurnResult.events on the demo bots, with the real NLU: what webhooks and the Studio hear about a conversation.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const services = {
  forecast: async (input: { city: string; date: string }) => {
    if (input.city === '火星') throw new Error('No forecast for this city');
    return { ...input, sky: '晴', low: 10, high: 18 };
  },
};
const chat = () => converse(juice, { nlu, clock, services });
const events = (expected: ConversationEvent[]) => (r: { events: ConversationEvent[] }) => expect(r.events).toEqual(expected);

describe('TurnResult.events: contexts that finish', () => {
  it('a paid order: the nested membership offer finishes, then the order, each with its result and thread', async () => {
    await chat()
      .say('我想要苹果汁, 常温哈')
      .check(events([]))
      .say('杯装')
      .expect('要办理吗')
      .check(events([]))
      .say('不用了')
      .expect('请付15元')
      .check(
        events([{ type: 'context.finished', context: 'member', thread: 'order', result: { status: 'done', member: false } }]),
      )
      .say('付款')
      .expect('支付成功')
      .check(events([{ type: 'context.finished', context: 'order', thread: 'order', result: { status: 'done' } }]));
  });

  it('an ordinary turn in the middle of a task reports nothing', async () => {
    await chat()
      .say('我想买果汁')
      .say('苹果')
      .check(events([]))
      .say('量子力学的基本原理')
      .expect('没听懂')
      .check(events([]));
  });
});

describe('TurnResult.events: escapes', () => {
  it('a cancel nobody stops ends the order: where it started, no handledBy, and the order finishes cancelled', async () => {
    await chat()
      .say('我想买果汁')
      .say('取消')
      .expect('订单已取消')
      .check(
        events([
          { type: 'escape', kind: 'cancel', context: 'order' },
          { type: 'context.finished', context: 'order', thread: 'order', result: { status: 'cancelled' } },
        ]),
      );
  });

  it('a cancel inside membership is stopped there (handledBy member); membership finishes declined', async () => {
    await chat()
      .say('来杯西瓜汁')
      .say('加冰')
      .say('碗装')
      .say('好')
      .expect('怎么称呼')
      .say('算了')
      .expect('不办会员', '请付15元')
      .check(
        events([
          { type: 'escape', kind: 'cancel', context: 'member', handledBy: 'member' },
          { type: 'context.finished', context: 'member', thread: 'order', result: { status: 'done', member: false } },
        ]),
      );
  });

  it('a failure the weather context intercepts is handled by it, and the weather thread finishes done', async () => {
    await chat()
      .say('火星明天天气怎么样')
      .expect('暂时查不到')
      .check(
        events([
          { type: 'escape', kind: 'failure', context: 'weather', handledBy: 'weather' },
          { type: 'context.finished', context: 'weather', thread: 'weather', result: { status: 'done' } },
        ]),
      );
  });

  it('three unknown flavors: a failure that ends the order', async () => {
    await chat()
      .say('我想买果汁')
      .say('葡萄')
      .say('芒果')
      .say('榴莲')
      .expect('订单先取消')
      .check(
        events([
          { type: 'escape', kind: 'failure', context: 'order' },
          { type: 'context.finished', context: 'order', thread: 'order', result: { status: 'failed' } },
        ]),
      );
  });

  it('a cancel with nothing under way reaches the top at home; nothing finishes', async () => {
    await chat()
      .say('取消')
      .expect('没有要取消的事')
      .check(events([{ type: 'escape', kind: 'cancel', context: 'home' }]));
  });

  it('a quit with an order and the weather under way ends both', async () => {
    await chat()
      .say('我想买果汁')
      .say('我想查询天气')
      .expect('哪个城市')
      .say('再见')
      .expect('先不办了')
      .check((r) => {
        expect(r.events[0]).toEqual({ type: 'escape', kind: 'quit', context: 'weather' });
        expect(r.events.slice(1)).toEqual(
          expect.arrayContaining([
            { type: 'context.finished', context: 'weather', thread: 'weather', result: { status: 'cancelled' } },
            { type: 'context.finished', context: 'order', thread: 'order', result: { status: 'cancelled' } },
          ]),
        );
        expect(r.events).toHaveLength(3);
      });
  });

  it('a confirmation holds the escape: "no" stops it at the order, "yes" lets it end the order', async () => {
    await converse(pizza, { nlu })
      .say('I want a large pizza')
      .expect('Which pizza')
      .say('cancel')
      .expect('really want to cancel')
      .check(events([]))
      .say('no')
      .expect('carry on')
      .check(events([{ type: 'escape', kind: 'cancel', context: 'order', handledBy: 'order' }]))
      .say('cancel')
      .say('yes')
      .expect('pizza order is cancelled')
      .check(
        events([
          { type: 'escape', kind: 'cancel', context: 'order' },
          { type: 'context.finished', context: 'order', thread: 'order', result: { status: 'cancelled' } },
        ]),
      );
  });

  it('a cancel inside the nested address bubbles through it to the order, which asks first', async () => {
    await converse(pizza, { nlu })
      .say('I want a large margherita')
      .expect('delivery address')
      .say('cancel')
      .expect('really want to cancel')
      .check(events([]))
      .say('yes')
      .check((r) =>
        expect(r.events).toEqual([
          { type: 'escape', kind: 'cancel', context: 'order' },
          { type: 'context.finished', context: 'order', thread: 'order', result: { status: 'cancelled' } },
        ]),
      );
  });
});
