import { DeliveryError } from '../channel.adapter';
import type { SlackSettings } from './slack.settings';

/** Slack errors that may pass: everything else `ok: false` says is wrong with the request and stays wrong. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/**
 * Call a Web API method (`POST <apiBaseUrl>/<method>`, JSON, bearer token). Resolves with the response body; throws a
 * `DeliveryError`: HTTP 429 with `Retry-After` (seconds) → `retryAfterMs`; `ok: false` with a transient error
 * (internal_error, service_unavailable, …) or any 5xx / network failure → retried; any other `ok: false`
 * (channel_not_found, not_in_channel, is_archived, invalid_auth, msg_too_long, …) → permanent.
 */
export async function callSlack(
  settings: Pick<SlackSettings, 'apiBaseUrl' | 'botToken'>,
  method: string,
  params: Record<string, unknown>,
  fetchFn: typeof fetch,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchFn(`${settings.apiBaseUrl}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${settings.botToken}` },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new DeliveryError(`Slack ${method}: the Web API could not be reached (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    throw new DeliveryError(`Slack ${method}: 429 rate limited`, {
      status: 429,
      retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined,
    });
  }
  let body: Record<string, unknown> | undefined;
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (response.ok && body?.ok === true) return body;
  if (!response.ok && response.status >= 500) throw new DeliveryError(`Slack ${method}: HTTP ${response.status}`, { status: response.status });
  const error = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
  throw new DeliveryError(`Slack ${method}: ${error}`, { status: response.status, permanent: !TRANSIENT.has(error) });
}
