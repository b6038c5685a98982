import type { OutboundMessage } from '@parley/channels';
import type { Json } from '@parley/dialogue-core';
import { OutboxStore, type OutboxDelivery } from '@parley/persistence';
import { describeError } from '../logging/json.logger';
import type { Runtime } from '../runtime';

/** Delivers one outbox item; throw to retry later. Receivers dedupe on `item.messageId` (delivery is at least once). */
export type Deliverer = (item: OutboxDelivery) => Promise<void>;

export interface Deliveries {
  /** Pushed replies, by channel. */
  channels: Record<string, Deliverer>;
  /** `call` effects, by service name: `input` is the effect's input. */
  services: Record<string, (input: Json, item: OutboxDelivery) => Promise<void>>;
}

/**
 * The REST channel has no push transport: its clients read pushed replies from the transcript, which the turn already
 * wrote. Its outbox items are marked delivered at once (other channels will push them).
 */
export const defaultDeliveries = (): Deliveries => ({ channels: { rest: async () => undefined }, services: {} });

const BATCH = 50;
const LEASE_MS = 30_000;
const MAX_ATTEMPTS = 10;

/** After commit: deliver outbox items at least once, shared across instances (claims use SKIP LOCKED). */
export class OutboxDispatcher {
  private readonly store: OutboxStore;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly runtime: Runtime) {
    this.store = new OutboxStore(runtime.db);
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  backlog(): Promise<number> {
    return this.store.backlog();
  }

  /** Run now (a turn just wrote outbox items). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), 0);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.running = true;
    let release!: () => void;
    this.idle = new Promise((resolve) => (release = resolve));
    try {
      for (;;) {
        this.again = false;
        const items = await this.store.claim(BATCH, LEASE_MS);
        await Promise.all(items.map((item) => this.deliver(item)));
        if ((items.length < BATCH && !this.again) || this.stopped) break;
      }
    } catch (error) {
      this.runtime.metrics.countError('OUTBOX_FAILED');
      this.runtime.logger.error('outbox dispatch failed', { err: describeError(error) });
    } finally {
      this.running = false;
      release();
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.tick(), this.runtime.config.outboxPollMs);
        this.timer.unref();
      }
    }
  }

  private async deliver(item: OutboxDelivery): Promise<void> {
    const { deliveries, logger } = this.runtime;
    try {
      if (item.kind === 'reply') {
        const adapter = this.runtime.channels.get(item.botId, item.target);
        if (adapter) await adapter.deliver(outboundMessage(item));
        else {
          const deliver = deliveries.channels[item.target];
          if (!deliver) throw new Error(`No deliverer for channel '${item.target}'.`);
          await deliver(item);
        }
      } else {
        const service = deliveries.services[item.target];
        if (!service) throw new Error(`No service '${item.target}' is configured for outbound calls.`);
        await service(item.payload, item);
      }
      await this.store.delivered(item);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryInMs = Math.min(1000 * 2 ** (item.attempts - 1), 5 * 60_000);
      await this.store.failed(item, message, retryInMs, MAX_ATTEMPTS);
      this.runtime.metrics.countError('OUTBOX_DELIVERY_FAILED');
      logger.warn('outbox delivery failed', { conversationId: item.conversationId, target: item.target, attempts: item.attempts, message });
    }
  }
}

/** An outbox reply item as a channel adapter's `deliver` takes it. */
function outboundMessage(item: OutboxDelivery): OutboundMessage {
  const payload = (item.payload ?? {}) as { text?: string; choices?: string[]; address?: Json };
  return {
    botId: item.botId,
    channel: item.target,
    conversationId: item.conversationId,
    userId: item.userId,
    messageId: item.messageId,
    reply: { type: 'text', text: payload.text ?? '', ...(payload.choices?.length ? { choices: payload.choices } : {}) },
    address: payload.address,
    attempt: item.attempts,
  };
}
