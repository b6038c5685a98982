import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One API call an imitation received. */
export interface PlatformCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** What the imitation answered (absent for trouble). */
  response?: unknown;
}

/** What the imitation answers to the next calls instead of success (a platform that is down, busy or refusing). */
export type Trouble =
  | { kind: 'down' }
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> };

/**
 * A loopback HTTP server that imitates a platform's web API with its documented request and response shapes.
 * `answer` builds the success body of a call; `trouble(n, …)` makes the next n calls fail; `waitFor` resolves when
 * the accepted calls satisfy a condition (no sleeps).
 */
export class PlatformImitation {
  /** Calls answered with success, in order. */
  readonly accepted: PlatformCall[] = [];
  /** Every call, including the ones that got trouble. */
  readonly received: PlatformCall[] = [];
  private readonly troubles: Trouble[] = [];
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly answer: (call: PlatformCall) => { status: number; body: unknown }) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` calls get this trouble. */
  trouble(times: number, trouble: Trouble): void {
    for (let i = 0; i < times; i++) this.troubles.push(trouble);
  }

  /** Resolve once `test()` holds (checked after every call), or reject after `timeoutMs`. */
  waitFor(test: () => boolean, timeoutMs = 60_000, what = 'the platform calls'): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what} (${this.accepted.length} accepted)`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { unparsed: text };
    }
    const call: PlatformCall = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at };
    this.received.push(call);
    const trouble = this.troubles.shift();
    if (trouble?.kind === 'down') {
      // A platform that is down: the connection is cut without an answer.
      req.socket.destroy();
      this.notify();
      return;
    }
    const { status, body: out, headers } = trouble ?? { ...this.answer(call), headers: {} };
    if (!trouble) {
      call.response = out;
      this.accepted.push(call);
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(out));
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

/** Telegram's Bot API (`POST /bot<token>/<method>`): checks the token; sendMessage and setWebhook succeed. */
export function telegramImitation(token: string): PlatformImitation {
  let messageId = 0;
  return new PlatformImitation((call) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(call.path);
    if (!match || match[1] !== token) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    if (match[2] === 'setWebhook') return { status: 200, body: { ok: true, result: true, description: 'Webhook was set' } };
    if (match[2] !== 'sendMessage') return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    if (typeof call.body.text !== 'string' || call.body.text === '') {
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } };
    }
    return {
      status: 200,
      body: { ok: true, result: { message_id: ++messageId, chat: { id: call.body.chat_id, type: 'private' }, date: 0, text: call.body.text } },
    };
  });
}

/**
 * Slack's Web API (bearer token): `POST /chat.postMessage` → `{ ok: true, channel, ts }`; `POST /chat.update` of a
 * message it posted, by `channel` and `ts` → `{ ok: true, channel, ts, text }`; `{ ok: false, error }` for what Slack
 * refuses (an update of a message it never posted: `message_not_found`).
 */
export function slackImitation(token: string): PlatformImitation {
  let seq = 0;
  const posted = new Set<string>();
  return new PlatformImitation((call) => {
    if (call.headers.authorization !== `Bearer ${token}`) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    if (call.path !== '/chat.postMessage' && call.path !== '/chat.update') return { status: 404, body: { ok: false, error: 'unknown_method' } };
    if (typeof call.body.channel !== 'string') return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    if (call.body.blocks !== undefined && !validBlocks(call.body.blocks)) return { status: 200, body: { ok: false, error: 'invalid_blocks' } };
    if (call.path === '/chat.update') {
      if (!posted.has(`${call.body.channel}/${String(call.body.ts)}`)) return { status: 200, body: { ok: false, error: 'message_not_found' } };
      if (call.body.text === undefined && call.body.blocks === undefined) return { status: 200, body: { ok: false, error: 'no_text' } };
      return { status: 200, body: { ok: true, channel: call.body.channel, ts: call.body.ts, text: call.body.text ?? '' } };
    }
    const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
    posted.add(`${call.body.channel}/${ts}`);
    return { status: 200, body: { ok: true, channel: call.body.channel, ts } };
  });
}

/**
 * Block Kit as Slack checks it, for the blocks Parley posts (https://api.slack.com/reference/block-kit/blocks): at
 * most 50 blocks; a section's text at most 3,000 characters; a context block of 1–10 text elements; an actions block
 * of 1–25 buttons, each with a plain_text label of at most 75 characters, a value of at most 2,000 and an action_id of
 * at most 255, unique in the block.
 */
function validBlocks(blocks: unknown): boolean {
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return false;
  const validText = (text: { type?: unknown; text?: unknown } | undefined) =>
    (text?.type === 'plain_text' || text?.type === 'mrkdwn') && typeof text.text === 'string' && text.text.length <= 3000;
  return blocks.every((block: { type?: unknown; text?: { type?: unknown; text?: unknown }; elements?: unknown }) => {
    if (block.type === 'section') return validText(block.text);
    if (block.type === 'context') {
      return Array.isArray(block.elements) && block.elements.length >= 1 && block.elements.length <= 10 && block.elements.every(validText);
    }
    if (block.type !== 'actions' || !Array.isArray(block.elements) || block.elements.length < 1 || block.elements.length > 25) return false;
    const ids = new Set<unknown>();
    return block.elements.every((button: { type?: unknown; action_id?: unknown; value?: unknown; text?: { type?: unknown; text?: unknown } }) => {
      if (ids.has(button.action_id)) return false;
      ids.add(button.action_id);
      return (
        button.type === 'button' &&
        typeof button.action_id === 'string' && button.action_id.length <= 255 &&
        typeof button.value === 'string' && button.value.length <= 2000 &&
        button.text?.type === 'plain_text' && typeof button.text.text === 'string' && button.text.text.length >= 1 && button.text.text.length <= 75
      );
    });
  });
}
