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
 * What an entry costs in memory, estimated from the length of its JSON text (the snapshot, each back-step, the
 * prefetched memory): measured on the juice bot mid-order, an entry takes about 6 bytes of heap per character of that
 * text (the text itself, kept to be written again, and the parsed objects), and one holding a live tree about 10.
 */
export const HEAP_PER_CHAR = 6;
export const HEAP_PER_CHAR_LIVE = 10;

/**
 * The last committed state of the conversations this instance served, so that their next turn can run the engine at
 * once and write in one round trip (`ConversationStore.writeIfCurrent`). Only an optimisation: the
 * database stays the truth, and each entry is checked against it (version, memory, dedupe) in the statement that
 * writes the turn. Bounded by bytes (`CACHE_MAX_MB`: each entry weighed by its JSON text, see `weigh`), least
 * recently used first out; only the `liveCapacity` most recent entries keep their live tree (about 8 KB more each
 * for the juice bot mid-order, against about 12 KB for the state alone).
 */
export class ConversationCache {
  private readonly entries = new Map<string, { entry: CachedConversation; weight: number }>();
  /** Ids of the entries that hold a live tree, least recently set first. */
  private readonly live = new Set<string>();
  private weight = 0;

  constructor(
    /** Estimated bytes the entries may take together (0: cache nothing). */
    private readonly maxBytes: number,
    private readonly liveCapacity = Number.POSITIVE_INFINITY,
  ) {}

  /** Take the entry out: the caller's turn has it alone, and puts back what it committed (`set`). */
  take(id: string): CachedConversation | undefined {
    const found = this.entries.get(id);
    if (found) this.delete(id);
    return found?.entry;
  }

  set(id: string, entry: CachedConversation): void {
    this.delete(id);
    const weight = weigh(entry);
    // An entry larger than the whole cache is not kept (it would evict everything and then itself).
    if (weight > this.maxBytes) return;
    this.entries.set(id, { entry, weight });
    this.weight += weight;
    if (entry.live) {
      this.live.add(id);
      if (this.live.size > this.liveCapacity) this.strip(this.live.keys().next().value!);
    }
    while (this.weight > this.maxBytes) this.delete(this.entries.keys().next().value!);
  }

  delete(id: string): void {
    const found = this.entries.get(id);
    if (!found) return;
    this.entries.delete(id);
    this.live.delete(id);
    this.weight -= found.weight;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The row version of the cached copy of a conversation, if there is one. */
  versionOf(id: string): number | undefined {
    return this.entries.get(id)?.entry.conversation.version;
  }

  /** Entries holding a live tree. */
  get liveSize(): number {
    return this.live.size;
  }

  /** The entries' estimated size in bytes (at most `maxBytes`). */
  get bytes(): number {
    return this.weight;
  }

  /** Drop an entry's live tree (it keeps its state): the next turn restores from JSON. */
  private strip(id: string): void {
    this.live.delete(id);
    const found = this.entries.get(id);
    if (!found) return;
    found.entry.live = undefined;
    const lighter = weigh(found.entry);
    this.weight += lighter - found.weight;
    found.weight = lighter;
  }
}

/**
 * An entry's estimated heap bytes: the characters of its JSON text (the texts the turn serialized anyway; a part
 * without one, as after a redelivery, is serialized here) times `HEAP_PER_CHAR`, or `HEAP_PER_CHAR_LIVE` with a live
 * tree.
 */
export function weigh(entry: CachedConversation): number {
  const { state, texts } = entry;
  const length = (value: unknown) => texts.get(value)?.length ?? JSON.stringify(value)?.length ?? 0;
  let chars = length(state.snapshot);
  for (const step of state.history) chars += length(step);
  for (const record of entry.memory) chars += record.name.length + record.scope.length + (JSON.stringify(record.data)?.length ?? 0);
  return chars * (entry.live ? HEAP_PER_CHAR_LIVE : HEAP_PER_CHAR);
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
