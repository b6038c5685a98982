import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks (https://www.standardwebhooks.com): the secret's prefix; the key is the base64 after it. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** The key bytes of a `whsec_…` secret, or undefined when it is not one (base64 of at least 16 bytes). */
export function webhookKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return undefined;
  const base64 = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const key = Buffer.from(base64, 'base64');
  return key.length >= 16 && key.length <= 128 ? key : undefined;
}

/** A new secret: 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The headers that sign one webhook request: `webhook-id` (the same on every try: receivers dedupe on it),
 * `webhook-timestamp` (Unix seconds of this try) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">`). Throws when the secret is not a `whsec_…` secret.
 *
 * @example
 * const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', Math.floor(Date.now() / 1000), body);
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const key = webhookKey(secret);
  if (!key) throw new Error('A webhook secret is "whsec_" followed by the base64 of 16 to 128 bytes.');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
