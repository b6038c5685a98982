import type { ChannelPlugin } from '../settings/channel.plugin';
import { SlackAdapter } from './slack.adapter';
import { readSlackSettings, type SlackSettings } from './slack.settings';

/** The Slack channel: `<bot>.slack` in the channels file, `/channels/slack/<bot>` as the Events API Request URL. */
export const slackChannel: ChannelPlugin<SlackSettings> = {
  channel: 'slack',
  readSettings: readSlackSettings,
  create: (botId, settings, deps) => new SlackAdapter(botId, settings, deps),
};
