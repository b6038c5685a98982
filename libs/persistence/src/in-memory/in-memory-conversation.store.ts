import type {
  ConversationKey,
  ConversationRecord,
  ConversationStore,
  ConversationTransaction,
  CurrentTurnWrite,
  DueTimer,
  Json,
  LoadedTurn,
  LoadRequest,
  LockedTurn,
  MemoryAddress,
  MemoryPort,
  OutboxEntry,
  ReadTarget,
  TranscriptEntry,
  TurnRecord,
} from '@parley/dialogue-core';
import { memoryAddressKey } from '../turns/transaction.memory';
import { afterWrite, turnWrite } from '../turns/turn.rows';
import type { TurnWrite } from '../turns/turn.types';
import { newConversation } from '../turns/turn.reads';
import { turnRows } from '../turns/turn.write';
import { sameJson } from '../json-equal';
import { Mutex } from './mutex';

interface Timer {
  id: string;
  conversationId: string;
  key: string | null;
  runAt: Date;
  event: DueTimer['event'];
}

/**
 * The conversation store in one process's memory, with the same guarantees as on PostgreSQL (one contract test suite
 * runs against both): a lock per conversation that turns queue on, a lock per memory record that a locked turn holds
 * from its read to its commit, writes from a copy refused when anything they read moved, dedupe by (channel, message
 * id) in the transcript, timers claimed once. For tests of a host, and for running without a database. Nothing
 * survives the process.
 */
