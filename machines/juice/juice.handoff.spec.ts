import { converse, NotHeldError } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice.bot';

// «转人工»: the conversation is held by a person until it is given back; on the engine, with the real NLU.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const chat = () => converse(juice, { nlu, clock });

describe('juice: handoff to a human', () => {
  it('holds the conversation: the bot says its last word, then nothing; nothing reacts until it is returned', async () => {
    await chat()
      .say('我想买果汁')
      .say('苹果')
      .expect('加冰')
      .say('转人工')
      .expect('正在为您转人工客服')
      .check((r) => {
        expect(r.held).toEqual({ reason: '顾客要求人工服务', since: '2026-11-22T02:00:00.000Z', thread: 'order' });
        expect(r.events).toEqual([{ type: 'handoff.requested', reason: '顾客要求人工服务' }]);
      })
      // Held: what would fill a slot, cancel the order or quit does nothing at all.
      .say('不加冰')
      .check((r) => {
        expect(r.replies).toEqual([]);
        expect(r.outcome).toBe('held');
        expect(r.held?.thread).toBe('order');
        expect(r.understanding).toBeUndefined();
        expect(r.activePath).toEqual(['order.ordering.ice']);
      })
      .say('取消')
      .check((r) => expect([r.replies, r.outcome, r.events]).toEqual([[], 'held', []]))
      .say('再见')
      .check((r) => expect([r.replies, r.outcome]).toEqual([[], 'held']))
      // Given back: the order's onReturn, then the question it was asking, with its choices.
      .returnFromHandoff()
      .expect('客服已经处理完毕', '要加冰吗')
      .check((r) => {
        expect(r.held).toBeUndefined();
        expect(r.events).toEqual([{ type: 'handoff.returned' }]);
        expect(r.replies.at(-1)?.choices).toEqual(['加冰', '不加冰']);
      })
      .say('不加冰')
      .expect('杯装还是碗装');
  });

  it('from home, the return asks the home question again', async () => {
    await chat()
      .say('转人工')
      .expect('转人工客服')
      .say('你好')
      .check((r) => expect(r.replies).toEqual([]))
      .returnFromHandoff()
      .check((r) => expect(r.replies.map((reply) => reply.text)).toEqual(['还有什么可以帮您?']));
  });

  it('the state stored while held is the state of the handoff: nothing moves, and "back" does not undo it', async () => {
    const conversation = await chat().say('我想买果汁').say('转人工');
    const stored = JSON.stringify(conversation.state?.snapshot);
    await conversation.say('苹果').say('上一步');
    expect(JSON.stringify(conversation.state?.snapshot)).toBe(stored);
    expect(conversation.last.outcome).toBe('held');
  });

  it('a return when no human holds the conversation is refused', async () => {
    await expect(chat().say('我想买果汁').returnFromHandoff()).rejects.toBeInstanceOf(NotHeldError);
  });

  it('a bot-wide intent (help) is not served while held either', async () => {
    await chat()
      .say('转人工')
      .say('帮助')
      .check((r) => expect(r.replies).toEqual([]));
  });
});
