import { mapContexts, type SnapshotMigration } from '@parley/dialogue-core';

const CANCEL_PROMPT = 'Do you really want to cancel your pizza order?';

/**
 * Version 2 asks "are you sure?" with `confirm()` instead of a stage of its own, so the order's steps no longer sit
 * inside a `taking` stage with a history state. Conversations stored by version 1 move over: `{ taking: X }` becomes
 * `X`; an order that was asking to confirm a cancel still asks it (held by the process), and "no" goes on from the
 * first step still missing (version 1 had already dropped the interrupted address step).
 */
export const toVersion2: SnapshotMigration = (snapshot) => {
  let confirming = false;
  mapContexts(snapshot, 'order', (order: { value: unknown }) => {
    const { value } = order;
    const asking = value === 'confirmingCancel';
    if (asking) confirming = true;
    const taking = typeof value === 'object' && value !== null ? (value as { taking?: unknown }).taking : undefined;
    return { ...order, value: asking ? 'next' : (taking ?? value), historyValue: {} };
  });
  if (confirming) {
    snapshot.context = { ...snapshot.context, confirming: { thread: 'order', kind: 'cancel', prompt: CANCEL_PROMPT } };
  }
  return snapshot;
};
