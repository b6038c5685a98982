// The README's "Write a bot" example, verbatim: keep the two in sync.
import {
  ask,
  defineBot,
  defineContext,
  entity,
  finish,
  keywordNlu,
  openThread,
  propagate,
  reply,
  say,
  update,
  when,
} from '@parley/dialogue-core';

const home = defineContext({
  id: 'home',
  initial: 'idle',
  stages: { idle: ask({ prompt: 'Anything else?', quiet: true }) },
});

const order = defineContext({
  id: 'order',
  context: ({ input }) => ({ size: (entity(input.trigger, 'size') as string | undefined) ?? null }),
  initial: 'start',
  stages: {
    start: { always: [{ guard: ({ context }: any) => !context.size, target: 'askingSize' }, { target: 'confirming' }] },
    askingSize: ask({
      prompt: 'Small or large?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'size') !== undefined),
          target: 'confirming',
          actions: update(({ event }) => ({ size: entity(event, 'size') })),
        },
      },
    }),
    confirming: ask({
      prompt: ({ context }) => `A ${context.size} coffee, right?`,
      on: { 'intent.affirm': { target: 'done', actions: say('Coming right up!') }, 'intent.deny': 'askingSize' },
    }),
    done: finish('done'),
  },
  onCancel: { actions: [say('Order cancelled.'), propagate()] },
});

export const coffee = defineBot({
  id: 'coffee',
  version: 1,
  home: 'home',
  contexts: [home, order],
  intents: { 'order.coffee': openThread('order'), help: reply('Say "a coffee please".') },
});

export const coffeeNlu = keywordNlu({
  intents: {
    cancel: ['cancel'],
    back: ['go back'],
    quit: ['bye'],
    'order.coffee': ['coffee'],
    affirm: ['yes'],
    deny: ['no'],
  },
  entities: { size: { small: [], large: ['big'] } },
});
