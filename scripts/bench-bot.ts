import {
  ask,
  defineBot,
  defineContext,
  finish,
  keywordNlu,
  remember,
  say,
  update,
  type BotDefinition,
  type NluPort,
} from '@parley/dialogue-core';

/** The benchmark's bot: every turn changes the context's data, writes user memory and replies (a realistic small turn). */
export function benchBot(): BotDefinition {
  const counter = defineContext({
    id: 'counter',
    context: { count: 0 },
    memory: { total: { scope: 'user', initial: 0 } },
    initial: 'counting',
    stages: {
      counting: ask({
        prompt: 'Say add.',
        quiet: true,
        on: {
          'intent.add': {
            actions: [
              update(({ context }) => ({ count: (context.count as number) + 1 })),
              remember('total', ({ memory }: { memory: Record<string, unknown> }) => (memory.total as number) + 1),
              say(({ context }) => `count=${String(context.count)}`),
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
