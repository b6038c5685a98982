import { converse, InMemoryMemory, runTurn, type BotDefinition, type Conversation } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { juice } from './juice';
import { juiceTranscripts } from './juice/juice.transcripts';
import { pizza } from './pizza';
import { pizzaTranscripts } from './pizza/pizza.transcripts';
import type { Transcript } from './transcript';

// The real NLU: a choice is sent back as the user's message, so it must be understood where it is offered.
const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };

/**
 * Play the transcripts; wherever the bot waits for a question that offers choices, answer each choice from that very
 * state (a fork: nothing is stored) and check it was understood and answered.
 */
async function checkChoices(bot: BotDefinition, transcripts: readonly Transcript[]): Promise<number> {
  let checked = 0;
  for (const transcript of transcripts) {
    const memory = new InMemoryMemory();
    const users = new Map<string, Conversation>();
    for (const line of transcript.turns) {
      const user = line.user ?? 'default';
      let conversation = users.get(user);
      if (!conversation) {
        conversation = converse(bot, { nlu, clock, memory, userId: user, conversationId: `c-${user}` });
        users.set(user, conversation);
      }
      await conversation.say(line.say);
      const { pendingChoices, pendingQuestion } = conversation.last;
      for (const choice of pendingChoices ?? []) {
        const fork = await runTurn(
          bot,
          { conversationId: `c-${user}`, userId: user, state: conversation.state, input: { kind: 'message', text: choice } },
          { memory, nlu, clock },
        );
        const where = `«${pendingQuestion}» in '${transcript.name}'`;
        expect([where, choice, fork.outcome]).not.toEqual([where, choice, 'notUnderstood']);
        // It moved on, or said something of its own (not only the same question again).
        const movedOn = fork.pendingQuestion !== pendingQuestion || fork.replies.some((r) => r.text !== pendingQuestion);
        expect([where, choice, movedOn]).toEqual([where, choice, true]);
        checked++;
      }
    }
  }
  return checked;
}

describe('choices: every answer a stage offers is understood there', () => {
  it('juice', async () => {
    expect(await checkChoices(juice, juiceTranscripts)).toBeGreaterThan(20);
  });

  it('pizza', async () => {
    expect(await checkChoices(pizza, pizzaTranscripts)).toBeGreaterThan(10);
  });
});

describe('choices go out with the question, and again whenever it is asked again', () => {
  it('with the question, after a message that was not understood, a back step, a fallback and a wake', async () => {
    await converse(juice, { nlu, clock })
      .say('我想买果汁')
      .check((r) => expect(r.replies.at(-1)).toEqual(expect.objectContaining({ choices: ['苹果', '橙子', '西瓜'] })))
      .say('苹果')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['加冰', '不加冰']))
      .say('量子力学的基本原理')
      .expect('没听懂', '加冰')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['加冰', '不加冰']))
      .say('上一步')
      .expect('什么口味')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['苹果', '橙子', '西瓜']))
      .say('我想查询天气')
      .expect('哪个城市')
      .check((r) => {
        expect(r.replies.at(-1)?.choices).toBeUndefined();
        expect(r.pendingChoices).toBeUndefined();
      })
      .say('长沙的')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['今天', '明天', '后天']))
      .say('明天')
      .expect('还有其它问题吗')
      // Fallback: the weather ends, the order wakes and asks its question again, with its choices.
      .say('没有了')
      .expect('什么口味')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['苹果', '橙子', '西瓜']))
      .say('我想查询天气')
      .say('长沙的')
      .say('继续买果汁')
      .expect('什么口味')
      .check((r) => {
        expect(r.replies.at(-1)?.choices).toEqual(['苹果', '橙子', '西瓜']);
        expect(r.pendingChoices).toEqual(['苹果', '橙子', '西瓜']);
      });
  });

  it('a confirmation offers its own answers; "no" asks the interrupted question again with its choices', async () => {
    await converse(pizza, { nlu })
      .say('I want a pizza')
      .say('large')
      .expect('Which pizza')
      .say('cancel')
      .expect('really want to cancel')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['yes', 'no']))
      .say('no')
      .expect('carry on', 'Which pizza')
      .check((r) => expect(r.replies.at(-1)?.choices).toEqual(['margherita', 'pepperoni', 'hawaiian', 'veggie']));
  });

  it('a question without choices carries none, and text-only replies stay text-only', async () => {
    await converse(juice, { nlu, clock })
      .say('你好')
      .check((r) => expect(r.replies.every((reply) => reply.choices === undefined)).toBe(true));
  });
});
