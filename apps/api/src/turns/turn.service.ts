import {
  assertEventDeclared,
  inboundEvent,
  preloadAddresses,
  runTurn,
  type BotDefinition,
  type ConversationRecord,
  type ConversationState,
  type ConversationTransaction,
  type Json,
  type LoadedTurn,
  type MemoryAddress,
  type MemoryRecord,
  type Reply,
  type TurnInput,
  type TurnRecord,
  type TurnNotification,
  type TurnResult,
} from '@parley/dialogue-core';
import { asDatabaseUnavailable, memoryAddressKey, sameJson } from '@parley/persistence';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import { ConversationCache, CopyMemory, type CachedConversation } from './conversation.cache';
import { TurnMemo } from './turn.memo';
import type { TurnCall, TurnDone, TurnResponse } from './turn.call';
import { turnRecord } from './turn.record';

export type { PassiveClaim, TurnCall, TurnDone, TurnResponse, TurnTarget } from './turn.call';

/** Of the conversations an instance keeps (up to `CACHE_MAX_MB`), the most recent keep their live actor tree too. */
const LIVE_TREES = 2_000;

/** Tries of a turn from a copy before it is taken under the lock (each refused because another turn came first). */
const ATTEMPTS = 3;

/** A copy of a conversation a turn runs on: cached by this instance, or read. */
interface Copy {
  bot: BotDefinition;
  conversation: ConversationRecord;
  state: ConversationState | null;
  /** JSON texts of the state's parts already serialized (see `turnRecord`). */
  texts: ReadonlyMap<unknown, string>;
  live?: CachedConversation['live'];
  /** The prefetched memory records as the copy has them. */
  memory: MemoryRecord[];
}

/** A turn about to be written, as the host's `notifications` sees it. */
export interface TurnNotice {
  bot: BotDefinition;
  conversation: ConversationRecord;
  call: Omit<TurnCall, 'target'>;
  number: number;
  result: TurnResult;
}

/** What the turn service uses of the process's runtime. */
export type TurnHost = Pick<Runtime, 'store' | 'bots' | 'nlu' | 'clock' | 'services' | 'config' | 'logger' | 'metrics'> &
  Partial<Pick<Runtime, 'identities'>>;

/**
 * The turn pipeline after validation. Storage is the `ConversationStore` port.
 *
 * A turn is taken **from a copy** of its conversation: the state this instance committed last time (its cache), or
 * else a read that locks nothing. The engine runs on the copy (the NLU and services included) while no database
 * connection and no lock is held, and the store writes the turn only if the copy is still current
 * (`writeIfCurrent`: version, every memory record the turn read, the dedupe record); turns ready at the same moment
 * share one statement (group commit). If another turn moved the conversation on, nothing was written and the turn is
 * run again on a fresh read, with the answers the NLU and services gave the first time (`TurnMemo`): a slow service is
 * waited for once, by this turn alone. After `ATTEMPTS` refusals (a conversation this busy) the turn is taken **under
 * the lock**, which waits its turn; with the remembered answers the lock is held only for the engine's own work.
 * Timer turns (the scheduler) are taken under the lock.
 */
export class TurnService {
  /** Called after a commit that wrote outbox items or timers, so the local workers can act at once. */
  onCommitted: (done: TurnDone) => void = () => undefined;
  /**
   * Called when this instance caches a conversation as committed at `version`, so that the other workers of the
   * process group can drop their older copies (`cluster/cache.sync.ts`): their next turn of it reads instead of
   * running on a stale copy that the write would refuse.
   */
  onCached: (conversationId: string, version: number) => void = () => undefined;
  /** Outbox items the host adds to a turn, written in its transaction (event webhooks; set by the composition root). */
  notifications: (turn: TurnNotice) => TurnNotification[] = () => [];
  readonly cache: ConversationCache;

  constructor(private readonly host: TurnHost) {
    this.cache = new ConversationCache(host.config.cacheMaxMb * 1024 * 1024, LIVE_TREES);
  }

  async take(call: TurnCall): Promise<TurnResponse> {
    return (await this.run(call)).response;
  }

