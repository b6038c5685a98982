import {
  assertEventDeclared,
  preloadAddresses,
  runTurn,
  type BotDefinition,
  type ConversationState,
  type Json,
  type Services,
  type MemoryAddress,
  type Reply,
  type TurnInput,
  type TurnResult,
} from '@parley/dialogue-core';
import {
  memoryAddressKey,
  TurnStore,
  type ConversationKey,
  type LockedConversation,
  type MemoryRow,
  type TurnContext,
  type TurnTransaction,
  type TurnWrite,
} from '@parley/persistence';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import { CachedMemory, ConversationCache, NeedsLock, type CachedConversation } from './conversation.cache';

/** Conversations whose last state an instance keeps (about 1 KB each for the demo bots)… */
const CACHE_ENTRIES = 10_000;
/** …of which the most recent keep their live actor tree too (a few KB more each). */
const LIVE_TREES = 2_000;

/** Where a turn goes: the conversation of a user on a channel (created on first contact) or an existing one by id. */
export type TurnTarget =
  { kind: 'user'; bot: BotDefinition; key: ConversationKey } | { kind: 'conversation'; id: string };

export interface TurnCall {
  target: TurnTarget;
  input: TurnInput;
  messageId: string;
  /** Dedupe redeliveries of `messageId` on this channel (absent for scheduled jobs, which dedupe by deletion). */
  dedupeChannel?: string;
  /** `response`: replies go back in the HTTP response. `push`: they are pushed through the outbox (events, timers). */
  delivery: 'response' | 'push';
}

/** The response of a turn, stored with the dedupe record and returned again, byte for byte, on redelivery. */
export interface TurnResponse {
  conversationId: string;
  messageId: string;
  replies: Reply[];
}

export interface TurnDone {
  response: TurnResponse;
  duplicate: boolean;
  /** Set when a turn ran (not for duplicates). */
  turn?: { bot: BotDefinition; number: number; result: TurnResult; write: TurnWrite };
}

/**
 * The turn pipeline of DESIGN.md §4, after validation: one transaction with the conversation row locked, dedupe,
 * state + memory, the engine (NLU inside), every write in one statement, COMMIT, then the response.
 *
 * When this instance committed the conversation's previous turn, it first tries the one-round-trip path: the engine
 * runs on the cached state and the turn is written by one statement that checks, atomically, that the conversation's
 * version, the memory the turn read and the dedupe record are as the cache says (else it writes nothing); turns that
 * are ready at the same time share that statement (group commit, `GroupWriter`). Any doubt
 * (another instance took a turn, the message is a redelivery, the turn calls a service or reads uncached memory, an
 * error) falls back to the locked path, so results are those of the locked path.
 */
export class TurnService {
  readonly store: TurnStore;
  /** Called after a commit that wrote outbox items or timers, so the local workers can act at once. */
  onCommitted: (done: TurnDone) => void = () => undefined;
  readonly cache: ConversationCache;

