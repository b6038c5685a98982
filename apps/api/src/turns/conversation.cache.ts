import type {
  ConversationRecord,
  ConversationState,
  Json,
  LiveTree,
  MemoryAddress,
  MemoryPort,
  MemoryRecord,
} from '@parley/dialogue-core';
import { memoryAddressKey } from '@parley/persistence';

/** What this instance knows of a conversation after committing one of its turns. */
export interface CachedConversation {
  /** The row as committed (its `snapshot` is not used: `state.snapshot` is). */
  conversation: Omit<ConversationRecord, 'snapshot'>;
  /** The state as the engine returned it. An entry is taken out for a turn, so no two turns share its objects. */
  state: ConversationState;
  /** JSON text of `state.snapshot` and of each history step, by object (what is serialized once is not again). */
  texts: Map<unknown, string>;
  /** The settled actor tree the next turn continues from, when the engine offered one (no restore from JSON). */
  live?: LiveTree;
  /** The prefetched memory as committed. */
  memory: MemoryRecord[];
}

/**
 * The last committed state of the conversations this instance served, so that their next turn can run the engine at
 * once and write in one round trip (`ConversationStore.writeIfCurrent`). Only an optimisation: the
 * database stays the truth, and each entry is checked against it (version, memory, dedupe) in the statement that
 * writes the turn. Bounded, least recently used first out; only the `liveCapacity` most recent entries keep their
 * live tree (a few KB more each: 8 KB for the juice bot mid-order, against about 1 KB for the state alone).
 */
export class ConversationCache {
  private readonly entries = new Map<string, CachedConversation>();
  /** Ids of the entries that hold a live tree, least recently set first. */
  private readonly live = new Set<string>();

  constructor(
    private readonly capacity: number,
    private readonly liveCapacity = capacity,
  ) {}

  /** Take the entry out: the caller's turn has it alone, and puts back what it committed (`set`). */
  take(id: string): CachedConversation | undefined {
    const entry = this.entries.get(id);
    if (entry) this.delete(id);
    return entry;
  }

  set(id: string, entry: CachedConversation): void {
    if (this.capacity <= 0) return;
    this.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.delete(this.entries.keys().next().value!);
    if (!entry.live) return;
    this.live.add(id);
    if (this.live.size > this.liveCapacity) {
      const oldest = this.live.keys().next().value!;
      this.live.delete(oldest);
      const stripped = this.entries.get(oldest);
      if (stripped) stripped.live = undefined;
    }
  }

  delete(id: string): void {
    this.entries.delete(id);
    this.live.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries holding a live tree. */
  get liveSize(): number {
    return this.live.size;
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

  constructor(rows: readonly MemoryRecord[]) {
    for (const row of rows) this.known.set(memoryAddressKey(row), row.data);
  }

  read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    const keys = addresses.map(memoryAddressKey);
    if (keys.some((k) => !this.known.has(k))) {
      this.missed = true;
      return Promise.reject(new NeedsLock('memory outside the prefetched scopes'));
    }
    // A copy, so that the turn cannot change the cached value in place (numbers and strings need none).
    return Promise.resolve(keys.map((k) => copy(this.known.get(k))));
  }
}

function copy<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
