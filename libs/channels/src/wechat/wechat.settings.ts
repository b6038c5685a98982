/** Where WeChat's server API lives (the access token and the customer-service message endpoints). */
export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';
/** WeChat waits 5 s for the answer to a pushed message; the passive reply must be sent before that. */
export const DEFAULT_PASSIVE_REPLY_WINDOW_MS = 4500;
export const MAX_PASSIVE_REPLY_WINDOW_MS = 4900;
/** What a user who sends a picture, a voice note (without recognition), a location… is told. */
export const DEFAULT_UNSUPPORTED_TEXT = '抱歉, 我目前只能看懂文字消息。Sorry, I can only read text messages.';

/**
 * One bot's WeChat Official Account (the `wechat` entry of a bot in the channels file, docs/channels.md).
 *
 * @example
 * const settings = wechatSettings({ appId: 'wx0123456789abcdef', appSecret: process.env.WECHAT_APP_SECRET, token: process.env.WECHAT_TOKEN });
 */
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
}

/** A WeChat channel entry that cannot be used: start-up stops with this message. */
export class WechatSettingsError extends Error {
  override readonly name = 'WechatSettingsError';
  readonly code = 'CHANNEL_SETTINGS_INVALID';
}

const KNOWN = new Set(['appId', 'appSecret', 'token', 'apiBaseUrl', 'passiveReplyWindowMs', 'choiceStyle', 'unsupportedText', 'encodingAESKey', 'encryption']);

/**
 * Validate a bot's `wechat` settings (secrets already substituted). Every problem is listed at once; `where` names
 * the entry in messages (e.g. `bots.juice.wechat`).
 */
export function wechatSettings(raw: unknown, where = 'wechat'): WechatSettings {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new WechatSettingsError(`${where} must be a mapping with appId, appSecret and token (docs/channels.md, WeChat).`);
  }
  const entry = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(entry)) {
    if (!KNOWN.has(key)) problems.push(`unknown setting '${key}' (known: appId, appSecret, token, apiBaseUrl, passiveReplyWindowMs, choiceStyle, unsupportedText)`);
  }
  const text = (key: string, test: (value: string) => boolean, rule: string): string => {
    const value = entry[key];
    if (typeof value !== 'string' || !test(value)) {
      problems.push(`${key} ${rule}${value === undefined ? ' (missing)' : ''}`);
      return '';
    }
    return value;
  };
  const appId = text('appId', (v) => /^[A-Za-z0-9_-]{1,64}$/.test(v), "must be the account's AppID (wx…)");
  const appSecret = text('appSecret', (v) => /^\S{1,128}$/.test(v), "must be the account's AppSecret");
  // WeChat's own rule for the Token field: 3 to 32 letters or digits.
  const token = text('token', (v) => /^[A-Za-z0-9]{3,32}$/.test(v), 'must be 3 to 32 letters or digits, as entered on the server configuration page');
  let apiBaseUrl = WECHAT_API_BASE_URL;
  if (entry.apiBaseUrl !== undefined) {
    const value = entry.apiBaseUrl;
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) problems.push(`apiBaseUrl must be an http(s) URL (got ${JSON.stringify(value)})`);
    else apiBaseUrl = url.href.replace(/\/+$/, '');
  }
  let passiveReplyWindowMs = DEFAULT_PASSIVE_REPLY_WINDOW_MS;
  if (entry.passiveReplyWindowMs !== undefined) {
    const value = entry.passiveReplyWindowMs;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PASSIVE_REPLY_WINDOW_MS) {
      problems.push(`passiveReplyWindowMs must be an integer from 0 to ${MAX_PASSIVE_REPLY_WINDOW_MS} (WeChat waits 5 s; got ${JSON.stringify(value)})`);
    } else passiveReplyWindowMs = value;
  }
  const choiceStyle = entry.choiceStyle ?? 'links';
  if (choiceStyle !== 'links' && choiceStyle !== 'list') problems.push(`choiceStyle must be 'links' or 'list' (got ${JSON.stringify(choiceStyle)})`);
  const unsupportedText = entry.unsupportedText ?? DEFAULT_UNSUPPORTED_TEXT;
  if (typeof unsupportedText !== 'string' || unsupportedText.trim() === '') problems.push('unsupportedText must be a non-empty text');
  if ((entry.encryption !== undefined && entry.encryption !== 'plain') || entry.encodingAESKey !== undefined) {
    problems.push(
      "the encrypted modes (兼容模式 / 安全模式, an EncodingAESKey) are not supported yet: choose '明文模式' (plaintext) as the " +
        "message encryption mode on the account's server configuration page and remove encodingAESKey / encryption",
    );
  }
  if (problems.length > 0) throw new WechatSettingsError(`${where}: ${problems.join('; ')}.`);
  return Object.freeze({
    appId,
    appSecret,
    token,
    apiBaseUrl,
    passiveReplyWindowMs,
    choiceStyle: choiceStyle as 'links' | 'list',
    unsupportedText: unsupportedText as string,
  });
}
