import { Client } from 'pg';

/** PostgreSQL's limit for a NOTIFY payload is 8000 bytes; batches are cut below it. */
const MAX_PAYLOAD = 7500;
const FLUSH_MS = 20;
const RECONNECT_MS = [200, 1000, 3000, 10_000];

export interface ChangeRelayOptions {
  url: string;
  /** One channel per database schema, so that instances of different deployments (or tests) never mix. */
  channel: string;
  /** A batch of messages published by another instance (or by this one: the caller filters its own). */
  onMessages: (messages: string[]) => void;
  /** The connection was lost and is back: messages sent meanwhile may be missing. */
  onResync?: () => void;
  onError?: (error: unknown) => void;
}

/**
 * Messages between server instances over PostgreSQL LISTEN/NOTIFY, on one dedicated connection. `send` queues a
 * message; queued messages go out together in one `pg_notify` a few milliseconds later (a busy server sends tens of
 * notifications a second, not one per turn), outside any turn's transaction, so turns never wait on NOTIFY's commit
 * lock. Each instance LISTENs on the same channel. A lost connection is reopened with backoff, and `onResync` says
 * that something may have been missed.
 */
export class PgChangeRelay {
  private client?: Client;
  private queue: string[] = [];
  private timer?: NodeJS.Timeout;
  /** The flush on its way: the next one waits for it (one query at a time on the connection). */
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private attempt = 0;
  private reconnecting?: NodeJS.Timeout;

  constructor(private readonly options: ChangeRelayOptions) {
    if (!/^[a-z0-9_:.-]{1,63}$/.test(options.channel)) throw new Error(`Bad channel name ${options.channel}`);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  send(message: string): void {
    if (this.closed) return;
    this.queue.push(message);
    this.timer ??= setTimeout(() => void this.flushInOrder(), FLUSH_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.reconnecting) clearTimeout(this.reconnecting);
    await this.flushInOrder();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.url, application_name: 'parley-changes' });
    if (this.closed) return;
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || !message.payload) return;
      try {
        const batch: unknown = JSON.parse(message.payload);
        if (Array.isArray(batch)) this.options.onMessages(batch.filter((m): m is string => typeof m === 'string'));
      } catch {
        // Not ours: ignore.
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (error) this.options.onError?.(error);
    client.end().catch(() => undefined);
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed || this.reconnecting) return;
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
    this.reconnecting = setTimeout(() => {
      this.reconnecting = undefined;
      this.connect().then(
        () => this.options.onResync?.(),
        (e: unknown) => {
          this.options.onError?.(e);
          this.reconnect();
        },
      );
    }, delay);
    this.reconnecting.unref();
  }

  /** Flush after the flush in flight, if any: a busy database can take longer than `FLUSH_MS` to answer one. */
  private flushInOrder(): Promise<void> {
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const messages = this.queue;
    this.queue = [];
    const client = this.client;
    if (messages.length === 0 || !client) return;
    const payloads: string[] = [];
    let batch: string[] = [];
    let size = 2;
    for (const m of messages) {
      if (batch.length && size + m.length + 3 > MAX_PAYLOAD) {
        payloads.push(JSON.stringify(batch));
        batch = [];
        size = 2;
      }
      batch.push(m);
      size += Buffer.byteLength(m) + 3;
    }
    if (batch.length) payloads.push(JSON.stringify(batch));
    try {
      await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.options.channel, payloads]);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
