import { ask, converse, defineBot, defineContext, say, service, serviceSamples } from '@parley/dialogue-core';

describe('service samples', () => {
  const lookup = service(async ({ city }: { city: string }) => ({ city, sky: 'rainy' }), {
    samples: {
      sunny: { returns: ({ city }) => ({ city, sky: 'sunny' }) },
      fixed: { returns: { city: 'Rome', sky: 'cloudy' } },
      broken: { throws: 'No forecast.' },
    },
  });

  it('are kept with the service for tools (serviceSamples), and absent when none are declared', () => {
    expect(Object.keys(serviceSamples(lookup) ?? {})).toEqual(['sunny', 'fixed', 'broken']);
    expect(serviceSamples(service(async () => 1))).toBeUndefined();
    expect(serviceSamples(undefined)).toBeUndefined();
  });

  it('change nothing when the bot runs: the service itself answers', async () => {
    const home = defineContext({
      id: 'home',
      initial: 'fetching',
      stages: {
        fetching: {
          invoke: {
            src: 'lookup',
            input: { city: 'Paris' },
            onDone: {
              target: 'idle',
              actions: say(({ event }) => {
                const { city, sky } = (event as { output: { city: string; sky: string } }).output;
                return `${city} is ${sky}`;
              }),
            },
          },
        },
        idle: ask({ prompt: 'Anything else?', quiet: true }),
      },
      actors: { lookup },
    });
    const bot = defineBot({ id: 'samples', version: 1, home: 'home', contexts: [home], nlu: 'none' });
    await converse(bot).sayIntent('hello').expect('Paris is rainy');
  });
});
