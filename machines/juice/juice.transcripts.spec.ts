import { Conversation, converse, InMemoryMemory, type ConverseOptions } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice.bot';
import { playTranscript } from '../transcript';
import { juiceTranscripts } from './juice.transcripts';

// The real NLU, trained from machines/juice/nlu; the transcripts below are docs/juice.md's T1–T5.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const chat = (options: ConverseOptions = {}) => converse(juice, { nlu, clock, ...options });

describe('juice: the transcripts and rules of docs/juice.md, on the engine', () => {
  it.each(juiceTranscripts.map((transcript) => [transcript.name, transcript] as const))(
    '%s',
    async (_name, transcript) => {
      const memory = new InMemoryMemory();
      const users = new Map<string, Conversation>();
      await playTranscript(transcript, async (user, text) => {
        let conversation = users.get(user);
        if (!conversation)
          users.set(user, (conversation = chat({ memory, userId: user, conversationId: `c-${user}` })));
        await conversation.say(text);
        return conversation.last.replies.map((reply) => reply.text);
      });
    },
  );
});

describe('juice: rules no transcript shows', () => {
  it('only misses in a row count: a flavor on the menu in between resets them', async () => {
    await chat()
      .say('我想买果汁')
      .say('葡萄')
      .say('草莓')
      .expect('没有')
      .say('苹果')
      .expect('加冰')
      .check((r) => expect(r.threads.focus).toBe('order'));
  });

  it('greets a returning customer and offers the last order', async () => {
    const memory = new InMemoryMemory();
    await chat({ memory, userId: 'han' })
      .say('我想买果汁')
      .say('西瓜')
      .say('加冰')
      .say('碗装')
      .say('不用了')
      .expect('请付15元')
      .say('付款')
      .expect('支付成功', '西瓜汁', '加冰', '碗装');
    await chat({ memory, userId: 'han', conversationId: 'second' })
      .say('我想买果汁')
      .expect('第2次', '还和上次一样吗')
      .say('好的')
      .expect('要办理吗')
      .say('不要')
      .expect('请付15元')
      .say('支付')
      .expect('支付成功', '西瓜汁');
    await chat({ memory, userId: 'han', conversationId: 'third' })
      .say('买杯果汁')
      .expect('第3次', '还和上次一样吗')
      .say('不要')
      .expect('什么口味');
  });

  it('caches forecasts by city and date', async () => {
    const calls: string[] = [];
    const memory = new InMemoryMemory();
    const services = {
      forecast: async (input: { city: string; date: string }) => (
        calls.push(`${input.city}/${input.date}`),
        { ...input, sky: '晴', low: 10, high: 18 }
      ),
    };
    await chat({ memory, services }).say('长沙明天天气怎么样').expect('长沙明天晴, 10到18度');
    await chat({ memory, services, userId: 'u2', conversationId: 'c2' }).say('明天长沙天气如何').expect('长沙明天晴');
    await chat({ memory, services, userId: 'u3', conversationId: 'c3' }).say('长沙后天天气怎么样').expect('长沙后天');
    expect(calls).toEqual(['长沙/2026-11-23', '长沙/2026-11-24']);
  });

  it('asks the pending question again after help', async () => {
    await chat().say('我想买果汁').say('你能做什么').expect('买果汁', '什么口味');
  });
});
