import { createHash, timingSafeEqual } from 'node:crypto';
import { ChannelError } from '../channel.error';

/**
 * How far a request's `timestamp` may be from the server's clock. WeChat documents no limit; it signs each request
 * when it sends it (and each of its retries within 15 s), so a request older than this is a replay.
 */
export const WECHAT_TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * WeChat's signature of a request: the hex SHA-1 of the token, the timestamp and the nonce, sorted as strings and
 * joined (docs/channels.md shows it computed in the shell).
 *
 * @example
 * const signature = wechatSignature('mytoken', '1700000000', '42'); // → ?signature=…&timestamp=1700000000&nonce=42
 */
export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** Refuse (SIGNATURE_INVALID, 401) a request whose signature is missing or wrong, or whose timestamp is stale. */
export function verifyWechatSignature(
  token: string,
  query: Readonly<Record<string, string | undefined>>,
  now: Date,
  toleranceSeconds = WECHAT_TIMESTAMP_TOLERANCE_SECONDS,
): void {
  const refuse = (why: string) =>
    new ChannelError('SIGNATURE_INVALID', `${why} WeChat signs every request with the account's Token (docs/channels.md, WeChat).`, {
      channel: 'wechat',
    });
  const { signature, timestamp, nonce } = query;
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string') {
    throw refuse('Missing signature, timestamp or nonce in the query string.');
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw refuse('timestamp must be Unix seconds.');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) {
    throw refuse(`timestamp is more than ${toleranceSeconds} s from the server's clock.`);
  }
  const expected = Buffer.from(wechatSignature(token, timestamp, nonce), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('The signature does not match.');
}