export class InMemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, ConversationRecord>();
  private readonly histories = new Map<string, Json[]>();
  private readonly lines = new Map<string, (TranscriptEntry & { channel: string | null })[]>();
  private readonly memories = new Map<string, Json>();
  private readonly outboxes = new Map<string, OutboxEntry[]>();
  private readonly timers = new Map<string, Timer>();
  /** Timers claimed by a transaction that has not ended (hidden from other claims, like FOR UPDATE SKIP LOCKED). */
  readonly claimedTimers = new Set<string>();
  readonly conversationLocks = new LockTable();
  readonly memoryLocks = new LockTable();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async transaction<T>(fn: (tx: ConversationTransaction) => Promise<T>): Promise<T> {
    const tx = new InMemoryTransaction(this);
    try {
      const result = await fn(tx);
      tx.end(true);
      return result;
    } catch (error) {
      tx.end(false);
      throw error;
    }
  }

  async read(target: ReadTarget, request: (who: ConversationKey) => LoadRequest): Promise<LockedTurn | undefined> {
    const conversation =
      this.conversation('id' in target ? target.id : target.key.id) ??
      ('key' in target ? newConversation(target.key, target.botVersion) : undefined);
    if (!conversation) return undefined;
    const { dedupe, prefetch } = request(conversation);
    return {
      conversation: { ...conversation, snapshot: structuredClone(conversation.snapshot) },
      loaded: {
        duplicate: dedupe ? this.duplicate(conversation.id, dedupe) : undefined,
        history: this.history(conversation.id),
        memory: { read: (addresses) => this.readMemory(addresses) },
        preloaded: prefetch.map((address) => ({ scope: address.scope, name: address.name, data: this.recordOf(address) })),
      },
    };
  }

  async readMemory(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    return addresses.map((address) => this.recordOf(address));
  }

  async writeIfCurrent({ turn, memoryRead }: CurrentTurnWrite): Promise<ConversationRecord | undefined> {
    const base = turn.conversation;
    // A new conversation (version 0) is created by its first write.
    const stored = this.conversations.get(base.id) ?? (base.version === 0 ? base : undefined);
    if (!stored || stored.version !== base.version || this.conversationLocks.held(base.id)) return undefined;
    if (turn.dedupeChannel !== undefined && this.handled(base.id, turn.dedupeChannel, turn.messageId)) return undefined;
    for (const record of memoryRead) {
      const key = memoryAddressKey(record);
      if (this.memoryLocks.held(key) || !sameJson(this.memories.get(key), record.data)) return undefined;
    }
    return this.apply(base, turnWrite(turn));
  }

  async nextTimerAt(): Promise<Date | undefined> {
    let next: Date | undefined;
    for (const timer of this.timers.values()) if (!next || timer.runAt < next) next = timer.runAt;
    return next;
  }

  async transcript(conversationId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<TranscriptEntry[]> {
    return (this.lines.get(conversationId) ?? [])
      .filter((line) => line.seq > (options.afterSeq ?? 0))
      .slice(0, options.limit ?? 1000)
      .map(({ channel: _channel, ...line }) => ({ ...line, event: structuredClone(line.event), at: new Date(line.at) }));
  }

  async outbox(conversationId: string): Promise<OutboxEntry[]> {
    return structuredClone(this.outboxes.get(conversationId) ?? []);
  }

  // Inside the store (for its transactions).

  conversation(id: string): ConversationRecord | undefined {
    const stored = this.conversations.get(id);
    return stored && { ...stored };
  }

  create(record: ConversationRecord): void {
    if (!this.conversations.has(record.id)) this.conversations.set(record.id, { ...record });
  }

  /** The replies of the turn that handled (channel, message id), if one did. */
  duplicate(conversationId: string, dedupe: { channel: string; messageId: string }): LoadedTurn['duplicate'] {
    const lines = this.lines.get(conversationId) ?? [];
    const inbound = lines.find((l) => l.channel === dedupe.channel && l.messageId === dedupe.messageId);
    if (!inbound) return undefined;
    return {
      replies: lines
        .filter((l) => l.turn === inbound.turn && l.direction === 'out')
        .map((l) => ({ text: l.text, ...(l.choices ? { choices: [...l.choices] } : {}) })),
      inbound: { text: inbound.text, event: structuredClone(inbound.event) },
    };
  }

  history(conversationId: string): Json[] {
    return structuredClone(this.histories.get(conversationId) ?? []);
  }

  recordOf(address: MemoryAddress): Json | undefined {
    return structuredClone(this.memories.get(memoryAddressKey(address)));
  }

  /** Write a turn's rows after the conversation `base`: the conversation as written. */
  apply(base: ConversationRecord, turn: TurnWrite): ConversationRecord {
    const rows = turnRows(base, turn);
    const at = this.now();
    const lines = this.lines.get(base.id) ?? [];
    for (const line of rows.transcript) {
      lines.push({
        seq: line.seq,
        turn: turn.turns,
        direction: line.direction,
        kind: line.kind,
        text: line.text,
        messageId: line.message_id,
        event: structuredClone(line.event),
        state: structuredClone(line.state),
        ...(line.choices ? { choices: [...line.choices] } : {}),
        channel: line.channel,
        at,
      });
    }
    this.lines.set(base.id, lines);
    if (turn.history !== undefined) this.histories.set(base.id, structuredClone(turn.history));
    for (const m of rows.memory) this.memories.set(memoryAddressKey(m), structuredClone(m.data));
    const outbox = this.outboxes.get(base.id) ?? [];
    for (const o of rows.outbox) {
      outbox.push({ id: o.id, turn: turn.turns, kind: o.kind, target: o.target, payload: structuredClone(o.payload), messageId: o.message_id, status: 'pending' });
    }
    this.outboxes.set(base.id, outbox);
    for (const s of rows.schedules) {
      for (const [id, timer] of this.timers) {
        if (s.key !== null && timer.conversationId === base.id && timer.key === s.key) this.timers.delete(id);
      }
      this.timers.set(s.id, {
        id: s.id,
        conversationId: base.id,
        key: s.key,
        runAt: new Date(s.run_at),
        event: structuredClone(s.event) as DueTimer['event'],
      });
    }
    const after = afterWrite(base, { ...turn, snapshot: structuredClone(turn.snapshot) }, rows.seq);
    this.conversations.set(base.id, after);
    return { ...after };
  }

  reset(conversation: ConversationRecord, forget: readonly MemoryAddress[]): void {
    const stored = this.conversations.get(conversation.id);
    if (!stored) return;
    this.conversations.set(conversation.id, { ...stored, snapshot: null, status: 'active', version: stored.version + 1 });
    this.histories.set(conversation.id, []);
    for (const [id, timer] of this.timers) if (timer.conversationId === conversation.id) this.timers.delete(id);
    for (const address of forget) this.memories.delete(memoryAddressKey(address));
  }

  /** The most overdue timer no transaction holds. */
  dueTimer(skip: readonly string[]): Timer | undefined {
    const now = this.now();
    let due: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.runAt > now || this.claimedTimers.has(timer.id) || skip.includes(timer.id)) continue;
      if (!due || timer.runAt < due.runAt) due = timer;
    }
    return due;
  }

  deleteTimer(id: string): void {
    this.timers.delete(id);
  }

  private handled(conversationId: string, channel: string, messageId: string): boolean {
    return (this.lines.get(conversationId) ?? []).some((l) => l.channel === channel && l.messageId === messageId);
  }
}

/** A transaction of the in-memory store: locks taken as it goes, released when it ends; changes applied at commit. */
class InMemoryTransaction implements ConversationTransaction {
  private readonly owner = Symbol('transaction');
  private locked?: ConversationRecord;
  private readonly heldConversations: string[] = [];
  private readonly heldMemory: string[] = [];
  private readonly claimed: string[] = [];
  /** Changes made before COMMIT (a created conversation, a reset): applied when the transaction commits. */
  private readonly pending: (() => void)[] = [];
  private ended = false;

