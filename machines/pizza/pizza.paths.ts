import type { PathsConfig } from '@parley/paths';

/** What the generated path tests of the pizza bot need beyond its statecharts (`npm run paths -- pizza`). */
export const pizzaPaths: PathsConfig = {
  identity: {
    // A customer with a saved address is asked to confirm it instead of giving a new one.
    memory: (memory) =>
      (memory.addresses as { saved?: string | null } | undefined)?.saved ? { savedAddress: true } : undefined,
  },
};
