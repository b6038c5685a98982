import {
  ChannelError,
  newWebchatUserId,
  replyId,
  signWebchatToken,
  verifyWebchatToken,
  bearerToken,
  webchatMessage,
  type WebchatMessage,
} from '@parley/channels';
import type { BotDefinition } from '@parley/dialogue-core';
import { conversationIdFor, ConversationRepository } from '@parley/persistence';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import type { StoredTurnState } from '../turns/turn.record';
import type { TurnDone } from '../turns/turn.service';
import type { WebchatHub } from './webchat.hub';

export const WEBCHAT = 'webchat';
/** Lines of the transcript a page opens with. */
const HISTORY_LINES = 200;

/** A message of the page's history: a transcript line, with its number. */
export type HistoryMessage = WebchatMessage & { seq: number };

/** The web chat's sessions (signed tokens), histories and live pages (docs/webchat.md). */
export class WebchatService {
  private readonly conversations: ConversationRepository;

  constructor(
    private readonly runtime: Runtime,
    readonly hub: WebchatHub,
    private readonly secret: string,
  ) {
    this.conversations = new ConversationRepository(runtime.db);
  }

  /** A bot that has a web chat: `BOT_NOT_FOUND` for an unknown one, `ROUTE_NOT_FOUND` for one without. */
  bot(botId: string): BotDefinition {
    const bot = this.runtime.bots.get(botId);
    if (!this.runtime.channels.get(bot.id, WEBCHAT)) {
      throw new ApiError('ROUTE_NOT_FOUND', `The bot '${bot.id}' has no web chat (see WEBCHAT_BOTS in docs/webchat.md).`);
    }
    return bot;
  }

  /** A new user: a fresh random id and its token. Nothing is stored until the user says something. */
  session(bot: BotDefinition): { token: string; conversationId: string } {
    const userId = newWebchatUserId();
    return { token: signWebchatToken(this.secret, bot.id, userId), conversationId: conversationIdFor(bot.id, WEBCHAT, userId) };
  }

  /** The conversation an `Authorization: Bearer <token>` header names (401 `SIGNATURE_INVALID` otherwise). */
  conversationOf(bot: BotDefinition, authorization: string | string[] | undefined): string {
    const userId = verifyWebchatToken(this.secret, bot.id, bearerToken(authorization));
    return conversationIdFor(bot.id, WEBCHAT, userId);
  }

  /** What the page shows of the transcript: the user's messages and the bot's replies (the last lines, or after `after`). */
  async history(conversationId: string, after: string | undefined): Promise<HistoryMessage[]> {
    let lines;
    if (after === undefined) lines = await this.conversations.recentTranscript(conversationId, HISTORY_LINES);
    else {
      if (!/^\d{1,9}$/.test(after)) throw new ChannelError('INVALID_REQUEST', "'after' must be a transcript line number.", { channel: WEBCHAT, field: 'after' });
      lines = await this.conversations.transcript(conversationId, { afterSeq: Number(after), limit: 1000 });
    }
    const messages: HistoryMessage[] = [];
    // The choices a turn's question offered are kept with its inbound line's after-state: they go with the turn's
    // last reply, so that a reloaded page shows the buttons again.
    const choicesOf = new Map<number, string[]>();
    const lastReplyOf = new Map<number, HistoryMessage>();
    for (const line of lines) {
      if (line.direction === 'in') {
        const choices = (line.state as StoredTurnState | null)?.choices;
        if (Array.isArray(choices) && choices.every((c) => typeof c === 'string')) choicesOf.set(line.turn, choices);
      }
      if (line.kind === 'event' || !line.messageId) continue;
      const message: HistoryMessage = { seq: line.seq, messageId: line.messageId, from: line.direction === 'in' ? 'user' : 'bot', text: line.text };
      messages.push(message);
      if (message.from === 'bot') lastReplyOf.set(line.turn, message);
    }
    for (const [turn, message] of lastReplyOf) {
      const choices = choicesOf.get(turn);
      if (choices?.length) message.choices = choices;
    }
    return messages;
  }

  /**
   * After a committed turn: a web chat message answered in its response is also shown on the user's other pages (a
   * second tab). Pushed replies are not: they come through the outbox (`deliver`).
   */
  committed(done: TurnDone): void {
    const record = done.turn?.record;
    if (!record || record.conversation.channel !== WEBCHAT || record.pushReplies || record.input.kind !== 'message') return;
    const messages: WebchatMessage[] = [
      { messageId: record.messageId, from: 'user', text: record.input.text },
      ...record.replies.map((reply, i) => webchatMessage(replyId(record.messageId, i), reply)),
    ];
    this.hub.publish(record.conversation.id, messages);
  }
}
