import {
  homeContext,
  ask,
  contextKit,
  converse,
  defineBot,
  defineContext,
  dependOn,
  finish,
  keywordNlu,
  openThread,
  replaceTo,
  say,
} from '@parley/dialogue-core';

// A child that returns { score }, and a parent whose onDone branches on it with a named and an inline guard.
const q = contextKit<object, { score: number }>();
const quiz = q.defineContext({
  id: 'quiz',
  initial: 'asking',
  stages: {
    asking: q.ask({
      prompt: 'How many?',
      on: { 'intent.*': { target: 'answered', actions: say('Noted.') } },
    }),
    answered: q.finish('done', ({ event }) => ({ score: Number((event as { text?: string }).text) })),
  },
});
const g = contextKit<object>();
const game = g.defineContext({
  id: 'game',
  initial: 'playing',
  stages: {
    playing: g.dependOn(quiz, {
      onDone: {
        done: [
          { guard: 'isHigh', target: 'won' },
          { guard: g.when(({ event }) => event.output.score === 0), target: 'zero' },
          { target: 'lost' },
        ],
      },
    }),
    won: { entry: say('You won!'), always: 'over' },
    zero: { entry: say('Nothing at all?'), always: 'over' },
    lost: { entry: say('You lost.'), always: 'over' },
    over: finish('done'),
  },
  guards: { isHigh: ({ event }) => (event as { output: { score: number } }).output.score > 5 },
});
const home = homeContext({ prompt: 'Play?' });
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

describe('replaceTo from a nested context', () => {
  const inner = defineContext({
    id: 'inner',
    initial: 'asking',
    stages: {
      asking: ask({
        prompt: 'Inner question?',
        on: { 'intent.switch': { actions: replaceTo('other') }, 'intent.finish': 'done' },
      }),
      done: finish(),
    },
  });
  const outer = defineContext({
    id: 'outer',
    initial: 'waiting',
    stages: { waiting: dependOn('inner', { onDone: { done: 'done' } }), done: finish() },
  });
  const other = defineContext({
    id: 'other',
    initial: 'asking',
    stages: { asking: ask({ prompt: 'Other question?', on: { 'intent.finish': 'done' } }), done: finish() },
  });
  const replacing = defineBot({
    id: 'replacing',
    version: 1,
    home: 'home',
    contexts: [home, outer, inner, other],
    intents: { start: openThread('outer') },
  });
  const words = keywordNlu({ intents: { start: ['start'], switch: ['switch'], finish: ['finish'] } });

  it('replaces the whole thread: the outer context does not come back', async () => {
    await converse(replacing, { nlu: words })
      .say('start')
      .expect('Inner question?')
      .say('switch')
      .expect('Other question?')
      .check((r) => expect(r.threads).toEqual({ focus: 'other', sleeping: [], yielding: [], blocking: [] }))
      .check((r) => expect(Object.keys((r.state.snapshot as any).children).sort()).toEqual(['home', 'other']))
      .say('finish')
      .expect('Play?');
  });
});
