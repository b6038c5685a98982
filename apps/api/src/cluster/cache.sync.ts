import cluster from 'node:cluster';
import type { TurnService } from '../turns/turn.service';

/** Conversations a worker committed (id, row version), sent to the other workers through the primary. */
export interface CachedMessage {
  type: 'parley.cached';
  from: number;
  entries: [string, number][];
}

/**
 * Keep the workers' conversation caches from going stale: when a worker commits a turn, the others drop their older
 * copy of that conversation. Without this, a turn that lands on another worker than the previous one (connections,
 * not conversations, are spread over workers) ran the engine on that worker's old copy, was refused by the write's
 * version check, and ran again on a fresh read; now it reads first (two round trips, one engine run).
 *
 * A copy is dropped only if it is older than the version announced (a late message never drops a newer copy). Only
 * an optimisation: the write's version check is what keeps turns correct.
 */
export function syncCaches(turns: TurnService): void {
  const worker = cluster.worker;
  if (!worker) return;
  turns.onCached = (conversationId, version) => {
    // At once, before this turn's response is written: the primary relays it to the other workers on the channel it
    // hands them connections on, so a worker sees it before the user's next message can reach it.
    if (worker.isConnected()) worker.send({ type: 'parley.cached', from: worker.id, entries: [[conversationId, version]] } satisfies CachedMessage);
  };
  worker.on('message', (message: unknown) => {
    if (!isCachedMessage(message) || message.from === worker.id) return;
    for (const [conversationId, version] of message.entries) turns.forgetOlder(conversationId, version);
  });
}

export function isCachedMessage(message: unknown): message is CachedMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'parley.cached';
}
