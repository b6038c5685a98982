import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  /** 1 for the first request this receiver got. */
  n: number;
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as JSON. */
  json: any;
  /** The answer it was given (`hang`: none, the connection stays open until the receiver closes). */
  status: number | 'hang';
}

/** What to answer a request with: a status (and headers), or `hang` (never answer). */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A webhook / callback receiver on 127.0.0.1 standing in for a customer's endpoint. `answer` decides each response (it
 * can be changed at any time: a receiver that is down, then up). `until(predicate)` resolves as soon as the requests
 * received so far satisfy it: tests await deliveries, they do not sleep. A receiver dedupes on the idempotency key the
 * way the docs ask receivers to: `accepted()` is what it processed, each key once.
 */
export class Receiver {
  readonly received: Received[] = [];
  answer: (request: Received) => Answer = () => ({ status: 200 });
  private server!: Server;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const request: Received = { n: receiver.received.length + 1, at: Date.now(), path: req.url ?? '/', headers: req.headers, body, json, status: 0 };
        const answer = receiver.answer(request);
        request.status = answer === 'hang' ? 'hang' : answer.status;
        receiver.received.push(request);
        if (answer === 'hang') receiver.hanging.add(res);
        else res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) }).end('{}');
        receiver.notify();
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /**
   * What a deduping receiver processed: requests it answered 2xx or left hanging (it got the message; the sender just
   * never heard back), the first of each idempotency key only.
   */
  accepted(): Received[] {
    const seen = new Set<string>();
    return this.received.filter((r) => {
      if (r.status !== 'hang' && (r.status < 200 || r.status >= 300)) return false;
      const key = String(r.headers['idempotency-key']);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Resolves when `predicate(received)` holds (checked now and after every request); rejects after `timeoutMs`. */
  until(predicate: (received: Received[]) => boolean, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (predicate(this.received)) return resolve();
      const timer = setTimeout(() => reject(new Error(`receiver: condition not met in ${timeoutMs} ms; got ${this.received.length} requests`)), timeoutMs);
      this.waiters.push({
        check: () => predicate(this.received),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The value of `probe` once it is defined, asked every 50 ms: for state the server records after the receiver already
 * answered (an outbox item marked delivered), which no event announces.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