  /** `take`, with what the caller may need beyond the response: whether it was a redelivery, and the record written. */
  async run(given: TurnCall): Promise<TurnDone> {
    const started = performance.now();
    // An event the bot does not handle is refused before any work (for a conversation by id, the turn refuses it).
    if (given.target.kind === 'user' && given.input.kind === 'event') assertEventDeclared(given.target.bot, given.input.event.type);
    const call = await this.withMemoryUser(given);
    const memo = new TurnMemo(this.host.nlu, this.host.services, this.host.config.turnTimeLimitMs);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const done = await this.fromCopy(call, memo, attempt === 0);
      if (done) {
        this.finished(done, started);
        return done;
      }
    }
    const { target } = call;
    const done = await this.host.store.transaction(async (tx) => {
      if (target.kind === 'user') {
        const { bot, key } = target;
        const { conversation, loaded } = await tx.lockUser(key, bot.version, loadRequest(bot, key, call));
        return this.runWith(tx, conversation, bot, call, loaded, memo);
      }
      const conversation = await tx.lockExisting(target.id);
      if (!conversation) throw notFound(target.id);
      return this.runLocked(tx, conversation, this.host.bots.get(conversation.botId), call, memo);
    });
    this.finished(done, started);
    return done;
  }

  /** The turn proper, inside a transaction that holds the conversation lock (also used by the scheduler). */
  async runLocked(
    tx: ConversationTransaction,
    conversation: ConversationRecord,
    bot: BotDefinition,
    given: Omit<TurnCall, 'target'>,
    memo = new TurnMemo(this.host.nlu, this.host.services, this.host.config.turnTimeLimitMs),
  ): Promise<TurnDone> {
    // Callers that did not resolve the identity (the scheduler does, with its claim): the instance's cache or one read
    // on a connection of its own. Never inside a transaction on the embedded database, which runs one at a time.
    const call =
      given.memoryUserId !== undefined || !this.host.identities
        ? given
        : { ...given, memoryUserId: await this.host.identities.memoryUserId(bot, { channel: conversation.channel, userId: conversation.userId }) };
    return this.runWith(tx, conversation, bot, call, await tx.load(loadRequest(bot, conversation, call)), memo);
  }

  /**
   * The call with the user id that keys its user-scoped memory (identity links), resolved before any lock is taken so
   * that every memory address of the turn (its prefetch, its advisory locks in key order, its writes) uses that one id.
   */
  private async withMemoryUser(call: TurnCall): Promise<TurnCall> {
    const identities = this.host.identities;
    if (call.memoryUserId !== undefined || !identities) return call;
    const { target } = call;
    if (target.kind === 'user') {
      return { ...call, memoryUserId: await identities.memoryUserId(target.bot, { channel: target.key.channel, userId: target.key.userId }) };
    }
    const owner = await identities.ownerOf(target.id);
    if (!owner) return call;
    const bot = this.host.bots.find(owner.botId);
    return bot ? { ...call, memoryUserId: await identities.memoryUserId(bot, owner) } : call;
  }

  private async runWith(
    tx: ConversationTransaction,
    conversation: ConversationRecord,
    bot: BotDefinition,
    call: Omit<TurnCall, 'target'>,
    loaded: LoadedTurn,
    memo: TurnMemo,
  ): Promise<TurnDone> {
    const state = stateOf(bot, conversation, loaded.history);
    if (loaded.duplicate !== undefined) return this.duplicate(conversation, state, call, { ...loaded, duplicate: loaded.duplicate });
    const result = await runTurn(
      bot,
      { conversationId: conversation.id, userId: call.memoryUserId ?? conversation.userId, state, input: call.input },
      { memory: loaded.memory, nlu: memo.nlu(bot.id), clock: this.host.clock, services: memo.services },
      { timeLimitMs: this.host.config.turnTimeLimitMs },
    );
    const { record, texts } = turnRecord(conversation, call, result, loaded.history.length > 0);
    record.notifications = this.notifications({ bot, conversation, call, number: record.number, result });
    const written = await tx.commitTurn(record);
    this.remember(written, result, texts, loaded.preloaded);
    return this.done(bot, record, result);
  }

  /** A redelivered message: the replies its turn gave, again; no turn. */
  private duplicate(
    conversation: ConversationRecord,
    state: ConversationState | null,
    call: Omit<TurnCall, 'target'>,
    loaded: LoadedTurn & { duplicate: NonNullable<LoadedTurn['duplicate']> },
  ): TurnDone {
    const replies = loaded.duplicate.replies.map(({ text, choices }): Reply => ({ type: 'text', text, ...(choices ? { choices } : {}) }));
    if (!sameInbound(call.input, loaded.duplicate.inbound)) {
      // Redelivery contract: the first reply again. But a client that reuses ids for new messages loses them: say so.
      this.host.metrics.countError('MESSAGE_ID_CONFLICT');
      this.host.logger.warn('message id reused for a different message: answered with the first reply', {
        conversationId: conversation.id,
        messageId: call.messageId,
        channel: call.dedupeChannel,
      });
    }
    // The redelivery may have taken this conversation's cache entry (its cached try is refused): put back what was
    // read, so that the next new message is served from the cache again.
    if (state) {
      this.cache.set(conversation.id, {
        conversation: withoutSnapshot(conversation),
        state,
        texts: new Map(),
        memory: loaded.preloaded,
      });
    }
    return { response: { conversationId: conversation.id, messageId: call.messageId, replies }, duplicate: true };
  }

  /**
   * One attempt from a copy (see the class comment): the cached state on the first attempt when there is one, else a
   * read. Undefined when the copy was stale (nothing was written): try again.
   */
  private async fromCopy(call: TurnCall, memo: TurnMemo, useCache: boolean): Promise<TurnDone | undefined> {
    const { target } = call;
    let cached: CachedConversation | undefined;
    if (useCache && target.kind === 'user') {
      // Taken out: one turn at a time continues from an entry (its objects and live tree are that turn's alone).
      cached = this.cache.take(target.key.id);
      if (cached && (cached.conversation.botId !== target.bot.id || cached.conversation.botVersion > target.bot.version)) {
        cached = undefined;
      }
      if (!cached) this.host.metrics.countCache('miss');
    }
    let copy: Copy;
    if (cached) {
      const conversation: ConversationRecord = { ...cached.conversation, snapshot: cached.state.snapshot };
      copy = { bot: (target as { bot: BotDefinition }).bot, conversation, state: cached.state, texts: cached.texts, live: cached.live, memory: cached.memory };
    } else {
      const read = await this.host.store.read(
        target.kind === 'user' ? { key: target.key, botVersion: target.bot.version } : { id: target.id },
        (who) => loadRequest(target.kind === 'user' ? target.bot : this.host.bots.get(who.botId), who, call),
      );
      if (!read) throw notFound(target.kind === 'conversation' ? target.id : target.key.id);
      const bot = target.kind === 'user' ? target.bot : this.host.bots.get(read.conversation.botId);
      const state = stateOf(bot, read.conversation, read.loaded.history);
      if (read.loaded.duplicate !== undefined) {
        return this.duplicate(read.conversation, state, call, { ...read.loaded, duplicate: read.loaded.duplicate });
      }
      copy = { bot, conversation: read.conversation, state, texts: new Map(), memory: read.loaded.preloaded };
    }

    const { bot, conversation, state } = copy;
    const memory = new CopyMemory(copy.memory, this.host.store);
    let result: TurnResult;
    try {
      result = await runTurn(
        bot,
        { conversationId: conversation.id, userId: call.memoryUserId ?? conversation.userId, state, input: call.input, live: copy.live },
        { memory, nlu: memo.nlu(bot.id), clock: this.host.clock, services: memo.services },
        { timeLimitMs: this.host.config.turnTimeLimitMs },
      );
    } catch (error) {
      // From a read, the error is the turn's own. From the cache (a live tree), try once more from a read.
      if (!cached) throw error;
      this.host.logger.warn('turn from the cached state failed, reading it again', { conversationId: conversation.id, err: String(error) });
      this.host.metrics.countCache('stale');
      return undefined;
    }
    const { record, texts } = turnRecord(conversation, call, result, (state?.history.length ?? 0) > 0, copy.texts);
    record.notifications = this.notifications({ bot, conversation, call, number: record.number, result });
    const written = await this.writeIfCurrent(record, memory);
    if (cached) this.host.metrics.countCache(written ? 'hit' : 'stale');
    if (!written) return undefined;
    this.remember(written, result, texts, copy.memory);
    return this.done(bot, record, result);
  }

  /** The write of a turn from a copy: the conversation as written, or undefined when the copy was stale. */
  private async writeIfCurrent(record: TurnRecord, memory: CopyMemory): Promise<ConversationRecord | undefined> {
    try {
      return await this.host.store.writeIfCurrent({ turn: record, memoryRead: memory.records() });
    } catch (error) {
      // The database is away: say so (503). Any other failure of the statement (it failed for its whole batch, say a
      // deadlock) wrote nothing: this turn is tried again.
      const unavailable = asDatabaseUnavailable(error);
      if (unavailable) throw unavailable;
      this.host.logger.warn('turn write failed, trying again', { conversationId: record.conversation.id, err: String(error) });
      return undefined;
    }
  }

  private done(bot: BotDefinition, record: TurnRecord, result: TurnResult): TurnDone {
    return {
      response: { conversationId: record.conversation.id, messageId: record.messageId, replies: result.replies },
      duplicate: false,
      turn: { bot, number: record.number, result, record },
    };
  }

  /** After a commit: what the next turn of this conversation on this instance can start from. */
  private remember(
    conversation: ConversationRecord,
    result: TurnResult,
    texts: Map<unknown, string>,
    preloaded: readonly MemoryRecord[],
  ): void {
    const written = new Map<string, Json>();
    for (const effect of result.effects) {
      if (effect.type === 'memory.write') written.set(memoryAddressKey(effect), effect.data);
    }
    this.onCached(conversation.id, conversation.version);
    this.cache.set(conversation.id, {
      conversation: withoutSnapshot(conversation),
      state: result.state,
      texts,
      live: result.live,
      memory: preloaded.map((m) => {
        // What this turn wrote (a copy: the write keeps its own), else what it read.
        const data = written.get(memoryAddressKey(m));
        return {
          scope: m.scope,
          name: m.name,
          data: data !== undefined ? (JSON.parse(JSON.stringify(data)) as Json) : m.data,
        };
      }),
    });
  }

  /** Drop this instance's copy of a conversation changed outside a turn (admin reset). */
  forget(conversationId: string): void {
    this.cache.delete(conversationId);
  }

  /** Another worker committed the conversation at `version`: drop this instance's copy if it is older. */
  forgetOlder(conversationId: string, version: number): void {
    const cached = this.cache.versionOf(conversationId);
    if (cached !== undefined && cached < version) this.cache.delete(conversationId);
  }

  /** After COMMIT: metrics, the structured log line, and a nudge for the local outbox and timer workers. */
  finished(done: TurnDone, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    const { logger, metrics } = this.host;
    if (!done.turn) {
      metrics.countDuplicate();
      logger.info('duplicate message', {
        conversationId: done.response.conversationId,
        messageId: done.response.messageId,
      });
      return;
    }
    const { bot, number, result } = done.turn;
    metrics.countTurn(bot.id, result.outcome, seconds);
    // What failed inside the turn became a failure escape the user was told about; the operator is told here.
    for (const problem of result.problems) {
      metrics.countError(problem.code);
      logger.error('turn problem', { conversationId: done.response.conversationId, bot: `${bot.id}@${bot.version}`, ...problem });
    }
    if (logger.enabled('info')) {
      logger.info('turn', {
        conversationId: done.response.conversationId,
        messageId: done.response.messageId,
        bot: `${bot.id}@${bot.version}`,
        turn: number,
        outcome: result.outcome,
        intent: result.understanding?.intent ?? undefined,
        focus: result.threads.focus,
        replies: result.replies.length,
        reset: result.reset?.reason,
        durationMs: Math.round(seconds * 100_000) / 100,
      });
    }
    this.onCommitted(done);
  }
}

