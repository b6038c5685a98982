import { DeliveryError } from '../channel.adapter';
import type { TelegramSettings } from './telegram.settings';

/** The Bot API's answer: `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`. */
interface TelegramResponse {
  ok?: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/**
 * Call a Bot API method (`POST <apiBaseUrl>/bot<token>/<method>` with a JSON body). Resolves with `result`; throws a
 * `DeliveryError`: 429 with `parameters.retry_after` → `retryAfterMs`; any other 4xx (chat not found, bot blocked by
 * the user, message text is empty, …) → permanent (trying again cannot help); 5xx and network failures → retried.
 */
export async function callTelegram(
  settings: Pick<TelegramSettings, 'apiBaseUrl' | 'botToken'>,
  method: string,
  params: Record<string, unknown>,
  fetchFn: typeof fetch,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(`${settings.apiBaseUrl}/bot${settings.botToken}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new DeliveryError(`Telegram ${method}: the Bot API could not be reached (${describe(error)}).`);
  }
  let body: TelegramResponse | undefined;
  try {
    body = (await response.json()) as TelegramResponse;
  } catch {
    body = undefined;
  }
  if (response.ok && body?.ok === true) return body.result;
  const status = body?.error_code ?? response.status;
  const description = body?.description ?? `HTTP ${response.status}`;
  const message = `Telegram ${method}: ${status} ${description}`;
  if (status === 429) {
    const seconds = body?.parameters?.retry_after;
    throw new DeliveryError(message, { status, retryAfterMs: typeof seconds === "number" && seconds >= 0 ? seconds * 1000 : undefined });
  }
  throw new DeliveryError(message, { status, permanent: status >= 400 && status < 500 });
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
