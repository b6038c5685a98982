export { wechatChannel } from './wechat.channel';
export { WechatChannelAdapter } from './wechat.adapter';
export { WechatApi } from './wechat.api';
export {
  readWechatSettings,
  DEFAULT_PASSIVE_REPLY_WINDOW_MS,
  DEFAULT_UNSUPPORTED_TEXT,
  WECHAT_API_BASE_URL,
  type WechatSettings,
} from './wechat.settings';
export { wechatSignature, verifyWechatSignature, WECHAT_TIMESTAMP_TOLERANCE_SECONDS } from './wechat.signature';
export { parseWechatXml, passiveTextXml, xmlProblem, type WechatInbound } from './wechat.xml';
export { replyText, splitText, WECHAT_TEXT_MAX_BYTES } from './wechat.text';
