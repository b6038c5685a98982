import type { ChannelAdapter } from '../channel.adapter';
import type { SettingsReader } from './settings.reader';

/** What a channel adapter may use from its host: HTTP to the platform, the clock, a log. */
export interface ChannelDeps {
  /** HTTP client for the platform's API (the global `fetch` in the server). */
  fetch: typeof fetch;
  now(): Date;
  log: ChannelLog;
}

export interface ChannelLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A platform channel as the configuration knows it: its name (the key in the channels file and the URL segment),
 * a settings validator and a factory. `apps/api` lists the plugins it serves (channels/channel.registry.ts); one line
 * there adds a platform.
 *
 * @example
 * export const telegramChannel: ChannelPlugin<TelegramSettings> = {
 *   channel: 'telegram',
 *   readSettings: readTelegramSettings,
 *   create: (botId, settings, deps) => new TelegramAdapter(botId, settings, deps),
 * };
 */
export interface ChannelPlugin<S = unknown> {
  readonly channel: string;
  /** Validate one `<bot>.<channel>` entry: read every field from the reader (it collects the problems). */
  readSettings(reader: SettingsReader): S;
  /** Build the bot's adapter from settings `readSettings` returned. */
  create(botId: string, settings: S, deps: ChannelDeps): ChannelAdapter;
}
