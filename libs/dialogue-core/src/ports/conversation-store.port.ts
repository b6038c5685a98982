import type { ConversationState, Effect, Reply, TurnInput } from '../types';
import type { Json, MemoryAddress, MemoryPort } from './memory.port';

/**
 * The conversation store: what a host that runs the engine needs from storage to take turns exactly once, across any
 * number of instances. `@parley/persistence` implements it on PostgreSQL (and embedded PGlite) and in memory; one
 * contract test suite runs against both.
 *
 * A turn is taken one of two ways:
 * - **from a copy** (`read`, or the state the host committed last time, then `writeIfCurrent`): nothing is locked and
 *   no connection is held while the engine runs (the NLU, services); the turn is written only if the copy is still
 *   current, otherwise nothing is written and the host tries again.
 * - **under the lock**: `transaction(fn)` gives `fn` a transaction; `lockUser`/`lockExisting` lock the conversation
 *   (every other turn of it, on any instance, waits), `load` reads what the turn needs, and `commitTurn` writes
 *   everything the turn did at once and commits. Throwing from `fn` leaves no trace.
 *
 * The store owns how a turn becomes rows: transcript lines, the dedupe record, outbox items and their message ids,
 * timers, memory records, the back-step history.
 *
 * @example
 * const replies = await store.transaction(async (tx) => {
 *   const { conversation, loaded } = await tx.lockUser(key, bot.version, { prefetch, dedupe });
 *   if (loaded.duplicate) return loaded.duplicate.replies;
 *   const result = await runTurn(bot, { conversationId: key.id, userId: key.userId, state, input }, { memory: loaded.memory });
 *   await tx.commitTurn({ conversation, number: conversation.turns + 1, messageId, input, state: result.state, … });
 *   return result.replies.map((r) => r.text);
 * });
 */
export interface ConversationStore {
  /**
   * Read a conversation and what its turn needs (as `lockUser` and `load` do), locking nothing: a copy for
   * `writeIfCurrent`. A user's conversation that does not exist yet comes back new (version 0, nothing stored): the
   * first write creates it. Undefined for an id that does not exist.
   * `request` says what to load, given who the conversation is (its bot and user).
   */
  read(target: ReadTarget, request: (who: ConversationKey) => LoadRequest): Promise<LockedTurn | undefined>;
  /** Memory records as last committed, locking nothing (a turn from a copy lists what it read in `memoryRead`). */
  readMemory(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]>;
  /** Run `fn` in a transaction: committed by `commitTurn` (or when `fn` returns), rolled back when it throws. */
  transaction<T>(fn: (tx: ConversationTransaction) => Promise<T>): Promise<T>;
  /**
   * Write a turn computed from a copy of its conversation (`turn.conversation`) if that copy is still current: the
   * conversation's version is the copy's, no turn holds its lock, the message id is new, and every memory record in
   * `memoryRead` still holds what the turn read (and no turn under the lock holds it). Resolves to the conversation as written, or
   * `undefined` when any check failed (nothing written). Rejects when the store failed (nothing written either).
   */
  writeIfCurrent(write: CurrentTurnWrite): Promise<ConversationRecord | undefined>;
  /** When the next timer is due (to sleep until then), or undefined when none is pending. */
  nextTimerAt(): Promise<Date | undefined>;
  /** The transcript of a conversation in order, after line `afterSeq` (default: from the start). */
  transcript(conversationId: string, options?: { afterSeq?: number; limit?: number }): Promise<TranscriptEntry[]>;
  /** The outbox items a conversation's turns wrote, oldest first. */
  outbox(conversationId: string): Promise<OutboxEntry[]>;
}

/** A user's conversation on a channel (created on first contact), or an existing conversation by id. */
export type ReadTarget = { key: ConversationKey; botVersion: number } | { id: string };

/** One transaction of `ConversationStore.transaction`: at most one conversation locked in it. */
export interface ConversationTransaction {
  /**
   * Lock the conversation of a user on a channel (creating it on first contact) and load what its turn needs.
   * Every turn of the conversation, on any instance, queues here.
   */
  lockUser(key: ConversationKey, botVersion: number, request: LoadRequest): Promise<LockedTurn>;
  /**
   * Lock an existing conversation: undefined when there is none, or (with `wait: false`) when another turn holds it.
   */
  lockExisting(conversationId: string, options?: { wait?: boolean }): Promise<ConversationRecord | undefined>;
  /** After `lockExisting`: load what the turn needs. */
  load(request: LoadRequest): Promise<LoadedTurn>;
  /** Write everything the turn did, then commit. Resolves to the conversation as written. */
  commitTurn(turn: TurnRecord): Promise<ConversationRecord>;
  /**
   * Forget the locked conversation's dialogue state: snapshot, back-step history, pending timers and the given memory
   * records (its conversation-scoped memory). The transcript stays. Committed when the transaction ends.
   */
  reset(forget: readonly MemoryAddress[]): Promise<void>;
  /**
   * Claim the most overdue timer no other transaction holds (skipping `skip`): it is removed when this transaction
   * commits (fired exactly once) and comes back if it rolls back.
   */
  claimDueTimer(skip?: readonly string[]): Promise<DueTimer | undefined>;
}

/** Who a conversation is: its id is derived from (bot, channel, user), so every instance finds the same one. */
export interface ConversationKey {
  id: string;
  botId: string;
  channel: string;
  userId: string;
}

