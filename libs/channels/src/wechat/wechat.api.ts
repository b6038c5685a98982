import { DeliveryError } from '../channel.adapter';

/** Errcodes that mean the access token is no longer good: get a new one and try again at once. */
const TOKEN_EXPIRED = new Set([40001, 40014, 42001]);
/**
 * Errcodes a retry cannot fix: the user unsubscribed (43004) or has not written for 48 hours (45015), an unknown
 * OpenID (40003), a text too long (45002), a message type refused (40008), no permission for customer-service
 * messages (48001).
 */
const PERMANENT = new Set([40003, 40008, 43004, 45002, 45015, 48001]);
/** Token errcodes an operator has to fix (a wrong AppID or AppSecret, the server's IP not on the account's whitelist). */
const TOKEN_HINTS: Readonly<Record<number, string>> = {
  40013: 'the appId is not valid',
  40125: 'the appSecret is not valid',
  40164: "this server's IP address is not on the account's IP whitelist",
};

/** A token is renewed this long before WeChat says it expires (or at half its life, when that is sooner). */
const RENEW_BEFORE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface WechatApiOptions {
  appId: string;
  appSecret: string;
  apiBaseUrl: string;
  /** HTTP client (default: the global fetch). */
  fetch?: typeof fetch;
  /** The clock (tests move it to see a token expire). */
  now?: () => Date;
}

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
}

/**
 * WeChat's server API as Parley uses it: the `access_token` (`GET /cgi-bin/token`), kept and renewed before it expires
 * or when WeChat says it has (errcode 40001/42001), one request at a time for all senders; and the customer-service
 * text message (`POST /cgi-bin/message/custom/send`). Failures are `DeliveryError`s, permanent where retrying cannot help.
 */
export class WechatApi {
  private token?: { value: string; renewAt: number };
  private fetching?: Promise<string>;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: WechatApiOptions) {
    const clock = options.now;
    this.now = clock ? () => clock().getTime() : Date.now;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** A valid access token: the kept one, or a new one (concurrent callers share one request). */
  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.fetching ??= this.fetchToken().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /** Send one text to a user (the customer-service message API). */
  async sendText(openId: string, content: string): Promise<void> {
    const body = JSON.stringify({ touser: openId, msgtype: 'text', text: { content } });
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      const answer = await this.call(`/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, { method: 'POST', body });
      const errcode = answer.errcode ?? 0;
      if (errcode === 0) return;
      if (TOKEN_EXPIRED.has(errcode) && attempt === 1) {
        this.expire(token);
        continue;
      }
      throw new DeliveryError(`WeChat refused the customer-service message: errcode ${errcode} (${answer.errmsg ?? 'no errmsg'}).`, {
        permanent: PERMANENT.has(errcode),
      });
    }
  }

  /** Forget `token` (WeChat said it expired), unless a newer one replaced it meanwhile. */
  private expire(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { appId, appSecret } = this.options;
    const path = `/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(appId)}&secret=${encodeURIComponent(appSecret)}`;
    const answer = await this.call(path, { method: 'GET' });
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      const hint = answer.errcode !== undefined ? TOKEN_HINTS[answer.errcode] : undefined;
      throw new DeliveryError(
        `WeChat gave no access_token: errcode ${answer.errcode ?? '?'} (${answer.errmsg ?? 'no errmsg'})${hint ? `: ${hint}` : ''}.`,
      );
    }
    const lifeMs = (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 7200) * 1000;
    this.token = { value: answer.access_token, renewAt: this.now() + lifeMs - Math.min(RENEW_BEFORE_MS, lifeMs / 2) };
    return answer.access_token;
  }

  /** One request; a network failure, an HTTP error or a body that is not JSON is a (retryable) `DeliveryError`. */
  private async call(path: string, init: { method: string; body?: string }): Promise<WechatAnswer> {
    // The path carries the secret or the token: errors name the endpoint only.
    const endpoint = path.slice(0, path.indexOf('?'));
    let response: Response;
    try {
      response = await this.fetch(`${this.options.apiBaseUrl}${path}`, {
        method: init.method,
        body: init.body,
        headers: init.body ? { 'content-type': 'application/json; charset=utf-8' } : {},
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DeliveryError(`WeChat's ${endpoint} did not answer: ${error instanceof Error ? error.message : String(error)}.`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new DeliveryError(`WeChat's ${endpoint} answered HTTP ${response.status}.`, {
        status: response.status,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
    } catch {
      // below
    }
    throw new DeliveryError(`WeChat's ${endpoint} answered something that is not a JSON object.`, { status: response.status });
  }
}
