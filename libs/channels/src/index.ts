export { ChannelError, type ChannelErrorCode } from './channel.error';
export {
  signRestRequest,
  verifyRestSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
} from './rest/rest.signature';
export { jsonProblem, describeJsonProblem, MAX_JSON_DEPTH, type JsonProblem } from './rest/json.checks';
export {
  RestChannelAdapter,
  parseEvent,
  parseCallbackUrl,
  MAX_URL_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_ID_LENGTH,
  EVENT_TYPE,
  type RestInbound,
  type RestReply,
  type RestResponse,
} from './rest/rest.adapter';
export {
  DeliveryError,
  type ChannelAdapter,
  type ChannelResponse,
  type InboundAction,
  type InboundRequest,
  type InboundTurn,
  type OutboundMessage,
  type PassiveReply,
} from './channel.adapter';
export {
  WebchatChannelAdapter,
  webchatMessage,
  replyId,
  type WebchatMessage,
  type WebchatPush,
  type WebchatResponse,
} from './webchat/webchat.adapter';
export {
  signWebchatToken,
  verifyWebchatToken,
  newWebchatUserId,
  bearerToken,
  MIN_WEBCHAT_SECRET_LENGTH,
} from './webchat/webchat.token';
export { signWebhook, webhookKey, generateWebhookSecret, WEBHOOK_SECRET_PREFIX } from './webhooks/standard-webhooks';
export { SettingsReader } from './settings/settings.reader';
export type { ChannelDeps, ChannelLog, ChannelPlugin } from './settings/channel.plugin';
export { telegramChannel } from './telegram/telegram.channel';
export { TelegramAdapter, TELEGRAM_SECRET_HEADER, TELEGRAM_MAX_TEXT, type TelegramAddress } from './telegram/telegram.adapter';
export { readTelegramSettings, TELEGRAM_API_BASE_URL, TELEGRAM_FALLBACK_TEXT, type TelegramSettings } from './telegram/telegram.settings';
export { setTelegramWebhook } from './telegram/telegram.webhook';
export { slackChannel } from './slack/slack.channel';
export { SlackAdapter, readableText, type SlackAddress } from './slack/slack.adapter';
export { readSlackSettings, SLACK_API_BASE_URL, type SlackSettings } from './slack/slack.settings';
export { signSlackRequest, verifySlackSignature, SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, SLACK_TOLERANCE_SECONDS } from './slack/slack.signature';
export {
  wechatChannel,
  WechatChannelAdapter,
  readWechatSettings,
  wechatSignature,
  verifyWechatSignature,
  parseWechatXml,
  passiveTextXml,
  xmlProblem,
  splitText,
  WECHAT_TEXT_MAX_BYTES,
  WECHAT_TIMESTAMP_TOLERANCE_SECONDS,
  WECHAT_API_BASE_URL,
  DEFAULT_PASSIVE_REPLY_WINDOW_MS,
  type WechatSettings,
  type WechatInbound,
} from './wechat';
