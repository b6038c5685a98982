import { DeliveryError, signWebhook } from '@parley/channels';

/** The header that carries an item's idempotency key (its `messageId`, the same on every try). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * POST one signed JSON body to an HTTP receiver (a REST callback, an event webhook), signed per Standard Webhooks
 * (`webhook-id` = the item's messageId, `webhook-timestamp`, `webhook-signature`) and with `Idempotency-Key`.
 * Resolves on a 2xx answer. Otherwise throws a `DeliveryError`: with `retryAfterMs` when the receiver sent
 * `Retry-After` (seconds or an HTTP date), `permanent` for `410 Gone`. Redirects are not followed (a failure).
 */
export async function postSigned(
  url: string,
  secret: string,
  messageId: string,
  body: string,
  options: { timeoutMs: number; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Parley-Webhooks/1',
    [IDEMPOTENCY_HEADER]: messageId,
    ...signWebhook(secret, messageId, Math.floor(now.getTime() / 1000), body),
  };
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : describeFetchError(error);
    throw new DeliveryError(`POST ${origin(url)} failed: ${reason}`);
  }
  // The body is not used; reading it lets the connection be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return;
  throw new DeliveryError(`POST ${origin(url)} answered ${response.status}`, {
    status: response.status,
    retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now),
    permanent: response.status === 410,
  });
}

/** `Retry-After` in milliseconds from `now` (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Scheme, host and port only: paths and queries may carry tokens and stay out of logs and stored errors. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the receiver';
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
