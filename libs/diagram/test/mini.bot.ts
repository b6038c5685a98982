import { homeContext, ask, defineBot, defineContext, dependOn, finish, openThread, propagate, reply } from '@parley/dialogue-core';

/** A bot small enough to write its diagram out by hand: a home, an order that depends on a confirmation. */
export function miniBot() {
  const home = homeContext({ prompt: 'Anything else?' });
  const confirm = defineContext({
    id: 'confirm',
    initial: 'asking',
    stages: {
      asking: ask({ prompt: 'Sure?', on: { 'intent.affirm': 'yes', 'intent.deny': 'no' } }),
      yes: finish('done', { ok: true }),
      no: finish('cancelled'),
    },
    onCancel: { target: '.no' },
  });
  const order = defineContext({
    id: 'order',
    initial: 'askingSize',
    stages: {
      askingSize: ask({ prompt: 'Size?', on: { 'intent.size': { target: 'confirming', guard: 'hasSize' } } }),
      confirming: dependOn('confirm', { onDone: { done: 'done' } }),
      done: finish('done'),
    },
    guards: { hasSize: () => true },
    onCancel: { actions: propagate() },
  });
  return defineBot({
    id: 'mini',
    version: 2,
    home: 'home',
    contexts: [home, order, confirm],
    intents: { 'order.start': openThread('order'), help: reply('I can take orders.') },
  });
}
