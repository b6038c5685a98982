// The README's first example ("Context and stages"), verbatim: a test checks the two are the same.
import { contextKit } from '@parley/dialogue-core';

interface Weather {
  city: string | null; // the context's own data: plain JSON
}

// The helpers of one context, typed by its data and its result.
const { defineContext, ask, update, when, entity, finish } = contextKit<Weather, { city: string }>();

export const weather = defineContext({
  id: 'weather', // registration key: other contexts and threads use it
  context: { city: null },
  initial: 'askingCity',
  stages: {
    askingCity: ask({
      prompt: '请问您想查哪个城市?',
      on: {
        // any intent that carries a city answers the question
        'intent.*': {
          guard: when(({ event }) => entity(event, 'city') !== undefined),
          target: 'done',
          actions: update(({ event }) => ({ city: String(entity(event, 'city')) })),
        },
      },
    }),
    done: finish('done', ({ context }) => ({ city: context.city ?? '' })),
  },
});
