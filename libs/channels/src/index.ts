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
