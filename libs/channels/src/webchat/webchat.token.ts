import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ChannelError } from '../channel.error';

/** Tokens start with this; a later format gets `v2.` and the server can tell them apart. */
const VERSION = 'v1';
/** A user id the web chat generated: `wc_` and 22 base64url characters (128 random bits). */
const USER_ID = /^wc_[A-Za-z0-9_-]{22}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
/** Shorter secrets are refused (config checks `WEBCHAT_SECRET` against this). */
export const MIN_WEBCHAT_SECRET_LENGTH = 32;

/** A new web chat user: a random id nobody can guess (the token proves it was issued by this server). */
export function newWebchatUserId(): string {
  return `wc_${randomBytes(16).toString('base64url')}`;
}

/**
 * The token that lets a browser come back to its conversation: `v1.<userId>.<signature>`, the signature being the
 * base64url HMAC-SHA256, keyed with the server's web chat secret, of the bot id and the user id. It is bound to one bot;
 * it holds nothing secret and does not expire (changing the secret ends every web chat session).
 *
 * @example
 * const token = signWebchatToken(secret, 'juice', newWebchatUserId());
 * verifyWebchatToken(secret, 'juice', token); // → the user id
 */
export function signWebchatToken(secret: string, botId: string, userId: string): string {
  if (!USER_ID.test(userId)) throw new Error(`Not a web chat user id: ${JSON.stringify(userId)}`);
  return `${VERSION}.${userId}.${signature(secret, botId, userId)}`;
}

/** The user id a token names, or `SIGNATURE_INVALID` (401) when it is missing, malformed, forged or for another bot. */
export function verifyWebchatToken(secret: string, botId: string, token: string | undefined): string {
  if (!token) throw refuse('No web chat token was sent.');
  const [version, userId, given, ...rest] = token.split('.');
  if (version !== VERSION || rest.length > 0 || !userId || !USER_ID.test(userId) || !given || !SIGNATURE.test(given)) {
    throw refuse('The web chat token is malformed.');
  }
  const expected = Buffer.from(signature(secret, botId, userId));
  if (!timingSafeEqual(Buffer.from(given), expected)) throw refuse('The web chat token is not valid for this bot.');
  return userId;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

function signature(secret: string, botId: string, userId: string): string {
  // The bot id is in the signed text: a token of one bot's chat is refused by another's.
  return createHmac('sha256', secret).update(`parley-webchat.${VERSION}\n${botId}\n${userId}`).digest('base64url');
}

function refuse(why: string): ChannelError {
  return new ChannelError('SIGNATURE_INVALID', `${why} Start a new session: POST /webchat/<botId>/session (docs/webchat.md).`, {
    channel: 'webchat',
  });
}
