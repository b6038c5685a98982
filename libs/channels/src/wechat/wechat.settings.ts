import type { SettingsReader } from '../settings/settings.reader';

/** Where WeChat's server API lives (the access token and the customer-service message endpoints). */
export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';
/** WeChat waits 5 s for the answer to a pushed message; the passive reply must be sent before that. */
export const DEFAULT_PASSIVE_REPLY_WINDOW_MS = 4500;
export const MAX_PASSIVE_REPLY_WINDOW_MS = 4900;
/** What a user who sends a picture, a voice note (without recognition), a location… is told. */
export const DEFAULT_UNSUPPORTED_TEXT = '抱歉, 我目前只能看懂文字消息。Sorry, I can only read text messages.';

/** A bot's WeChat Official Account (`<bot>.wechat` in the channels file, docs/channels.md). */
export interface WechatSettings {
  /** The account's AppID (开发者ID), `wx…`. */
  readonly appId: string;
  /** The AppSecret (开发者密码): with the AppID it gets the `access_token`. */
  readonly appSecret: string;
  /** The Token (令牌) entered on the account's server configuration page: every request is signed with it. */
  readonly token: string;
  /** The API's base URL (default `https://api.weixin.qq.com`; tests point it at a local imitation). */
  readonly apiBaseUrl: string;
  /** How long a message's turn may take to be answered in the HTTP response itself (default 4500 ms, at most 4900). */
  readonly passiveReplyWindowMs: number;
  /** How a reply's choices are shown: tappable `weixin://bizmsgmenu` links (default) or a numbered list. */
  readonly choiceStyle: 'links' | 'list';
  /** The answer to a message type the bot cannot read (pictures, voice without recognition, locations…). */
  readonly unsupportedText: string;
  /** The EncodingAESKey (消息加解密密钥), for the compatible and safe modes; absent: plaintext mode only. */
  readonly encodingAESKey?: string;
}

/** The settings validator of the WeChat channel. */
export function readWechatSettings(reader: SettingsReader): WechatSettings {
  const settings: WechatSettings = {
    appId: reader.secret('appId', { pattern: /^[A-Za-z0-9_-]{1,64}$/, shape: "the account's AppID, wx…" }),
    appSecret: reader.secret('appSecret', { pattern: /^\S{1,128}$/, shape: "the account's AppSecret" }),
    // WeChat's own rule for the Token field: 3 to 32 letters or digits.
    token: reader.secret('token', { pattern: /^[A-Za-z0-9]{3,32}$/, shape: '3 to 32 letters or digits, as entered on the server configuration page' }),
    apiBaseUrl: reader.url('apiBaseUrl', WECHAT_API_BASE_URL),
    passiveReplyWindowMs: reader.integer('passiveReplyWindowMs', DEFAULT_PASSIVE_REPLY_WINDOW_MS, 0, MAX_PASSIVE_REPLY_WINDOW_MS),
    choiceStyle: reader.oneOf('choiceStyle', ['links', 'list'], 'links'),
    unsupportedText: reader.string('unsupportedText', DEFAULT_UNSUPPORTED_TEXT),
  };
  const encodingAESKey = reader.string('encodingAESKey', '', { pattern: /^[A-Za-z0-9]{43}$/, shape: "the account's EncodingAESKey, 43 letters and digits" });
  return encodingAESKey ? { ...settings, encodingAESKey } : settings;
}