function notFound(id: string): ApiError {
  return new ApiError('CONVERSATION_NOT_FOUND', `No conversation '${id}'.`, { conversationId: id });
}

/** The engine's view of a stored conversation (null before its first turn). */
function stateOf(bot: BotDefinition, conversation: ConversationRecord, history: Json[]): ConversationState | null {
  if (conversation.snapshot === null) return null;
  return { bot: bot.id, version: conversation.botVersion, snapshot: conversation.snapshot, history, turns: conversation.turns };
}

/** Whether a redelivered message says what the first delivery said (text, or the same event). */
function sameInbound(input: TurnInput, first: { text: string; event: Json | null }): boolean {
  if (input.kind === 'message') return first.event === null && first.text === input.text;
  return first.event !== null && sameJson(first.event, inboundEvent(input));
}

function withoutSnapshot(conversation: ConversationRecord): CachedConversation['conversation'] {
  const { snapshot: _cached, ...row } = conversation;
  return row;
}

/** What a locked turn loads: the dedupe record, and the memory the engine reads synchronously (user, conversation). */
function loadRequest(
  bot: BotDefinition,
  conversation: { id: string; userId: string },
  call: Omit<TurnCall, 'target'>,
): { dedupe?: { channel: string; messageId: string }; prefetch: MemoryAddress[] } {
  return {
    dedupe: call.dedupeChannel ? { channel: call.dedupeChannel, messageId: call.messageId } : undefined,
    prefetch: preloadAddresses(bot.catalog, { userId: call.memoryUserId ?? conversation.userId, conversationId: conversation.id }).map(
      (p) => p.address,
    ),
  };
}
