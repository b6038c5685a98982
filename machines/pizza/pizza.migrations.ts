import { mapContexts, type SnapshotMigration } from '@parley/dialogue-core';

const CANCEL_PROMPT = 'Do you really want to cancel your pizza order?';

/** Version-1 step inside `taking` → version-2 state value. */
const MOVED: Record<string, unknown> = {
  next: { choosing: 'next' },
  askingSize: { choosing: 'size' },
  askingPizza: { choosing: 'pizza' },
  delivering: 'delivering',
  confirming: 'confirming',
};

/**
 * Version 2 asks the size and the pizza with `form()` and asks "are you sure?" with `confirm()` instead of a stage
 * of its own, so the order's steps no longer sit inside a `taking` stage with a history state. Conversations stored
 * by version 1 move over: each step to its new place; an order that was asking to confirm a cancel still asks it
 * (held by the process), and "no" goes on from the first step still missing (version 1 had already dropped the
 * interrupted address step).
 */
export const toVersion2: SnapshotMigration = (snapshot) => {
  let confirming = false;
  mapContexts(snapshot, 'order', (order) => {
    const { value } = order;
    if (value === 'confirmingCancel') {
      confirming = true;
      return { ...order, value: { choosing: 'next' }, historyValue: {} };
    }
    const step = typeof value === 'object' && value !== null ? (value as { taking?: unknown }).taking : undefined;
    return { ...order, value: typeof step === 'string' ? (MOVED[step] ?? value) : value, historyValue: {} };
  });
  if (confirming) {
    snapshot.context = { ...snapshot.context, confirming: { thread: 'order', kind: 'cancel', prompt: CANCEL_PROMPT } };
  }
  return snapshot;
};
