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
  WechatChannelAdapter,
  wechatSettings,
  WechatSettingsError,
  wechatSignature,
  verifyWechatSignature,
  parseWechatXml,
  passiveTextXml,
  xmlProblem,
  splitText,
  WECHAT_TEXT_MAX_BYTES,
  WECHAT_TIMESTAMP_TOLERANCE_SECONDS,
  DEFAULT_PASSIVE_REPLY_WINDOW_MS,
  type WechatSettings,
  type WechatInbound,
} from './wechat';
