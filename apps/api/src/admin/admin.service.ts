import { randomUUID } from 'node:crypto';
import { describeConversation, scopeKey, type BotDefinition, type ConversationView, type Json } from '@parley/dialogue-core';
import { ConversationRepository, type TranscriptItem } from '@parley/persistence';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import type { TurnResponse, TurnService } from '../turns/turn.service';

export interface BotSummary {
  id: string;
  version: number;
  locale: string;
  home: string;
  contexts: string[];
  intents: string[];
}

export interface ConversationDetails {
  id: string;
  botId: string;
  channel: string;
  userId: string;
  botVersion: number;
  status: 'active' | 'ended';
  turns: number;
  createdAt: string;
  updatedAt: string;
  /** The engine's view: state tree, focus, sleeping/yielding/blocking stacks, pending question. Null before the first turn. */
  state: ConversationView | null;
  memory: { scope: string; name: string; data: Json; updatedAt: string }[];
  timers: { id: string; key: string | null; at: string; event: Json }[];
}

/** The admin API's use cases (reads go to the repository; events and resets are turns under the conversation lock). */
export class AdminService {
  private readonly conversations: ConversationRepository;
  /** Called after a reset commits (the Studio's live views listen). */
  onReset: (change: { conversationId: string; botId: string; turn: number }) => void = () => undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly turns: TurnService,
  ) {
    this.conversations = new ConversationRepository(runtime.db);
  }

  bots(): BotSummary[] {
    return this.runtime.bots.all().map((bot) => ({
      id: bot.id,
      version: bot.version,
      locale: bot.locale,
      home: bot.home,
      contexts: Object.keys(bot.contexts),
      intents: [...bot.intents],
    }));
  }

  async conversation(id: string): Promise<ConversationDetails> {
    const stored = await this.conversations.find(id);
    if (!stored) throw notFound(id);
    const bot = this.runtime.bots.find(stored.botId);
    // User-scoped memory as the conversation's turns see it: the linked identity's when the user is linked.
    const memoryUserId = bot ? await this.runtime.identities.memoryUserId(bot, { channel: stored.channel, userId: stored.userId }) : stored.userId;
    const memory = await this.conversations.memory(bot ? preloadScopes(bot, { id: stored.id, userId: memoryUserId }) : []);
    const view: Record<string, Json> = {};
    for (const record of memory) view[record.name] = record.data;
    const state =
      bot && stored.snapshot !== null
        ? describeConversation(
            bot,
            { bot: bot.id, version: stored.botVersion, snapshot: stored.snapshot, history: stored.history, turns: stored.turns },
            { conversationId: stored.id, userId: memoryUserId, memory: view, clock: this.runtime.clock },
          )
        : null;
    const timers = await this.conversations.pendingJobs(id);
    return {
      id: stored.id,
      botId: stored.botId,
      channel: stored.channel,
      userId: stored.userId,
      botVersion: stored.botVersion,
      status: stored.status,
      turns: stored.turns,
      createdAt: stored.createdAt.toISOString(),
      updatedAt: stored.updatedAt.toISOString(),
      state,
      memory: memory.map((m) => ({ ...m, updatedAt: m.updatedAt.toISOString() })),
      timers: timers.map((t) => ({ id: t.id, key: t.key, at: t.runAt.toISOString(), event: t.event })),
    };
  }

  async transcript(id: string, afterSeq?: number): Promise<{ items: (Omit<TranscriptItem, 'at'> & { at: string })[] }> {
    if (!(await this.conversations.find(id))) throw notFound(id);
    const items = await this.conversations.transcript(id, { afterSeq, limit: 10_000 });
    return { items: items.map((item) => ({ ...item, at: item.at.toISOString() })) };
  }

  async outbox(id: string): Promise<{ items: unknown[] }> {
    if (!(await this.conversations.find(id))) throw notFound(id);
    const rows = await this.conversations.outbox(id);
    return {
      items: rows.map((r) => ({
        id: r.id,
        turn: r.turn,
        kind: r.kind,
        target: r.target,
        payload: r.payload,
        messageId: r.messageId,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: r.createdAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        deadAt: r.deadAt?.toISOString() ?? null,
      })),
    };
  }

  /** An external event for the conversation: runs a turn now; its replies are pushed (transcript + outbox). */
  postEvent(id: string, event: { type: string; [key: string]: unknown }, messageId?: string): Promise<TurnResponse> {
    return this.turns.take({
      target: { kind: 'conversation', id },
      input: { kind: 'event', event },
      messageId: messageId ?? randomUUID(),
      dedupeChannel: 'admin.event',
      delivery: 'push',
    });
  }

  /**
   * A person gives a held conversation back to the bot: a turn (the stage's `onReturn`, then the pending question),
   * whose replies are pushed. 409 CONVERSATION_NOT_HELD when no human holds it.
   */
  returnFromHandoff(id: string): Promise<TurnResponse> {
    return this.turns.take({
      target: { kind: 'conversation', id },
      input: { kind: 'handoff.return' },
      messageId: randomUUID(),
      delivery: 'push',
    });
  }

  /** Forget the dialogue state (and conversation-scoped memory, and pending timers); the transcript stays. */
  async reset(id: string): Promise<{ conversationId: string; status: 'reset' }> {
    const reset = await this.runtime.store.transaction(async (tx) => {
      const locked = await tx.lockExisting(id);
      if (!locked) throw notFound(id);
      const bot = this.runtime.bots.find(locked.botId);
      await tx.reset(bot ? conversationScopes(bot, locked) : []);
      return { conversationId: id, botId: locked.botId, turn: locked.turns };
    });
    this.onReset(reset);
    // The reset moved the version on, so a cached copy would only be refused: drop it now.
    this.turns.forget(id);
    this.runtime.logger.info('conversation reset', { conversationId: id });
    return { conversationId: id, status: 'reset' };
  }
}

function notFound(id: string): ApiError {
  return new ApiError('CONVERSATION_NOT_FOUND', `No conversation '${id}'.`, { conversationId: id });
}

function preloadScopes(bot: BotDefinition, c: { id: string; userId: string }): string[] {
  const ids = { userId: c.userId, conversationId: c.id };
  const scopes = Object.entries(bot.catalog.declarations)
    .filter(([, d]) => d.scope === 'user' || d.scope === 'conversation')
    .map(([name]) => scopeKey(bot.catalog, name, ids));
  return [...new Set(scopes)];
}

function conversationScopes(bot: BotDefinition, c: { id: string; userId: string }): { scope: string; name: string }[] {
  const ids = { userId: c.userId, conversationId: c.id };
  return Object.entries(bot.catalog.declarations)
    .filter(([, d]) => d.scope === 'conversation')
    .map(([name]) => ({ scope: scopeKey(bot.catalog, name, ids), name }));
}