/** A conversation as stored (as its lock holder or the last commit left it). */
export interface ConversationRecord extends ConversationKey {
  botVersion: number;
  snapshot: Json | null;
  turns: number;
  status: 'active' | 'ended';
  /** The number of the conversation's last transcript line. */
  transcriptSeq: number;
  /** Moved on by every write: a copy of the conversation is current while its version is. */
  version: number;
}

/** A memory record as a turn read it (`data` undefined: there was none). */
export interface MemoryRecord extends MemoryAddress {
  data: Json | undefined;
}

/** A message id from a channel that redelivers: the same id again must not take a second turn. */
export interface DedupeKey {
  channel: string;
  messageId: string;
}

export interface LoadRequest {
  /** The inbound message's id on its channel, to recognise a redelivery. */
  dedupe?: DedupeKey;
  /** The memory the engine reads synchronously (user and conversation scopes), read now and locked until commit. */
  prefetch: readonly MemoryAddress[];
}

/** A reply as the transcript keeps it: its text and the answers it offered. */
export interface StoredReply {
  text: string;
  choices?: string[];
}

/** What a locked turn reads before the engine runs. */
export interface LoadedTurn {
  /**
   * The message was handled before: the replies that turn gave, to give them again, and what came in then (its text,
   * or for an event its type and the event) so that a message id reused for another message can be noticed.
   */
  duplicate?: { replies: StoredReply[]; inbound: { text: string; event: Json | null } };
  /** The back-step history (oldest first). */
  history: Json[];
  /** Memory for the engine: the prefetched records, and any other read inside the transaction. */
  memory: MemoryPort;
  /** The prefetched records as read (a host may keep them for the turn after). */
  preloaded: MemoryRecord[];
}

/** A conversation and what its turn loaded (under the lock, or read as a copy). */
export interface LockedTurn {
  conversation: ConversationRecord;
  loaded: LoadedTurn;
}

/** One turn as the engine took it, for the store to write. */
export interface TurnRecord {
  /** The conversation as the turn found it. */
  conversation: ConversationRecord;
  /** The conversation's turn count after this turn. */
  number: number;
  /** The inbound message's id (also the prefix of the replies' ids). */
  messageId: string;
  /** The channel `messageId` comes from, when redeliveries are deduplicated by it. */
  dedupeChannel?: string;
  input: TurnInput;
  /** True when the replies go out through the outbox (events and timers: no response carries them). */
  pushReplies: boolean;
  /**
   * With `pushReplies`: how many of the first replies went back in the HTTP response instead (a platform's passive
   * reply, e.g. WeChat's); they are not pushed. Default 0.
   */
  answeredReplies?: number;
  /** Where pushed replies go on the channel (a chat, a thread), as the channel adapter gave it. */
  address?: Json;
  /**
   * Outbox items the host adds to the turn, written in its transaction (the event webhooks a turn sends: a turn
   * handled, a context finished): delivered after commit like pushed replies, in order per conversation and receiver.
   */
  notifications?: readonly TurnNotification[];
  state: ConversationState;
  replies: readonly Reply[];
  effects: readonly Effect[];
  /** False: the back-step history is as stored (not rewritten). */
  historyChanged: boolean;
  /** The state after the turn (focus, stacks, active stages, outcome), kept with its inbound line for tools. */
  after?: Json;
  /** `state.snapshot` and `state.history` as JSON text when the host has it already (must say the same). */
  json?: { snapshot: string; history?: string };
}

/** A turn computed from a copy of its conversation, and what that copy said (`ConversationStore.writeIfCurrent`). */
export interface CurrentTurnWrite {
  turn: TurnRecord;
  /** Every memory record the turn read, as it read it. */
  memoryRead: readonly MemoryRecord[];
}

/** A durable timer that came due, claimed by a transaction. */
export interface DueTimer {
  id: string;
  conversationId: string;
  key: string | null;
  runAt: Date;
  event: { type: string; [key: string]: unknown };
  /**
   * The user id that keys the conversation's user-scoped memory when its user is linked to another identity (absent:
   * not linked, its own). Read by the claim itself, so a timer's turn needs no second connection while it holds its
   * transaction (the embedded database runs one transaction at a time).
   */
  memoryUserId?: string;
}

export interface TranscriptEntry {
  seq: number;
  turn: number;
  direction: 'in' | 'out';
  kind: 'message' | 'event' | 'reply';
  text: string;
  messageId: string | null;
  event: Json | null;
  /** Inbound lines: the state after the turn (`TurnRecord.after`); null for replies and older lines. */
  state: Json | null;
  /** Reply lines: the answers the reply offered, when it offered some. */
  choices?: string[];
  at: Date;
}

/** An outbox item a host adds to a turn (`TurnRecord.notifications`). */
export interface TurnNotification {
  kind: 'webhook';
  /** The receiver (a webhook subscription's id). */
  target: string;
  payload: Json;
  /** Stable id receivers dedupe on (the same on every try). */
  messageId: string;
}

export interface OutboxEntry {
  id: string;
  turn: number;
  kind: 'reply' | 'call' | 'webhook';
  /** The channel (replies) or the service (calls). */
  target: string;
  payload: Json;
  /** Stable id receivers dedupe on. */
  messageId: string;
  status: string;
}
