import { contextKit, converse, defineBot, homeContext, keywordNlu, openThread } from '@parley/dialogue-core';

// A stage asks for a person (not a bot-wide intent): the request bubbles up its thread to the process.
const { defineContext, ask, handoff, say, update, finish } = contextKit<{ tries: number }>();

const support = defineContext({
  id: 'support',
  context: { tries: 0 },
  initial: 'asking',
  stages: {
    asking: ask({
      prompt: 'Did restarting help?',
      choices: ['yes', 'no'],
      on: {
        'intent.affirm': 'solved',
        'intent.deny': [
          {
            guard: ({ context }) => context.tries >= 1,
            target: 'waitingForPerson',
            actions: handoff({ reason: ({ context }) => `still broken after ${context.tries + 1} tries`, say: 'Let me get a colleague.' }),
          },
          { target: 'asking', reenter: true, actions: [update(({ context }) => ({ tries: context.tries + 1 })), say('Try once more.')] },
        ],
      },
    }),
    waitingForPerson: ask({
      prompt: 'Is it working now?',
      quiet: true,
      choices: ['yes', 'no'],
      on: { 'intent.affirm': 'solved' },
      onReturn: { actions: say('My colleague has looked into it.') },
    }),
    solved: finish('done'),
  },
});
const bot = defineBot({
  id: 'support-bot',
  version: 1,
  home: 'home',
  contexts: [homeContext({ prompt: 'Anything else?' }), support],
  intents: { support: openThread('support') },
});
const nlu = keywordNlu({ intents: { support: ['broken'], affirm: ['yes'], deny: ['no'], cancel: ['cancel'] } });

describe('handoff from a stage', () => {
  it('holds the conversation for the stage\'s thread; the stage\'s onReturn runs, then its question with its choices', async () => {
    await converse(bot, { nlu, clock: { now: () => new Date('2026-12-01T09:00:00Z') } })
      .say('my printer is broken')
      .expect('Did restarting help?')
      .say('no')
      .expect('Try once more.', 'Did restarting help?')
      .say('no')
      .expect('Let me get a colleague.')
      .check((r) => {
        expect(r.held).toEqual({ reason: 'still broken after 2 tries', since: '2026-12-01T09:00:00.000Z', thread: 'support' });
        expect(r.events).toEqual([{ type: 'handoff.requested', reason: 'still broken after 2 tries' }]);
        expect(r.activePath).toEqual(['support.waitingForPerson']);
      })
      .say('cancel')
      .check((r) => expect([r.replies, r.outcome, r.activePath]).toEqual([[], 'held', ['support.waitingForPerson']]))
      .returnFromHandoff()
      .check((r) => {
        expect(r.replies).toEqual([
          { type: 'text', text: 'My colleague has looked into it.' },
          { type: 'text', text: 'Is it working now?', choices: ['yes', 'no'] },
        ]);
        expect(r.events).toEqual([{ type: 'handoff.returned' }]);
        expect(r.held).toBeUndefined();
      })
      .say('yes')
      .expect('Anything else?')
      .check((r) => expect(r.events).toEqual([{ type: 'context.finished', context: 'support', thread: 'support', result: { status: 'done' } }]));
  });
});
