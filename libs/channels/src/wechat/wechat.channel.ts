import type { ChannelPlugin } from '../settings/channel.plugin';
import { WechatChannelAdapter } from './wechat.adapter';
import { readWechatSettings, type WechatSettings } from './wechat.settings';

/** The WeChat Official Account channel: `<bot>.wechat` in the channels file, `/channels/wechat/<bot>` as the server URL. */
export const wechatChannel: ChannelPlugin<WechatSettings> = {
  channel: 'wechat',
  readSettings: readWechatSettings,
  create: (_botId, settings, deps) => new WechatChannelAdapter(settings, deps),
};
