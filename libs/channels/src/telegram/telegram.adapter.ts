import { timingSafeEqual } from 'node:crypto';
import type { ChannelAdapter, InboundAction, InboundRequest, OutboundMessage } from '../channel.adapter';
import { ChannelError } from '../channel.error';
import type { ChannelDeps } from '../settings/channel.plugin';
import { callTelegram } from './telegram.api';
import type { TelegramSettings } from './telegram.settings';

export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** sendMessage's limit on `text`; longer replies go out as several messages. */
export const TELEGRAM_MAX_TEXT = 4096;

/** Where a Telegram reply goes (`InboundTurn.address`). */
export interface TelegramAddress {
  chatId: number;
}

/** The parts of a Bot API `Update` Parley reads (https://core.telegram.org/bots/api#update). */
interface TelegramUpdate {
  update_id?: unknown;
  message?: TelegramMessage;
}

interface TelegramMessage {
  message_id?: number;
  from?: { id?: unknown; is_bot?: boolean };
  chat?: { id?: unknown; type?: string };
  text?: unknown;
}

/**
 * Telegram Bot API webhook (`POST /channels/telegram/:botId`).
 *
 * - verify: `X-Telegram-Bot-Api-Secret-Token` must equal the configured secret token (constant-time compare).
 * - parse: a `message` with text is a turn (`update_id` is the message id, so a redelivered update runs once; the
 *   sender's id is the user; the chat is the address). Any other message (sticker, photo, voice, …) is answered at once
 *   with the fallback text, as a `sendMessage` in the webhook's response (no turn runs). Other updates (edits, channel
 *   posts, …) and messages from bots are acknowledged and ignored.
 * - delivery 'push': the webhook is answered at once and each reply is a `sendMessage` from the outbox, so replies
 *   are retried (429 `retry_after` honoured) and a turn may send several; a reply's choices become a one-time reply
 *   keyboard (a press sends the choice's text back as an ordinary message).
 */
export class TelegramAdapter implements ChannelAdapter {
  readonly channel = 'telegram';
  private readonly secret: Buffer;

  constructor(
    readonly botId: string,
    private readonly settings: TelegramSettings,
    private readonly deps: Pick<ChannelDeps, 'fetch'>,
  ) {
    this.secret = Buffer.from(settings.secretToken, 'utf8');
  }

  verify(request: InboundRequest): void {
    const header = request.headers[TELEGRAM_SECRET_HEADER];
    const given = Buffer.from(typeof header === 'string' ? header : '', 'utf8');
    // Same length first: timingSafeEqual needs it, and the length of the secret is not a secret worth hiding.
    if (given.length !== this.secret.length || !timingSafeEqual(given, this.secret)) {
      throw new ChannelError(
        'SIGNATURE_INVALID',
        `${TELEGRAM_SECRET_HEADER} is missing or wrong: register the webhook with this bot's secret token (npm run telegram:webhook).`,
        { channel: this.channel },
      );
    }
  }

  parse(request: InboundRequest): InboundAction {
    const update = this.readUpdate(request.rawBody);
    const updateId = update.update_id;
    if (typeof updateId !== 'number' || !Number.isSafeInteger(updateId)) throw this.invalid("The update has no numeric 'update_id'.");
    const message = update.message;
    if (!message) return { kind: 'ignore', reason: 'not a new message (an edit, a channel post, a callback, …)' };
    const from = message.from?.id;
    const chat = message.chat?.id;
    if (typeof from !== 'number' || typeof chat !== 'number') throw this.invalid("The message has no numeric 'from.id' or 'chat.id'.");
    if (message.from?.is_bot) return { kind: 'ignore', reason: 'a message from a bot' };
    if (typeof message.text !== 'string' || message.text.trim() === '') {
      // Stickers, photos, voice notes, locations: the bot reads text only. Telegram takes a method call as the
      // webhook's answer, so the fallback costs no outbox item (and a redelivery just says it again).
      return {
        kind: 'ignore',
        reason: 'not a text message',
        response: { status: 200, body: { method: 'sendMessage', chat_id: chat, text: this.settings.fallbackText } },
      };
    }
    const address: TelegramAddress = { chatId: chat };
    // Opening a bot sends `/start` (with a deep-link parameter after a space, if any).
    const { startText } = this.settings;
    const text = startText !== undefined && /^\/start(@\w+)?(\s|$)/.test(message.text) ? startText : message.text;
    return {
      kind: 'turn',
      userId: String(from),
      messageId: String(updateId),
      input: { kind: 'message', text },
      delivery: 'push',
      address: { ...address },
    };
  }

  async deliver(message: OutboundMessage): Promise<void> {
    const chatId = chatIdOf(message);
    const { text, choices } = message.reply;
    const parts = split(text || ' ', TELEGRAM_MAX_TEXT);
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      // The keyboard goes with the last part; a reply without choices removes the one a previous question showed.
      const reply_markup =
        last && choices && choices.length > 0
          ? { keyboard: choices.map((choice) => [{ text: choice }]), one_time_keyboard: true, resize_keyboard: true }
          : { remove_keyboard: true };
      await callTelegram(this.settings, 'sendMessage', { chat_id: chatId, text: part, reply_markup }, this.deps.fetch);
    }
  }

  private readUpdate(raw: Buffer): TelegramUpdate {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ChannelError('INVALID_JSON', 'The body is not valid JSON.', { channel: this.channel });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.invalid('The body must be a Telegram Update object.');
    return value;
  }

  private invalid(message: string): ChannelError {
    return new ChannelError('INVALID_REQUEST', message, { channel: this.channel });
  }
}

/** The chat of the conversation's last message; a private chat's id is the user's id (a push before any message). */
function chatIdOf(message: OutboundMessage): number | string {
  const address = message.address;
  if (address && typeof address === 'object' && !Array.isArray(address) && typeof address.chatId === 'number') return address.chatId;
  return message.userId;
}

/** Cut text into pieces of at most `max` UTF-16 units, at a line break or space when there is one near the end. */
export function split(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = Math.max(rest.lastIndexOf('\n', max), rest.lastIndexOf(' ', max));
    if (cut < max / 2) cut = max;
    // Never cut a surrogate pair in two.
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  parts.push(rest);
  return parts;
}
