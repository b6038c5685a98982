import { callTelegram } from './telegram.api';
import type { TelegramSettings } from './telegram.settings';

/**
 * Register the bot's webhook with Telegram (`setWebhook`): Telegram then POSTs every update to `url` with the secret
 * token in `X-Telegram-Bot-Api-Secret-Token`. Only `message` updates are asked for (the rest would be ignored).
 *
 * @example
 * await setTelegramWebhook(settings, 'https://bots.example.com/channels/telegram/juice', fetch);
 */
export async function setTelegramWebhook(
  settings: Pick<TelegramSettings, 'apiBaseUrl' | 'botToken' | 'secretToken'>,
  url: string,
  fetchFn: typeof fetch,
  options: { dropPendingUpdates?: boolean } = {},
): Promise<void> {
  await callTelegram(
    settings,
    'setWebhook',
    { url, secret_token: settings.secretToken, allowed_updates: ['message'], drop_pending_updates: options.dropPendingUpdates ?? false },
    fetchFn,
  );
}
