import { ask, defineContext } from '@parley/dialogue-core';

/**
 * The shop's home: always present. It asks nothing of its own; when a task ends and nothing sleeps, focus comes back
 * here and its question is re-asked.
 */
export const home = defineContext({
  id: 'home',
  initial: 'idle',
  stages: {
    idle: ask({ prompt: '还有什么可以帮您?', quiet: true }),
  },
});
