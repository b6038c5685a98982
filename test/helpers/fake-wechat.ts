import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One customer-service message the fake received (the documented body: touser, msgtype, text.content). */
export interface SentMessage {
  touser: string;
  msgtype: string;
  text: { content: string };
}

/** How the next custom/send requests are answered (first in first out; then `{errcode:0}`). */
export type SendAnswer = { status: number; body?: string } | { errcode: number; errmsg: string };

/**
 * A local imitation of WeChat's server API (loopback only), with its documented request and response shapes:
 * `GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…` → `{access_token, expires_in}` (errcode 40013 /
 * 40125 for a wrong appid / secret), and `POST /cgi-bin/message/custom/send?access_token=…` → `{errcode:0,errmsg:"ok"}`,
 * 40001 for a token it did not issue or revoked, 41001 without one.
 */
export class FakeWechat {
  readonly sent: SentMessage[] = [];
  /** Every request, in order: `token` or `send` (with the status answered). */
  readonly log: { kind: 'token' | 'send'; status: number; errcode?: number }[] = [];
  tokensIssued = 0;
  /** Answers queued for the next sends (`down()` fills it with 503s). */
  readonly answers: SendAnswer[] = [];
  /** When set, every send is answered so until it is cleared. */
  outage?: SendAnswer;
  private readonly valid = new Set<string>();
  private server?: Server;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(
    readonly appId = 'wx0123456789abcdef',
    readonly appSecret = 'fake-app-secret-0123456789abcdef',
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Revoke every token issued so far (WeChat does so when a new one is fetched elsewhere): the next send gets 40001. */
  revokeTokens(): void {
    this.valid.clear();
  }

  /** Resolves once `test()` holds (checked after every request): no polling, no sleeps. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** The texts sent to one user, in order. */
  textsTo(openId: string): string[] {
    return this.sent.filter((m) => m.touser === openId).map((m) => m.text.content);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'GET' && url.pathname === '/cgi-bin/token') this.token(url, res);
    else if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') this.send(url, body, res);
    else json(res, 404, { errcode: 404, errmsg: 'not found' });
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }

  private token(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    let answer: object;
    if (q.get('grant_type') !== 'client_credential') answer = { errcode: 40002, errmsg: 'invalid grant_type' };
    else if (q.get('appid') !== this.appId) answer = { errcode: 40013, errmsg: 'invalid appid' };
    else if (q.get('secret') !== this.appSecret) answer = { errcode: 40125, errmsg: 'invalid appsecret' };
    else {
      const token = `TOKEN_${++this.tokensIssued}`;
      this.valid.add(token);
      answer = { access_token: token, expires_in: 7200 };
    }
    this.log.push({ kind: 'token', status: 200 });
    json(res, 200, answer);
  }

  private send(url: URL, body: string, res: ServerResponse): void {
    const token = url.searchParams.get('access_token');
    const next = this.outage ?? this.answers[0];
    const planned = next && 'status' in next ? next : undefined;
    if (planned && !this.outage) this.answers.shift();
    if (planned) {
      this.log.push({ kind: 'send', status: planned.status });
      res.writeHead(planned.status, { 'content-type': 'text/plain' }).end(planned.body ?? 'unavailable');
      return;
    }
    let answer: { errcode: number; errmsg: string };
    if (!token) answer = { errcode: 41001, errmsg: 'access_token missing' };
    else if (!this.valid.has(token)) answer = { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    else if (this.outage || this.answers.length > 0) answer = (this.outage ?? this.answers.shift()) as { errcode: number; errmsg: string };
    else {
      const message = JSON.parse(body) as SentMessage;
      if (message.msgtype !== 'text' || typeof message.text?.content !== 'string' || typeof message.touser !== 'string') {
        answer = { errcode: 40008, errmsg: 'invalid message type' };
      } else if (Buffer.byteLength(message.text.content, 'utf8') > 2048) {
        answer = { errcode: 45002, errmsg: 'content size out of limit' };
      } else {
        this.sent.push(message);
        answer = { errcode: 0, errmsg: 'ok' };
      }
    }
    this.log.push({ kind: 'send', status: 200, errcode: answer.errcode });
    json(res, 200, answer);
  }
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
