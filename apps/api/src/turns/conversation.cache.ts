import type {
  ConversationRecord,
  ConversationStore,
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

/**
 * The memory port of a turn from a copy: the prefetched records of the copy, and any other record read from the store
 * as last committed (locking nothing). `records()` lists what the write checks is still so: the prefetched records
 * (user- and conversation-scoped memory, which a turn reads and writes back). Records of custom scope, read on demand
 * by services (a forecast cached by city and date), are not checked: the last write wins, as under the lock. Checking
 * them made every user who filled the same cache record at the same moment compute their turn twice.
 */
export class CopyMemory implements MemoryPort {
  private readonly known = new Map<string, Json | undefined>();

  constructor(
    private readonly prefetched: readonly MemoryRecord[],
    private readonly store: Pick<ConversationStore, 'readMemory'>,
  ) {
    for (const row of prefetched) this.known.set(memoryAddressKey(row), row.data);
  }

  async read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    const missing = addresses.filter((a) => !this.known.has(memoryAddressKey(a)));
    if (missing.length > 0) {
      const found = await this.store.readMemory(missing);
      missing.forEach((address, i) => this.known.set(memoryAddressKey(address), found[i]));
    }
    // A copy, so that the turn cannot change a value in place (numbers and strings need none).
    return addresses.map((a) => copy(this.known.get(memoryAddressKey(a))));
  }

  /** The records the write checks: the prefetched ones, as the turn read them. */
  records(): readonly MemoryRecord[] {
    return this.prefetched;
  }
}

function copy<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
