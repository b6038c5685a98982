import {
  botKit,
  defineBot,
  finish,
  keywordNlu,
  type BotDefinition,
  type NluPort,
} from '@parley/dialogue-core';

/** The benchmark's bot: every turn changes the context's data, writes user memory and replies (a realistic small turn). */
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
          'intent.done': 'finished',
        },
      }),
      finished: finish('done'),
    },
  });
  return defineBot({ id: 'bench', version: 1, home: 'counter', contexts: [counter] });
}

export const benchNlu: NluPort = keywordNlu({ intents: { add: ['add'], done: ['done'] } });