  constructor(private readonly runtime: Runtime) {
    this.store = new TurnStore(runtime.db);
    this.cache = new ConversationCache(CACHE_ENTRIES, LIVE_TREES);
  }

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
          this.runtime.metrics.countCache('hit');
          this.finished(done, started);
          return done.response;
        }
        this.runtime.metrics.countCache('stale');
      } else this.runtime.metrics.countCache('miss');
    }
    const done = await this.store.run(async (tx) => {
      const dedupe = call.dedupeChannel ? { channel: call.dedupeChannel, messageId: call.messageId } : undefined;
      if (call.target.kind === 'user') {
        const { bot, key } = call.target;
        const { locked, context } = await tx.lockAndLoad(key, bot.version, dedupe, memoryFor(bot, key));
        return this.runWith(tx, locked, bot, call, context);
      }
      const locked = await tx.lockExisting(call.target.id);
      if (!locked) throw new ApiError('CONVERSATION_NOT_FOUND', `No conversation '${call.target.id}'.`);
      return this.runLocked(tx, locked, this.runtime.bots.get(locked.botId), call);
    });
    this.finished(done, started);
    return done.response;
  }

  /** The turn proper, inside a transaction that holds the conversation lock (also used by the scheduler). */
  async runLocked(
    tx: TurnTransaction,
    locked: LockedConversation,
    bot: BotDefinition,
    call: Omit<TurnCall, 'target'>,
  ): Promise<TurnDone> {
    const dedupe = call.dedupeChannel ? { channel: call.dedupeChannel, messageId: call.messageId } : undefined;
    return this.runWith(tx, locked, bot, call, await tx.load(dedupe, memoryFor(bot, locked)));
  }

  private async runWith(
    tx: TurnTransaction,
    locked: LockedConversation,
    bot: BotDefinition,
    call: Omit<TurnCall, 'target'>,
    context: TurnContext,
  ): Promise<TurnDone> {
    const state: ConversationState | null =
      locked.snapshot === null
        ? null
        : {
            bot: bot.id,
            version: locked.botVersion,
            snapshot: locked.snapshot,
            history: context.history,
            turns: locked.turns,
          };
    if (context.duplicate !== undefined) {
      const replies = context.duplicate.replies.map((text): Reply => ({ type: 'text', text }));
      // The redelivery may have taken this conversation's cache entry (its cached try is refused): put back what was
      // read under the lock, so that the next new message is served from the cache again.
      if (state) {
        this.cache.set(locked.id, {
          conversation: withoutSnapshot(locked),
          state,
          texts: new Map(),
          memory: context.preloaded,
        });
      }
      return { response: { conversationId: locked.id, messageId: call.messageId, replies }, duplicate: true };
    }

    const result = await runTurn(
      bot,
      { conversationId: locked.id, userId: locked.userId, state, input: call.input },
      {
        memory: context.memory,
        nlu: this.runtime.nlu(bot.id),
        clock: this.runtime.clock,
        services: this.runtime.services,
      },
      { timeLimitMs: this.runtime.config.turnTimeLimitMs },
    );
    const number = locked.turns + 1;
    const response: TurnResponse = { conversationId: locked.id, messageId: call.messageId, replies: result.replies };
    const write = toWrite(locked, number, call, result, context.history.length > 0);
    const texts = serialize(write, result, new Map());
    await tx.write(write, { commit: true });
    this.remember(tx.conversation!, write, result, texts, context.preloaded);
    return { response, duplicate: false, turn: { bot, number, result, write } };
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
      const locked: LockedConversation = { ...cached.conversation, snapshot: state.snapshot };
      const memory = new CachedMemory(cached.memory);
      // A service call may have effects outside the database: never make it in a turn that may be thrown away.
      let calledService = false;
      const services: Services = {};
      for (const name of Object.keys({ ...bot.services, ...this.runtime.services })) {
        services[name] = () => {
          calledService = true;
          return Promise.reject(new NeedsLock(`service ${name}`));
        };
      }
      const result = await runTurn(
        bot,
        { conversationId: id, userId: locked.userId, state, input: call.input, live },
        { memory, nlu: this.runtime.nlu(bot.id), clock: this.runtime.clock, services },
        { timeLimitMs: this.runtime.config.turnTimeLimitMs },
      );
      if (calledService || memory.missed) return undefined;
      const number = locked.turns + 1;
      const response: TurnResponse = { conversationId: id, messageId: call.messageId, replies: result.replies };
      const write = toWrite(locked, number, call, result, state.history.length > 0);
      const nextTexts = serialize(write, result, texts);
      const written = await this.store.writeCurrent({
        base: locked,
        turn: write,
        expect: { version: locked.version, memory: cached.memory },
      });
      if (!written) return undefined;
      this.remember(written, write, result, nextTexts, cached.memory);
      return { response, duplicate: false, turn: { bot, number, result, write } };
    } catch (error) {
      // Nothing was committed, or (connection lost around the commit) the locked path finds the dedupe record.
      this.runtime.logger.warn('cached turn failed, taking it under the lock', {
        conversationId: id,
        err: String(error),
      });
      return undefined;
    }
  }

  /** After a commit: what the next turn of this conversation on this instance can start from. */
  private remember(
    conversation: LockedConversation,
    write: TurnWrite,
    result: TurnResult,
    texts: Map<unknown, string>,
    preloaded: readonly MemoryRow[],
  ): void {
    const written = new Map(write.memory.map((m) => [memoryAddressKey(m), m.data]));
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
    const { logger, metrics } = this.runtime;
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

function withoutSnapshot(conversation: LockedConversation): CachedConversation['conversation'] {
  const { snapshot: _cached, ...row } = conversation;
  return row;
}

/** The user- and conversation-scoped memory the engine reads synchronously, fetched with the lock. */
function memoryFor(bot: BotDefinition, conversation: { id: string; userId: string }): MemoryAddress[] {
  return preloadAddresses(bot.catalog, { userId: conversation.userId, conversationId: conversation.id }).map(
    (p) => p.address,
  );
}

/**
 * Set `write.json`, the JSON text of the turn's snapshot and history, serializing each object once: what the engine
 * handed back unchanged (an earlier step, the previous snapshot) is one of `known`'s objects, whose text is reused.
 * Returns the texts of the new state's snapshot and steps, by object, for the next turn.
 */
function serialize(write: TurnWrite, result: TurnResult, known: ReadonlyMap<unknown, string>): Map<unknown, string> {
  const texts = new Map<unknown, string>();
  const text = (value: unknown) => known.get(value) ?? texts.get(value) ?? JSON.stringify(value);
  texts.set(result.state.snapshot, text(result.state.snapshot));
  for (const step of result.state.history) texts.set(step, text(step));
  write.json = {
    snapshot: texts.get(write.snapshot) ?? JSON.stringify(write.snapshot),
    history: write.history && `[${write.history.map((step) => texts.get(step) ?? JSON.stringify(step)).join(',')}]`,
  };
  return texts;
}

function toWrite(
  locked: LockedConversation,
  number: number,
  call: Omit<TurnCall, 'target'>,
  result: TurnResult,
  hadHistory: boolean,
): TurnWrite {
  const { input, messageId } = call;
  const inbound =
    input.kind === 'message'
      ? { direction: 'in' as const, kind: 'message' as const, text: input.text, messageId, channel: call.dedupeChannel }
      : {
          direction: 'in' as const,
          kind: 'event' as const,
          text: input.event.type,
          messageId,
          event: input.event as Json,
          channel: call.dedupeChannel,
        };
  const outLines = result.replies.map((reply, i) => ({
    direction: 'out' as const,
    kind: 'reply' as const,
    text: reply.text,
    messageId: `${messageId}#${i + 1}`,
  }));
  const write: TurnWrite = {
    botVersion: result.state.version,
    snapshot: result.state.snapshot,
    turns: number,
    status: (result.state.snapshot as { status?: string } | null)?.status === 'done' ? 'ended' : 'active',
    // A turn that was not understood leaves the back-step history as it was: no need to rewrite it.
    history:
      result.outcome === 'notUnderstood' && !result.reset
        ? undefined
        : result.state.history.length || hadHistory
          ? result.state.history
          : undefined,
    transcript: [inbound, ...outLines],
    memory: [],
    outbox: [],
    schedules: [],
  };
  let calls = 0;
  for (const effect of result.effects) {
    if (effect.type === 'memory.write')
      write.memory.push({ scope: effect.scope, name: effect.name, data: effect.data });
    else if (effect.type === 'schedule')
      write.schedules.push({ at: effect.at, event: effect.event as Json, key: effect.key });
    else
      write.outbox.push({
        kind: 'call',
        target: effect.service,
        payload: effect.input,
        messageId: `${locked.id}/${number}/call/${++calls}`,
      });
  }
  if (call.delivery === 'push') {
    result.replies.forEach((reply, i) =>
      write.outbox.push({
        kind: 'reply',
        target: locked.channel,
        payload: { type: 'text', text: reply.text },
        messageId: `${messageId}#${i + 1}`,
      }),
    );
  }
  return write;
}
