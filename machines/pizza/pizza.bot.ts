import { defineBot, defineContext, ask, openThread, reply } from '@parley/dialogue-core';
import { address } from './address.context';
import { order } from './order.context';
import { toVersion2 } from './pizza.migrations';

const home = defineContext({
  id: 'home',
  initial: 'idle',
  stages: { idle: ask({ prompt: 'Anything else I can do for you?', quiet: true }) },
});

/** A small English pizza bot: proves that nothing in Parley is specific to the juice shop. */
export const pizza = defineBot({
  id: 'pizza',
  version: 2,
  locale: 'en',
  home: 'home',
  contexts: [home, order, address],
  intents: {
    'order.pizza': openThread('order'),
    'address.change': openThread('address'),
    greet: reply('Hi! This is Parley Pizza. I can take a pizza order or change your delivery address.'),
    help: reply('Say "I want a pizza" to order, "change my address" to update it, "go back" or "cancel" at any time.'),
  },
  messages: {
    notUnderstood: "Sorry, I didn't understand that.",
    goodbye: 'Goodbye, see you next time!',
    goodbyeUnfinished: 'OK, no pizza this time. Goodbye!',
    cancelled: 'OK, cancelled.',
  },
  nlu: { kind: 'builtin' },
  migrations: { 2: toVersion2 },
});
