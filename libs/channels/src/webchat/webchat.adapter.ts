import { randomUUID } from 'node:crypto';
import type { Reply } from '@parley/dialogue-core';
import type { ChannelAdapter, ChannelResponse, InboundAction, InboundRequest, InboundTurn, OutboundMessage } from '../channel.adapter';
import { ChannelError, type ChannelErrorCode } from '../channel.error';
import { MAX_ID_LENGTH, MAX_TEXT_LENGTH } from '../rest/rest.adapter';
import { bearerToken, verifyWebchatToken } from './webchat.token';

/** A message as the web chat page shows it: the bot's replies and, from the user's other tabs, what the user said. */
export interface WebchatMessage {
  /** The transcript's message id (`<inbound id>#<n>` for a reply): the page shows each id once. */
  messageId: string;
  from: 'bot' | 'user';
  text: string;
  choices?: string[];
}

/** The answer to `POST /channels/webchat/:botId`: the message's id and the bot's replies to it. */
export interface WebchatResponse {
  messageId: string;
  replies: WebchatMessage[];
}

/** Where a pushed message goes: the open pages of its conversation, on whichever instance holds them. */
export type WebchatPush = (conversationId: string, message: WebchatMessage) => Promise<void>;

const FIELDS = new Set(['text', 'messageId']);

/**
 * The web chat channel (docs/webchat.md). The page sends a message with `POST /channels/webchat/:botId`, the token
 * in `Authorization: Bearer …`, and gets the replies in the response (`delivery: 'response'`, so a typing indicator
 * can show while the turn runs). What the bot says later (a scheduled message, a `yield` result, an external event's
 * push) comes through the outbox to `deliver`, which hands it to the conversation's open pages.
 *
 * "Delivered" for the web chat: the transcript is the user's mailbox (the turn wrote the message there before the
 * outbox saw it), and `deliver` offers it to every open page of the user. A page that is open shows it at once; a page
 * opened later, or one that was reconnecting, reads it from the history. So a push to a user who closed the tab is
 * delivered, not retried and not dead-lettered: it waits in the transcript.
 */
export class WebchatChannelAdapter implements ChannelAdapter {
  readonly channel = 'webchat';

  constructor(
    private readonly secret: string,
    private readonly push: WebchatPush,
  ) {}

  verify(request: InboundRequest): void {
    this.userOf(request);
  }

  parse(request: InboundRequest): InboundAction {
    const userId = this.userOf(request);
    if (request.method !== 'POST') throw this.error('INVALID_REQUEST', 'Send a message with POST: {"text": "…"}.');
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw this.error('INVALID_JSON', 'The body is not valid JSON.');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw this.error('INVALID_REQUEST', 'The body must be a JSON object: {"text": "…"}.');
    }
    const record = body as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!FIELDS.has(key)) throw this.error('INVALID_REQUEST', `Unknown field '${key}'. Allowed: text, messageId.`, key);
    }
    const { text, messageId } = record;
    if (typeof text !== 'string' || text.trim().length === 0) throw this.error('INVALID_REQUEST', "'text' must be a non-empty string.", 'text');
    if (text.length > MAX_TEXT_LENGTH) {
      throw this.error('TEXT_TOO_LONG', `'text' is ${text.length} characters; the limit is ${MAX_TEXT_LENGTH}.`, 'text');
    }
    if (messageId !== undefined && (typeof messageId !== 'string' || !/^[\w.:-]{1,128}$/.test(messageId))) {
      throw this.error('INVALID_REQUEST', `'messageId' must be 1 to ${MAX_ID_LENGTH} letters, digits, '_', '-', '.' or ':'.`, 'messageId');
    }
    // The page sends an id per message, so that a resend after a lost connection is answered once.
    return { kind: 'turn', userId, messageId: messageId ?? randomUUID(), input: { kind: 'message', text }, delivery: 'response' };
  }

  respond(turn: InboundTurn, replies: readonly Reply[] | undefined): ChannelResponse {
    const body: WebchatResponse = { messageId: turn.messageId, replies: (replies ?? []).map((reply, i) => webchatMessage(replyId(turn.messageId, i), reply)) };
    return { status: 200, body: body as unknown as ChannelResponse['body'] };
  }

  async deliver(message: OutboundMessage): Promise<void> {
    await this.push(message.conversationId, webchatMessage(message.messageId, message.reply));
  }

  private userOf(request: InboundRequest): string {
    return verifyWebchatToken(this.secret, request.botId, bearerToken(request.headers.authorization));
  }

  private error(code: ChannelErrorCode, message: string, field?: string): ChannelError {
    return new ChannelError(code, message, { channel: this.channel, field });
  }
}

/** A bot reply as the page shows it. */
export function webchatMessage(messageId: string, reply: Reply): WebchatMessage {
  return { messageId, from: 'bot', text: reply.text, ...(reply.choices?.length ? { choices: [...reply.choices] } : {}) };
}

/** The id the transcript and the outbox give a turn's n-th reply (from 0 here): `<inbound message id>#<n + 1>`. */
export function replyId(messageId: string, index: number): string {
  return `${messageId}#${index + 1}`;
}
