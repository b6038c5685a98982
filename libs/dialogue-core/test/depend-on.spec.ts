import {
  ask,
  converse,
  defineBot,
  defineContext,
  dependOn,
  finish,
  keywordNlu,
  openThread,
  say,
} from '@parley/dialogue-core';

// A child that returns { score }, and a parent whose onDone branches on it with a named and an inline guard.
const quiz = defineContext({
  id: 'quiz',
  initial: 'asking',
  stages: {
    asking: ask({
      prompt: 'How many?',
      on: { 'intent.*': { target: 'answered', actions: say('Noted.') } },
    }),
    answered: finish('done', ({ event }) => ({ score: Number(event.text) })),
  },
});
const game = defineContext({
  id: 'game',
  initial: 'playing',
  stages: {
    playing: dependOn('quiz', {
      onDone: {
        done: [
          { guard: 'isHigh', target: 'won' },
          { guard: ({ event }: any) => event.output.score === 0, target: 'zero' },
          { target: 'lost' },
        ],
      },
    }),
    won: { entry: say('You won!'), always: 'over' },
    zero: { entry: say('Nothing at all?'), always: 'over' },
    lost: { entry: say('You lost.'), always: 'over' },
    over: finish('done'),
  },
  guards: { isHigh: ({ event }) => event.output.score > 5 },
});
const home = defineContext({
  id: 'home',
  initial: 'idle',
  stages: { idle: ask({ prompt: 'Play?', quiet: true }), done: finish() },
});
const bot = defineBot({
  id: 'quizzer',
  version: 1,
  home: 'home',
  contexts: [home, game, quiz],
  intents: { play: openThread('game') },
});
const nlu = keywordNlu({ intents: { play: ['play'] } });

describe('dependOn results', () => {
  it.each([
    ['9', 'You won!'],
    ['0', 'Nothing at all?'],
    ['3', 'You lost.'],
  ])('branches on the output with named and inline guards (%s)', async (answer, verdict) => {
    await converse(bot, { nlu }).say('play').expect('How many?').say(answer).expect('Noted.', verdict, 'Play?');
  });
});
