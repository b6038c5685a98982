import {
  assertEventDeclared,
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
  type Services,
  type TurnInput,
  type TurnRecord,
  type TurnResult,
} from '@parley/dialogue-core';
import { memoryAddressKey, sameJson } from '@parley/persistence';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import { CachedMemory, ConversationCache, NeedsLock, type CachedConversation } from './conversation.cache';
import type { TurnCall, TurnDone, TurnResponse } from './turn.call';
import { turnRecord } from './turn.record';

export type { TurnCall, TurnDone, TurnResponse, TurnTarget } from './turn.call';

/** Conversations whose last state an instance keeps (about 1 KB each for the demo bots)… */
const CACHE_ENTRIES = 10_000;
/** …of which the most recent keep their live actor tree too (a few KB more each). */
const LIVE_TREES = 2_000;

/** What the turn service uses of the process's runtime. */
export type TurnHost = Pick<Runtime, 'store' | 'bots' | 'nlu' | 'clock' | 'services' | 'config' | 'logger' | 'metrics'>;

/**
 * The turn pipeline after validation: with the conversation locked, dedupe, state + memory, the engine (NLU inside),
 * every write at once, commit, then the response. Storage is the `ConversationStore` port.
 *
 * When this instance committed the conversation's previous turn, it first tries the one-round-trip path: the engine
 * runs on the cached state and the store writes the turn only if that state is still current
 * (`ConversationStore.writeIfCurrent`: version, the memory the turn read, the dedupe record). Any doubt (another
 * instance took a turn, the message is a redelivery, the turn calls a service or reads uncached memory, an error)
 * falls back to the locked path, so results are those of the locked path.
 */
export class TurnService {
  /** Called after a commit that wrote outbox items or timers, so the local workers can act at once. */
  onCommitted: (done: TurnDone) => void = () => undefined;
  readonly cache = new ConversationCache(CACHE_ENTRIES, LIVE_TREES);

  constructor(private readonly host: TurnHost) {}

  async take(call: TurnCall): Promise<TurnResponse> {
    const started = performance.now();
    // An event the bot does not handle is refused before any work (for a conversation by id, the turn refuses it).
    if (call.target.kind === 'user' && call.input.kind === 'event') assertEventDeclared(call.target.bot, call.input.event.type);
    if (call.target.kind === 'user') {
      // Taken out: one turn at a time continues from an entry (its objects and live tree are that turn's alone).
      const cached = this.cache.take(call.target.key.id);
      if (cached) {
        const done = await this.takeCached(cached, call.target.bot, call);
        if (done) {
          this.host.metrics.countCache('hit');
          this.finished(done, started);
          return done.response;
        }
        this.host.metrics.countCache('stale');
      } else this.host.metrics.countCache('miss');
    }
    const { target } = call;
    const done = await this.host.store.transaction(async (tx) => {
      if (target.kind === 'user') {
        const { bot, key } = target;
        const { conversation, loaded } = await tx.lockUser(key, bot.version, loadRequest(bot, key, call));
        return this.runWith(tx, conversation, bot, call, loaded);
      }
      const conversation = await tx.lockExisting(target.id);
      if (!conversation) throw new ApiError('CONVERSATION_NOT_FOUND', `No conversation '${target.id}'.`);
      return this.runLocked(tx, conversation, this.host.bots.get(conversation.botId), call);
    });
    this.finished(done, started);
    return done.response;
  }

  /** The turn proper, inside a transaction that holds the conversation lock (also used by the scheduler). */
  async runLocked(
    tx: ConversationTransaction,
    conversation: ConversationRecord,
    bot: BotDefinition,
    call: Omit<TurnCall, 'target'>,
  ): Promise<TurnDone> {
    return this.runWith(tx, conversation, bot, call, await tx.load(loadRequest(bot, conversation, call)));
  }

  private async runWith(
    tx: ConversationTransaction,
    conversation: ConversationRecord,
    bot: BotDefinition,
    call: Omit<TurnCall, 'target'>,
    loaded: LoadedTurn,
  ): Promise<TurnDone> {
    const state: ConversationState | null =
      conversation.snapshot === null
        ? null
        : {
            bot: bot.id,
            version: conversation.botVersion,
            snapshot: conversation.snapshot,
            history: loaded.history,
            turns: conversation.turns,
          };
    if (loaded.duplicate !== undefined) {
      const replies = loaded.duplicate.replies.map((text): Reply => ({ type: 'text', text }));
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
      // read under the lock, so that the next new message is served from the cache again.
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

    const result = await runTurn(
      bot,
      { conversationId: conversation.id, userId: conversation.userId, state, input: call.input },
      { memory: loaded.memory, nlu: this.host.nlu(bot.id), clock: this.host.clock, services: this.host.services },
      { timeLimitMs: this.host.config.turnTimeLimitMs },
    );
    const { record, texts } = turnRecord(conversation, call, result, loaded.history.length > 0);
    const written = await tx.commitTurn(record);
    this.remember(written, result, texts, loaded.preloaded);
    return this.done(bot, record, result);
  }

  /**
   * The one-round-trip turn from the cached state (see the class comment). Undefined when it must be taken under the
   * lock instead; nothing was written then.
   */
  private async takeCached(
    cached: CachedConversation,
    bot: BotDefinition,
    call: TurnCall,
  ): Promise<TurnDone | undefined> {
    const id = cached.conversation.id;
    try {
      if (cached.conversation.botId !== bot.id || cached.conversation.botVersion > bot.version) return undefined;
      const { state, texts, live } = cached;
      const conversation: ConversationRecord = { ...cached.conversation, snapshot: state.snapshot };
      const memory = new CachedMemory(cached.memory);
      // A service call may have effects outside the database: never make it in a turn that may be thrown away.
      let calledService = false;
      const services: Services = {};
      for (const name of Object.keys({ ...bot.services, ...this.host.services })) {
        services[name] = () => {
          calledService = true;
          return Promise.reject(new NeedsLock(`service ${name}`));
        };
      }
      const result = await runTurn(
        bot,
        { conversationId: id, userId: conversation.userId, state, input: call.input, live },
        { memory, nlu: this.host.nlu(bot.id), clock: this.host.clock, services },
        { timeLimitMs: this.host.config.turnTimeLimitMs },
      );
      if (calledService || memory.missed) return undefined;
      const { record, texts: nextTexts } = turnRecord(conversation, call, result, state.history.length > 0, texts);
      const written = await this.host.store.writeIfCurrent({ turn: record, memoryRead: cached.memory });
      if (!written) return undefined;
      this.remember(written, result, nextTexts, cached.memory);
      return this.done(bot, record, result);
    } catch (error) {
      // Nothing was committed, or (connection lost around the commit) the locked path finds the dedupe record.
      this.host.logger.warn('cached turn failed, taking it under the lock', {
        conversationId: id,
        err: String(error),
      });
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

/** Whether a redelivered message says what the first delivery said (text, or the same event). */
function sameInbound(input: TurnInput, first: { text: string; event: Json | null }): boolean {
  return input.kind === 'message'
    ? first.event === null && first.text === input.text
    : first.event !== null && sameJson(first.event, input.event as Json);
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
    prefetch: preloadAddresses(bot.catalog, { userId: conversation.userId, conversationId: conversation.id }).map(
      (p) => p.address,
    ),
  };
}
