import { slackChannel, telegramChannel, wechatChannel, type ChannelPlugin } from '@parley/channels';

/**
 * The platform channels this server can serve, by the name used in the channels file and in `/channels/<name>/:botId`.
 * A new platform is one line here (its plugin: settings validator + adapter factory, in libs/channels/src/<name>/).
 */
export const CHANNEL_PLUGINS: readonly ChannelPlugin[] = [telegramChannel, slackChannel, wechatChannel];
