import type { SettingsReader } from '../settings/settings.reader';

/** A bot's Telegram channel (`<bot>.telegram` in the channels file). */
export interface TelegramSettings {
  /** From @BotFather: `123456:ABC-…`. */
  readonly botToken: string;
  /** Sent by Telegram in `X-Telegram-Bot-Api-Secret-Token` on every webhook call (set with `setWebhook`). */
  readonly secretToken: string;
  /** The Bot API's base URL (default https://api.telegram.org; tests point it at a local imitation). */
  readonly apiBaseUrl: string;
  /** The answer to a sticker, photo, voice note, …: the bots read text only. */
  readonly fallbackText: string;
  /** What the bot is told when someone opens it (Telegram sends `/start`), e.g. a greeting its NLU knows; unset: `/start`. */
  readonly startText?: string;
}

export const TELEGRAM_API_BASE_URL = 'https://api.telegram.org';
export const TELEGRAM_FALLBACK_TEXT = 'Sorry, I can only read text messages. Please type your answer.';

/** The settings validator of the Telegram channel. */
export function readTelegramSettings(reader: SettingsReader): TelegramSettings {
  return {
    botToken: reader.secret('botToken', { pattern: /^\d{1,20}:[A-Za-z0-9_-]{20,200}$/, shape: "@BotFather's token, <digits>:<letters>" }),
    // Telegram's own rule for secret_token: 1–256 characters A-Z, a-z, 0-9, _ and -.
    secretToken: reader.secret('secretToken', { pattern: /^[A-Za-z0-9_-]{16,256}$/, shape: '16 to 256 characters of A-Z, a-z, 0-9, _ and -' }),
    apiBaseUrl: reader.url('apiBaseUrl', TELEGRAM_API_BASE_URL),
    fallbackText: reader.string('fallbackText', TELEGRAM_FALLBACK_TEXT),
    startText: reader.string('startText', '') || undefined,
  };
}
