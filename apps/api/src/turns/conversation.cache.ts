import type { Json, MemoryAddress, MemoryPort } from '@parley/dialogue-core';
import type { LockedConversation, MemoryRow } from '@parley/persistence';

/** What this instance knows of a conversation after committing one of its turns. */
export interface CachedConversation {
  /** The row as committed (its `snapshot` is not used: the snapshot is kept as JSON, below). */
  conversation: Omit<LockedConversation, 'snapshot'>;
  /** JSON text, parsed afresh for each turn, so the engine never shares objects with the cache (as from the database). */
  snapshot: string;
  /** The back-step history, one JSON text per step (steps survive from turn to turn: they are not serialized again). */
  history: string[];
  /** The prefetched memory as committed. */
  memory: MemoryRow[];
}

/**
 * The last committed state of the conversations this instance served, so that their next turn can run the engine at
 * once and write in one round trip (`TurnStore.writeCurrent`, grouped with other turns). Only an optimisation: the database stays the
 * truth, and each entry is checked against it (version, memory, dedupe) in the statement that writes the turn.
 * Bounded, least recently used first out.
 */
export class ConversationCache {
  private readonly entries = new Map<string, CachedConversation>();

  constructor(private readonly capacity: number) {}

  get(id: string): CachedConversation | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  set(id: string, entry: CachedConversation): void {
    if (this.capacity <= 0) return;
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Thrown into a speculative turn that needs something the cache does not have; the turn is then taken under the lock. */
export class NeedsLock extends Error {
  constructor(what: string) {
    super(`speculative turn needs the lock: ${what}`);
  }
}

/**
 * The memory port of a speculative turn: the cached prefetched records only. Any other read (custom scopes) marks
 * the turn as needing the lock: it is then re-taken the usual way, reading inside the transaction.
 */
export class CachedMemory implements MemoryPort {
  private readonly known = new Map<string, Json | undefined>();
  missed = false;

  constructor(rows: readonly MemoryRow[]) {
    for (const row of rows) this.known.set(`${row.scope}\u0000${row.name}`, row.data);
  }

  read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    const keys = addresses.map((a) => `${a.scope}\u0000${a.name}`);
    if (keys.some((k) => !this.known.has(k))) {
      this.missed = true;
      return Promise.reject(new NeedsLock('memory outside the prefetched scopes'));
    }
    return Promise.resolve(keys.map((k) => structuredClone(this.known.get(k))));
  }
}
