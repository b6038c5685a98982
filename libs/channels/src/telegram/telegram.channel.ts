import type { ChannelPlugin } from '../settings/channel.plugin';
import { TelegramAdapter } from './telegram.adapter';
import { readTelegramSettings, type TelegramSettings } from './telegram.settings';

/** The Telegram channel: `<bot>.telegram` in the channels file, `/channels/telegram/<bot>` for the webhook. */
export const telegramChannel: ChannelPlugin<TelegramSettings> = {
  channel: 'telegram',
  readSettings: readTelegramSettings,
  create: (botId, settings, deps) => new TelegramAdapter(botId, settings, deps),
};
