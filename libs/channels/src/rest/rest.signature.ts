import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelError } from '../channel.error';

/** The headers of a signed REST request. */
export const SIGNATURE_HEADER = 'x-parley-signature';
export const TIMESTAMP_HEADER = 'x-parley-timestamp';
/** How far a request's timestamp may be from the server's clock (replays of older requests are refused). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The signature of a REST request for a bot that requires one: `v1=` and the hex HMAC-SHA256, keyed with the bot's
 * shared secret, of `<timestamp>.<raw body>` (the timestamp in Unix seconds, as sent in `X-Parley-Timestamp`).
 *
 * @example
 * const timestamp = Math.floor(Date.now() / 1000);
 * fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-parley-timestamp': String(timestamp),
 *   'x-parley-signature': signRestRequest(secret, timestamp, body) } });
 */
export function signRestRequest(secret: string, timestamp: number, body: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Refuse (SIGNATURE_INVALID) a request whose signature is missing, wrong, or made too long ago. */
export function verifyRestSignature(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  now: Date = new Date(),
): void {
  const refuse = (why: string) =>
    new ChannelError('SIGNATURE_INVALID', `${why} This bot requires signed requests: see "Signed requests" in docs/server.md.`, {
      channel: 'rest',
    });
  const timestamp = single(headers[TIMESTAMP_HEADER]);
  const signature = single(headers[SIGNATURE_HEADER]);
  if (!timestamp || !signature) throw refuse(`Missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER}.`);
  if (!/^\d{1,12}$/.test(timestamp)) throw refuse(`${TIMESTAMP_HEADER} must be Unix seconds.`);
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    throw refuse(`${TIMESTAMP_HEADER} is more than ${SIGNATURE_TOLERANCE_SECONDS} s from the server's clock.`);
  }
  const expected = Buffer.from(signRestRequest(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('The signature does not match.');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