  constructor(private readonly store: InMemoryConversationStore) {}

  async lockUser(key: ConversationKey, botVersion: number, request: LoadRequest): Promise<LockedTurn> {
    await this.lockConversation(key.id, true);
    let conversation = this.store.conversation(key.id);
    if (!conversation) {
      // First contact: the conversation exists once this transaction commits.
      const created: ConversationRecord = { ...key, botVersion, snapshot: null, turns: 0, status: 'active', transcriptSeq: 0, version: 0 };
      this.pending.push(() => this.store.create(created));
      conversation = created;
    }
    this.locked = conversation;
    return { conversation, loaded: await this.load(request) };
  }

  async lockExisting(conversationId: string, options: { wait?: boolean } = {}): Promise<ConversationRecord | undefined> {
    if (!this.store.conversation(conversationId)) return undefined;
    if (!(await this.lockConversation(conversationId, options.wait !== false))) return undefined;
    return (this.locked = this.store.conversation(conversationId));
  }

  async load({ dedupe, prefetch }: LoadRequest): Promise<LoadedTurn> {
    const conversation = this.current();
    // Conversation first, then memory records in one order: no two turns wait for each other crosswise.
    for (const key of [...new Set(prefetch.map(memoryAddressKey))].sort()) {
      await this.store.memoryLocks.acquire(key, this.owner);
      this.heldMemory.push(key);
    }
    const store = this.store;
    const memory: MemoryPort = {
      read: async (addresses) => addresses.map((address) => store.recordOf(address)),
    };
    return {
      duplicate: dedupe ? this.store.duplicate(conversation.id, dedupe) : undefined,
      history: this.store.history(conversation.id),
      memory,
      preloaded: prefetch.map((address) => ({ scope: address.scope, name: address.name, data: this.store.recordOf(address) })),
    };
  }

  async commitTurn(turn: TurnRecord): Promise<ConversationRecord> {
    const base = this.current();
    const write = turnWrite(turn);
    if (turn.dedupeChannel !== undefined && this.store.duplicate(base.id, { channel: turn.dedupeChannel, messageId: turn.messageId })) {
      throw new Error(`The turn of conversation ${base.id} was refused although its row is locked.`);
    }
    this.commitPending();
    this.locked = this.store.apply(base, write);
    this.end(true);
    return this.locked;
  }

  async reset(forget: readonly MemoryAddress[]): Promise<void> {
    const conversation = this.current();
    this.pending.push(() => this.store.reset(conversation, forget));
  }

  async claimDueTimer(skip: readonly string[] = []): Promise<DueTimer | undefined> {
    const timer = this.store.dueTimer(skip);
    if (!timer) return undefined;
    this.store.claimedTimers.add(timer.id);
    this.claimed.push(timer.id);
    this.pending.push(() => this.store.deleteTimer(timer.id));
    return { ...timer, event: structuredClone(timer.event) };
  }

  /** Commit (apply what is pending) or roll back, then release every lock. */
  end(commit: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (commit) this.commitPending();
    for (const id of this.claimed) this.store.claimedTimers.delete(id);
    for (const key of this.heldMemory) this.store.memoryLocks.release(key, this.owner);
    for (const id of this.heldConversations) this.store.conversationLocks.release(id, this.owner);
  }

  private commitPending(): void {
    for (const change of this.pending.splice(0)) change();
  }

  private async lockConversation(id: string, wait: boolean): Promise<boolean> {
    if (this.ended) throw new Error('The transaction has ended.');
    if (wait) await this.store.conversationLocks.acquire(id, this.owner);
    else if (!this.store.conversationLocks.tryAcquire(id, this.owner)) return false;
    this.heldConversations.push(id);
    return true;
  }

  private current(): ConversationRecord {
    if (!this.locked) throw new Error('Lock the conversation first.');
    return this.locked;
  }
}

/** Named locks (a mutex per name, created on demand and dropped when free). */
class LockTable {
  private readonly locks = new Map<string, Mutex>();

  held(name: string): boolean {
    return this.locks.get(name)?.held ?? false;
  }

  acquire(name: string, owner: symbol): Promise<void> {
    return this.lock(name).acquire(owner);
  }

  tryAcquire(name: string, owner: symbol): boolean {
    return this.lock(name).tryAcquire(owner);
  }

  release(name: string, owner: symbol): void {
    const mutex = this.locks.get(name);
    mutex?.release(owner);
    if (mutex && !mutex.held) this.locks.delete(name);
  }

  private lock(name: string): Mutex {
    let mutex = this.locks.get(name);
    if (!mutex) this.locks.set(name, (mutex = new Mutex()));
    return mutex;
  }
}
