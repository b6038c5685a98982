import { randomUUID } from 'node:crypto';
import { ChannelError } from '../channel.error';
import { describeJsonProblem, jsonProblem } from './json.checks';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_ID_LENGTH = 128;
/** External event types: letters, digits, '.', '-', '_' (what the engine accepts as `ext.<type>`). */
export const EVENT_TYPE = /^[A-Za-z][\w.-]{0,127}$/;

/** A validated inbound REST message: a user utterance or an event from the user's client. */
export interface RestInbound {
  userId: string;
  /** The client's id, or a generated one (then redelivery cannot be recognised). */
  messageId: string;
  messageIdGenerated: boolean;
  /** Where this conversation's pushed replies go from now on (`callbackUrl`: an http(s) URL). */
  callbackUrl?: string;
  input: { kind: 'message'; text: string } | { kind: 'event'; event: { type: string; [key: string]: unknown } };
}

export interface RestReply {
  type: 'text';
  text: string;
  /** The answers the reply offers (`ask({ choices })`), for a client that shows buttons; absent when none. */
  choices?: string[];
}

/** The response body of `POST /channels/rest/:botId` (docs/design.md, the HTTP contract). */
export interface RestResponse {
  conversationId: string;
  messageId: string;
  replies: RestReply[];
}

const FIELDS = new Set(['userId', 'messageId', 'text', 'event', 'callbackUrl']);

/** Longest accepted callback URL. */
export const MAX_URL_LENGTH = 2048;

/**
 * The generic REST channel: validates `{ userId, messageId?, text | event }` and formats the response.
 * Plain class: no HTTP framework, so it is unit-tested alone and reused by any host.
 *
 * @example
 * const inbound = new RestChannelAdapter().parseInbound('application/json', { userId: 'u1', text: 'hi' });
 */
export class RestChannelAdapter {
  readonly channel = 'rest';

  /** `body` is what the HTTP layer parsed (an object for JSON; a string or buffer for other content types). */
  parseInbound(contentType: string | undefined, body: unknown): RestInbound {
    if (!isJson(contentType)) {
      throw this.error('UNSUPPORTED_MEDIA_TYPE', `Send the message as application/json (got ${contentType ? JSON.stringify(contentType) : 'no content type'}).`);
    }
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw this.error('INVALID_REQUEST', 'The body must be a JSON object: {"userId": "...", "text": "..."}.');
    }
    const record = body as Record<string, unknown>;
    // First, and without recursion: nothing below may walk a value nested thousands deep.
    const problem = jsonProblem(record, '');
    if (problem) throw this.error('INVALID_REQUEST', describeJsonProblem(problem), fieldOf(problem.path));
    for (const key of Object.keys(record)) {
      if (!FIELDS.has(key)) throw this.error('INVALID_REQUEST', `Unknown field '${key}'. Allowed: userId, messageId, text, event, callbackUrl.`, key);
    }
    const userId = record.userId;
    if (typeof userId !== 'string' || userId.length < 1 || userId.length > MAX_ID_LENGTH) {
      throw this.error('INVALID_REQUEST', `'userId' must be a string of 1 to ${MAX_ID_LENGTH} characters.`, 'userId');
    }
    const messageId = record.messageId;
    if (messageId !== undefined && (typeof messageId !== 'string' || messageId.length < 1 || messageId.length > MAX_ID_LENGTH)) {
      throw this.error('INVALID_REQUEST', `'messageId' must be a string of 1 to ${MAX_ID_LENGTH} characters.`, 'messageId');
    }
    const id = messageId ?? randomUUID();
    const callbackUrl = record.callbackUrl === undefined ? undefined : parseCallbackUrl(record.callbackUrl, this.channel, 'callbackUrl');
    const common = { userId, messageId: id, messageIdGenerated: messageId === undefined, ...(callbackUrl ? { callbackUrl } : {}) };
    const { text, event } = record;
    if ((text === undefined) === (event === undefined)) {
      throw this.error('INVALID_REQUEST', "Send exactly one of 'text' or 'event'.", text === undefined ? 'text' : 'event');
    }
    if (text !== undefined) {
      if (typeof text !== 'string' || text.trim().length === 0) {
        throw this.error('INVALID_REQUEST', "'text' must be a non-empty string.", 'text');
      }
      if (text.length > MAX_TEXT_LENGTH) {
        throw this.error('TEXT_TOO_LONG', `'text' is ${text.length} characters; the limit is ${MAX_TEXT_LENGTH}.`, 'text');
      }
      return { ...common, input: { kind: 'message', text } };
    }
    return { ...common, input: { kind: 'event', event: parseEvent(event, this.channel) } };
  }

  formatOutbound(
    conversationId: string,
    messageId: string,
    replies: readonly { type: 'text'; text: string; choices?: readonly string[] }[],
  ): RestResponse {
    return {
      conversationId,
      messageId,
      replies: replies.map((r) => ({ type: 'text', text: r.text, ...(r.choices?.length ? { choices: [...r.choices] } : {}) })),
    };
  }

  private error(code: ConstructorParameters<typeof ChannelError>[0], message: string, field?: string): ChannelError {
    return new ChannelError(code, message, { channel: this.channel, field });
  }
}

/** Validate an external event object `{ type, ...payload }` (also used by the admin API). */
export function parseEvent(event: unknown, channel: string): { type: string; [key: string]: unknown } {
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw new ChannelError('INVALID_REQUEST', "'event' must be an object with a 'type'.", { channel, field: 'event' });
  }
  const type = (event as { type?: unknown }).type;
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
    throw new ChannelError(
      'INVALID_REQUEST',
      "'event.type' must be a string of letters, digits, '.', '-' or '_' (at most 128, starting with a letter).",
      { channel, field: 'event.type' },
    );
  }
  const problem = jsonProblem(event, 'event');
  if (problem) throw new ChannelError('INVALID_REQUEST', describeJsonProblem(problem), { channel, field: fieldOf(problem.path) });
  return event as { type: string; [key: string]: unknown };
}

/** An http(s) URL to POST to (a REST callback, a webhook), at most `MAX_URL_LENGTH` characters, without credentials. */
export function parseCallbackUrl(value: unknown, channel: string, field: string): string {
  const invalid = () =>
    new ChannelError('INVALID_REQUEST', `'${field}' must be an http:// or https:// URL of at most ${MAX_URL_LENGTH} characters, without user or password.`, {
      channel,
      field,
    });
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) throw invalid();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid();
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || !url.hostname) throw invalid();
  return url.toString();
}

/** The top-level field a problem's path is in (`event.items[3]` → `event`); undefined for the body itself. */
function fieldOf(path: string): string | undefined {
  return path.split(/[.[ ]/)[0] || undefined;
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json';
}
