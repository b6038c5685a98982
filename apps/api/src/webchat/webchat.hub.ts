import { randomUUID } from 'node:crypto';
import { DeliveryError, type WebchatMessage } from '@parley/channels';
import { PgChangeRelay } from '@parley/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../logging/json.logger';
import { openEventStream } from '../ops/event-stream';
import type { Metrics } from '../ops/metrics';

/** Pages one conversation may hold open on an instance (tabs); the oldest is closed to make room. */
const STREAMS_PER_CONVERSATION = 8;
/** A relayed message larger than this goes as a "read the history" nudge instead (NOTIFY payloads end at 8000 bytes). */
const MAX_RELAYED = 6000;

/** What an open page is sent: messages, or `resync` (something may have been missed: read the history again). */
type StreamEvent = { kind: 'message'; message: WebchatMessage } | { kind: 'resync' };

interface Stream {
  write(event: StreamEvent): void;
  end(): void;
}

/** A relayed batch: messages for one conversation's pages, or a nudge to re-read its history. */
interface Relayed {
  from: string;
  conversationId: string;
  messages?: WebchatMessage[];
}

/**
 * The web chat's open pages on this instance (Server-Sent Events streams, by conversation), and the way messages reach
 * them from every instance: published here, they go to this instance's pages at once and, with a PostgreSQL server, to
 * the other instances over LISTEN/NOTIFY (`parley_webchat.<schema>`), which hand them to theirs. The embedded database
 * belongs to one process: every page is here.
 */
export class WebchatHub {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly instance = randomUUID().slice(0, 12);
  private relay?: PgChangeRelay;

  constructor(
    private readonly logger: JsonLogger,
    private readonly metrics: Metrics,
  ) {}

  async connect(url: string, schema: string): Promise<void> {
    const relay = new PgChangeRelay({
      url,
      channel: `parley_webchat.${schema}`,
      onMessages: (messages) => {
        for (const text of messages) this.received(text);
      },
      // Back after a lost connection: pages may have missed messages meanwhile.
      onResync: () => this.resyncAll(),
      onError: (error) => this.logger.warn('web chat relay', { err: String(error) }),
    });
    await relay.start();
    this.relay = relay;
  }

  /**
   * A pushed message for a conversation's pages, wherever they are (the adapter's `deliver`). Throws a retryable
   * `DeliveryError` while the relay to the other instances is down: the outbox tries again.
   */
  async push(conversationId: string, message: WebchatMessage): Promise<void> {
    if (this.relay && !this.relay.connected) {
      throw new DeliveryError('The web chat relay between instances is reconnecting.', { retryAfterMs: 1000 });
    }
    const here = this.publish(conversationId, [message]);
    this.metrics.countWebchatPush(here > 0);
  }

  /** Messages for a conversation's pages: to this instance's now, to the others' through the relay. Pages here. */
  publish(conversationId: string, messages: WebchatMessage[]): number {
    const here = this.streams.get(conversationId);
    for (const stream of here ?? []) for (const message of messages) stream.write({ kind: 'message', message });
    if (this.relay) {
      let text = JSON.stringify({ from: this.instance, conversationId, messages } satisfies Relayed);
      if (Buffer.byteLength(text) > MAX_RELAYED) text = JSON.stringify({ from: this.instance, conversationId } satisfies Relayed);
      this.relay.send(text);
    }
    return here?.size ?? 0;
  }

  /** Serve a page's stream of its conversation's messages until the page goes away or the server stops. */
  open(request: FastifyRequest, reply: FastifyReply, conversationId: string): void {
    const streams = this.streams.get(conversationId) ?? new Set<Stream>();
    this.streams.set(conversationId, streams);
    const events = openEventStream(request, reply, { conversationId }, () => {
      streams.delete(stream);
      if (streams.size === 0) this.streams.delete(conversationId);
    });
    const stream: Stream = {
      write: (event) => (event.kind === 'message' ? events.write('message', event.message) : events.write('resync', {})),
      end: () => events.end(),
    };
    if (streams.size >= STREAMS_PER_CONVERSATION) [...streams][0]?.end();
    streams.add(stream);
  }

  /** Open pages on this instance. */
  get count(): number {
    let n = 0;
    for (const streams of this.streams.values()) n += streams.size;
    return n;
  }

  async close(): Promise<void> {
    for (const streams of [...this.streams.values()]) for (const stream of [...streams]) stream.end();
    await this.relay?.close();
  }

  private received(text: string): void {
    let relayed: Partial<Relayed>;
    try {
      relayed = JSON.parse(text) as Partial<Relayed>;
    } catch {
      return;
    }
    if (relayed.from === this.instance || typeof relayed.conversationId !== 'string') return;
    const streams = this.streams.get(relayed.conversationId);
    if (!streams) return;
    const messages = Array.isArray(relayed.messages) ? relayed.messages : undefined;
    for (const stream of streams) {
      if (messages) for (const message of messages) stream.write({ kind: 'message', message });
      else stream.write({ kind: 'resync' });
    }
  }

  private resyncAll(): void {
    for (const streams of this.streams.values()) for (const stream of streams) stream.write({ kind: 'resync' });
  }
}
