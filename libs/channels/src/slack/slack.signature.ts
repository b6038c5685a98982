import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelError } from '../channel.error';

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
/** Slack's advice: refuse requests whose timestamp is more than five minutes from the clock (replays). */
export const SLACK_TOLERANCE_SECONDS = 300;

/**
 * Slack's request signature: `v0=` and the hex HMAC-SHA256, keyed with the app's signing secret, of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>` (https://api.slack.com/authentication/verifying-requests-from-slack).
 *
 * @example
 * const signature = signSlackRequest(signingSecret, Math.floor(Date.now() / 1000), body);
 */
export function signSlackRequest(signingSecret: string, timestamp: number | string, body: string | Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

/** Refuse (SIGNATURE_INVALID) a request whose Slack signature is missing, wrong or older than five minutes. */
export function verifySlackSignature(
  signingSecret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  now: Date,
): void {
  const refuse = (why: string) =>
    new ChannelError('SIGNATURE_INVALID', `${why} Slack signs every request with the app's signing secret (docs/channels.md).`, { channel: 'slack' });
  const timestamp = headers[SLACK_TIMESTAMP_HEADER];
  const signature = headers[SLACK_SIGNATURE_HEADER];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') throw refuse(`Missing ${SLACK_TIMESTAMP_HEADER} or ${SLACK_SIGNATURE_HEADER}.`);
  if (!/^\d{1,12}$/.test(timestamp)) throw refuse(`${SLACK_TIMESTAMP_HEADER} must be Unix seconds.`);
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SLACK_TOLERANCE_SECONDS) {
    throw refuse(`${SLACK_TIMESTAMP_HEADER} is more than ${SLACK_TOLERANCE_SECONDS / 60} minutes from the server's clock.`);
  }
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('The signature does not match.');
}
