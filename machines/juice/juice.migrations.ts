import { addThread, mapContexts, type SnapshotMigration } from '@parley/dialogue-core';

/** Version-1 stage → version-2 state value, per context. */
const MOVED: Record<string, Record<string, unknown>> = {
  // The order's slots are asked by a form (`ordering`) instead of a hand-written ladder.
  order: {
    next: { ordering: 'next' },
    askingFlavor: { ordering: 'flavor' },
    askingIce: { ordering: 'ice' },
    askingPackage: { ordering: 'package' },
  },
  // So are the weather's.
  weather: { next: { asking: 'next' }, askingCity: { asking: 'city' }, askingDate: { asking: 'date' } },
};

/**
 * Version 2 asks the order's and the weather's slots with `form()`: their questions moved into a form stage.
 * Conversations stored by version 1 go on at the same question with the same data.
 */
export const toVersion2: SnapshotMigration = (snapshot) => {
  for (const [context, moves] of Object.entries(MOVED)) {
    mapContexts(snapshot, context, (state) =>
      typeof state.value === 'string' && moves[state.value] ? { ...state, value: moves[state.value] } : state,
    );
  }
  return snapshot;
};

/** Version 3 adds the `ingredients` context (an external brain): conversations stored before get its thread, idle. */
export const toVersion3: SnapshotMigration = (snapshot) => addThread(snapshot, 'ingredients');
