import {
  homeContext,
  ask,
  defineBot,
  defineContext,
  entity,
  finish,
  openThread,
  push,
  say,
  service,
  update,
  when,
} from '@parley/dialogue-core';
import { formatTranscriptFile, generatePaths } from '@parley/paths';
import { fixtureNlu } from './toast.nlu';

/** A kiosk: a forecast from a service that is never called in path tests, and a promotion pushed from outside. */
const home = homeContext({ prompt: 'Anything else?' });
const lookup = defineContext({
  id: 'lookup',
  context: { city: null as string | null },
  initial: 'askingCity',
  stages: {
    askingCity: ask({
      prompt: 'Which city?',
      on: {
        'intent.*': {
          guard: when(({ event }) => entity(event, 'city') !== undefined),
          target: 'fetching',
          actions: update(({ event }) => ({ city: entity(event, 'city') })),
        },
      },
    }),
    // No onError: a service that throws is a failure escape, which the context's onFailure answers.
    fetching: {
      invoke: {
        src: 'forecast',
        input: ({ context }: { context: { city: string } }) => ({ city: context.city }),
        onDone: {
          target: 'done',
          actions: say(({ event }) => {
            const { city, sky } = (event as { output: { city: string; sky: string } }).output;
            return `${city}: ${sky}.`;
          }),
        },
      },
    },
    done: finish(),
  },
  onFailure: { target: '.done', actions: say('No forecast for that city.') },
  actors: {
    forecast: service(
      async (_input: { city: string }): Promise<{ city: string; sky: string }> => {
        throw new Error('path tests must not call the real service');
      },
      {
        samples: {
          sunny: { returns: ({ city }) => ({ city, sky: 'sunny' }) },
          unknownPlace: { throws: 'No forecast for this place.' },
        },
      },
    ),
  },
});
const kiosk = defineBot({
  id: 'kiosk',
  version: 1,
  home: 'home',
  contexts: [home, lookup],
  intents: { 'forecast.ask': openThread('lookup') },
  events: { promo: push(({ event }) => `Code ${String(event.code)}: two for one!`) },
  nlu: { kind: 'builtin' },
});

describe('service samples and external events in generated paths', () => {
  const nlu = fixtureNlu();

  it('answers a service with each of its samples (never calling it), and sends external events with their sample payloads', async () => {
    const { report, files } = await generatePaths({
      bot: kiosk,
      nlu,
      corpus: await nlu.corpus('kiosk'),
      config: { externalEvents: { promo: [{ code: 'A1' }] } },
    });
    expect(report.findings).toEqual([]);
    expect(report.uncovered).toEqual([]);
    expect(report.escapes).toEqual({ covered: 1, total: 1 });
    const text = files.map(formatTranscriptFile).join('\n');
    expect(text).toContain('U: Paris\nS: forecast → sunny\nB: Paris: sunny.\nB: Anything else?\n@ home.idle');
    expect(text).toContain(
      'U: Paris\nS: forecast → unknownPlace\nB: No forecast for that city.\nB: Anything else?\n@ home.idle',
    );
    expect(text).toContain('E: promo {"code":"A1"}\nB: Code A1: two for one!\n@ home.idle');
  });
});
