import {
  botKit,
  defineBot,
  finish,
  keywordNlu,
  service,
  type BotDefinition,
  type NluPort,
} from '@parley/dialogue-core';

/**
 * The benchmark's bot: every turn changes the context's data, writes user memory and replies (a realistic small turn).
 * «lookup» calls the `lookup` service, which answers at once (a turn that calls a service: `npm run bench`'s `service`
 * scenario); «slow» calls the `slow` service (a dependency that takes its time: scripts/bench-slow.ts).
 */
export function benchBot(): BotDefinition {
  const kit = botKit<{ memory: { total: number } }>().context<{ count: number }>();
  const counter = kit.defineContext({
    id: 'counter',
    context: { count: 0 },
    memory: { total: { scope: 'user', initial: 0 } },
    initial: 'counting',
    stages: {
      counting: kit.ask({
        prompt: 'Say add.',
        quiet: true,
        on: {
          'intent.add': {
            actions: [
              kit.update(({ context }) => ({ count: context.count + 1 })),
              kit.remember('total', ({ memory }) => (memory.total ?? 0) + 1),
              kit.say(({ context }) => `count=${String(context.count)}`),
            ],
          },
          'intent.lookup': 'looking',
          'intent.slow': 'waiting',
          'intent.done': 'finished',
        },
      }),
      looking: {
        invoke: {
          src: 'lookup',
          input: () => ({}),
          onDone: { target: 'counting', actions: kit.say(({ event }) => `found ${String(event.output)}`) },
        },
      },
      waiting: {
        invoke: { src: 'slow', input: () => ({}), onDone: { target: 'counting', actions: kit.say('slow done') } },
      },
      finished: finish('done'),
    },
    actors: {
      lookup: service(async (_input: unknown, { services }) => services.lookup!({})),
      slow: service(async (_input: unknown, { services }) => services.slow!({})),
    },
  });
  return defineBot({ id: 'bench', version: 1, home: 'counter', contexts: [counter] });
}

const keywords = keywordNlu({ intents: { add: ['add'], lookup: ['lookup'], slow: ['slow'], done: ['done'] } });

/** Keywords; a message containing «slowly» is understood only after BENCH_SLOW_MS (a slow NLU). */
export function benchNlu(slowMs = 0): NluPort {
  return {
    async understand(text, options) {
      if (slowMs > 0 && text.includes('slowly')) await new Promise((resolve) => setTimeout(resolve, slowMs));
      return keywords.understand(text, options);
    },
  };
}
