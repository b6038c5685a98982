import {
  homeContext,
  ask,
  contextKit,
  defineBot,
  entity,
  finish,
  openThread,
  propagate,
  say,
  update,
  when,
} from '@parley/dialogue-core';

/** What a mutant changes in the toast bot, for the tests that the right command catches it. */
export type ToastMutant = 'dead end' | 'unreachable stage' | 'behaviour change';

/**
 * A small bot with numbers known by hand (libs/paths/test/paths.spec.ts): four stages (home.idle,
 * order.askingSize, order.confirming, order.done), four authored transitions, one escape handler.
 */
export function toastBot(mutant?: ToastMutant) {
  const home = homeContext({ prompt: 'Anything else?' });
  const kit = contextKit<{ size: string | null }>();
  const order = kit.defineContext({
    id: 'order',
    context: { size: null },
    initial: 'askingSize',
    stages: {
      askingSize: ask({
        prompt: 'Small or large?',
        on: {
          'intent.*': {
            guard: when(({ event }) => entity(event, 'size') !== undefined),
            target: 'confirming',
            actions: update(({ event }) => ({ size: String(entity(event, 'size')) })),
          },
        },
      }),
      confirming: kit.ask({
        prompt: ({ context }) => `A ${context.size} toast, right?`,
        on: {
          'intent.affirm': {
            target: 'done',
            actions: say(mutant === 'behaviour change' ? 'Enjoy your toast!' : 'Enjoy!'),
          },
          // The dead-end mutant: "no" leads to a stage that nothing leaves.
          'intent.deny': mutant === 'dead end' ? 'outOfBread' : 'askingSize',
        },
      }),
      ...(mutant === 'dead end' ? { outOfBread: ask({ prompt: 'Sorry, we are out of bread. Please wait.' }) } : {}),
      // The unreachable mutant: a stage no transition leads to.
      ...(mutant === 'unreachable stage' ? { askingJam: ask({ prompt: 'Jam or butter?' }) } : {}),
      done: finish('done'),
    },
    onCancel: { actions: [say('Toast cancelled.'), propagate()] },
  });
  return defineBot({
    id: 'toast',
    version: 1,
    home: 'home',
    contexts: [home, order],
    intents: { 'order.toast': openThread('order') },
    nlu: { kind: 'builtin' },
  });
}
