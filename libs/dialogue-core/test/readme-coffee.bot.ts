// The README's "Write a bot" example, verbatim: keep the two in sync.
import { botKit, defineBot, homeContext, keywordNlu, openThread, reply } from '@parley/dialogue-core';

// What the bot's contexts share: here the values of its one entity (for a real corpus, `npm run nlu:types`).
const coffeeKit = botKit<{ entities: { size: 'small' | 'large' } }>();

interface Order {
  size: 'small' | 'large' | null;
}

const { defineContext, ask, form, say, update, propagate, finish, entity } = coffeeKit.context<Order>();

const order = defineContext({
  id: 'order',
  context: ({ input }) => ({ size: entity(input.trigger, 'size') ?? null }),
  initial: 'choosing',
  stages: {
    // Asks for what is missing; takes a size said early ("a big coffee please").
    choosing: form({
      slots: { size: { prompt: 'Small or large?', fill: (event) => entity(event, 'size') } },
      onDone: 'confirming',
    }),
    confirming: ask({
      prompt: ({ context }) => `A ${context.size} coffee, right?`,
      on: {
        'intent.affirm': { target: 'done', actions: say('Coming right up!') },
        'intent.deny': { target: 'choosing', actions: update({ size: null }) },
      },
    }),
    done: finish('done'),
  },
  onCancel: { actions: [say('Order cancelled.'), propagate()] },
});

export const coffee = defineBot({
  id: 'coffee',
  version: 1,
  home: 'home',
  contexts: [homeContext({ prompt: 'Anything else?' }), order],
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
