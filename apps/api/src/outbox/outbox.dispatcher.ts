import { DeliveryError, type OutboundMessage } from '@parley/channels';
import type { Json } from '@parley/dialogue-core';
import { OutboxStore, type FollowUp, type OutboxDelivery } from '@parley/persistence';
import { describeError } from '../logging/json.logger';
import type { Runtime } from '../runtime';
import { deadLettered, pushSent, replyPushed, type EventSubject } from '../webhooks/webhook.events';
import type { WebhookSubscriptions } from '../webhooks/webhook.subscriptions';
import { postSigned } from './http.delivery';

/** Delivers one outbox item; throw to retry later. Receivers dedupe on `item.messageId` (delivery is at least once). */
export type Deliverer = (item: OutboxDelivery) => Promise<void>;

export interface Deliveries {
  /** Pushed replies, by channel (before the channel's adapter and the REST callback: embedders and tools). */
  channels: Record<string, Deliverer>;
  /** `call` effects, by service name: `input` is the effect's input. */
  services: Record<string, (input: Json, item: OutboxDelivery) => Promise<void>>;
}

/** How a delivered item went: the transport that confirmed it. */
type Transport = 'channel' | 'callback' | 'transcript' | 'service' | 'webhook';

const BATCH = 50;

/**
 * The delay before try `attempts + 1`: exponential backoff with full jitter, a random time in
 * `[0, min(cap, base × 2^(attempts − 1))]`, and never sooner than the receiver asked (`retryAfterMs`).
 */
export function retryDelayMs(attempts: number, options: { baseMs: number; capMs: number; retryAfterMs?: number; random?: () => number }): number {
  const bound = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  const jittered = Math.floor((options.random ?? Math.random)() * bound);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/**
 * After commit: deliver outbox items at least once, in order per conversation and receiver, shared across instances
 * (docs/delivery.md). An item is delivered when its transport confirmed it; a failure is retried with backoff (or when
 * the receiver said, `Retry-After`); after `OUTBOX_MAX_ATTEMPTS` tries, or at once for a `DeliveryError.permanent`,
 * it becomes a dead letter and the receiver's next items go on.
 */
export class OutboxDispatcher {
  private readonly store: OutboxStore;
  private timer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private running = false;
  private again = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();
  private refreshedAt = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly webhooks: WebhookSubscriptions,
    private readonly random: () => number = Math.random,
  ) {
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

  counts(): Promise<{ pending: number; dead: number }> {
    return this.store.counts();
  }

  /** Run now (a turn just wrote outbox items, a dead letter was replayed). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.wake(0);
  }

  private wake(inMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + inMs;
    if (this.timer && at >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, inMs));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.wakeAt = Infinity;
    if (this.running || this.stopped) return;
    this.running = true;
    let release!: () => void;
    this.idle = new Promise((resolve) => (release = resolve));
    let next = this.runtime.config.outboxPollMs;
    try {
      await this.refreshSubscriptions();
      for (;;) {
        this.again = false;
        const items = await this.store.claim(BATCH, this.runtime.config.outboxLeaseMs);
        const retries = await Promise.all(items.map((item) => this.deliver(item)));
        for (const inMs of retries) if (inMs !== undefined) next = Math.min(next, inMs);
        // A delivered item lets its lane's next one go: claim again until nothing is due.
        if ((items.length === 0 && !this.again) || this.stopped) break;
      }
    } catch (error) {
      this.runtime.metrics.countError('OUTBOX_FAILED');
      this.runtime.logger.error('outbox dispatch failed', { err: describeError(error) });
    } finally {
      this.running = false;
      release();
      this.wake(this.again ? 0 : next);
    }
  }

  private async refreshSubscriptions(): Promise<void> {
    if (Date.now() - this.refreshedAt < 1000) return;
    this.refreshedAt = Date.now();
    await this.webhooks.refresh();
  }

  /** One try of one item, and its outcome recorded. Returns the retry delay when it failed and will be retried. */
  private async deliver(item: OutboxDelivery): Promise<number | undefined> {
    const { logger, metrics, config } = this.runtime;
    let transport: Transport;
    try {
      transport = await this.send(item);
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : undefined;
      const message = error instanceof Error ? error.message : String(error);
      const context = { conversationId: item.conversationId, kind: item.kind, target: item.target, messageId: item.messageId, attempts: item.attempts };
      if (failure?.permanent || item.attempts >= config.outboxMaxAttempts) {
        const followUps = this.deadLetterEvents(item, message);
        if (await this.store.dead(item, message, followUps)) {
          metrics.countDelivery(item.kind, 'dead');
          logger.error('delivery dead-lettered', { ...context, err: message, permanent: failure?.permanent ?? false });
        }
        return undefined;
      }
      const inMs = retryDelayMs(item.attempts, {
        baseMs: config.outboxBackoffBaseMs,
        capMs: config.outboxBackoffCapMs,
        retryAfterMs: failure?.retryAfterMs,
        random: this.random,
      });
      if (await this.store.retry(item, message, inMs)) {
        metrics.countDelivery(item.kind, 'retried');
        logger.warn('delivery failed, will retry', { ...context, err: message, retryInMs: inMs });
      }
      return inMs;
    }
    if (await this.store.delivered(item, this.deliveredEvents(item, transport))) metrics.countDelivery(item.kind, 'delivered');
    return undefined;
  }

  private async send(item: OutboxDelivery): Promise<Transport> {
    const { deliveries, channels, config } = this.runtime;
    if (item.kind === 'call') {
      const service = deliveries.services[item.target];
      if (!service) throw new Error(`No service '${item.target}' is configured for outbound calls.`);
      await this.withinTime(service(item.payload, item), `service '${item.target}'`);
      return 'service';
    }
    if (item.kind === 'webhook') {
      const subscription = this.webhooks.get(item.target);
      if (!subscription) throw new DeliveryError(`The webhook subscription '${item.target}' no longer exists.`, { permanent: true });
      await postSigned(subscription.url, subscription.secret, item.messageId, JSON.stringify(item.payload), { timeoutMs: config.outboxHttpTimeoutMs });
      return 'webhook';
    }
    const own = deliveries.channels[item.target];
    if (own) {
      await this.withinTime(own(item), `the '${item.target}' deliverer`);
      return 'channel';
    }
    const adapter = channels.get(item.botId, item.target);
    if (adapter) {
      await this.withinTime(adapter.deliver(outboundMessage(item)), `the '${item.target}' channel`);
      return 'channel';
    }
    if (item.target !== 'rest') throw new Error(`No deliverer for channel '${item.target}'.`);
    return this.sendRest(item);
  }

  /**
   * A transport that does not settle within OUTBOX_HTTP_TIMEOUT_MS is a failed try: past the lease another instance
   * would send the item again while this one still waits.
   */
  private async withinTime(delivery: Promise<void>, what: string): Promise<void> {
    const ms = this.runtime.config.outboxHttpTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError(`${what} did not answer within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([delivery, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A REST push: POSTed, signed, to the conversation's callback URL (given with a request, else the bot's configured
   * one). With none, the push stays readable in the transcript (the turn wrote it) and counts as delivered.
   */
  private async sendRest(item: OutboxDelivery): Promise<Transport> {
    const callback = this.runtime.config.restCallbacks[item.botId];
    const url = callbackUrlOf(payloadOf(item).address) ?? callbackUrlOf(item.address) ?? callback?.url;
    if (!url) return 'transcript';
    if (!callback) {
      throw new DeliveryError(`The bot '${item.botId}' has no REST callback secret (REST_CALLBACKS) to sign its pushes with.`, { permanent: true });
    }
    const { text, choices } = payloadOf(item);
    const body = replyPushed(subjectOf(item), item.messageId, { text: text ?? '', choices }, new Date());
    await postSigned(url, callback.secret, item.messageId, JSON.stringify(body), { timeoutMs: this.runtime.config.outboxHttpTimeoutMs });
    return 'callback';
  }

  /** `push.sent` for a confirmed pushed reply. */
  private deliveredEvents(item: OutboxDelivery, transport: Transport): FollowUp[] {
    if (item.kind !== 'reply' || this.webhooks.empty) return [];
    const { text, choices } = payloadOf(item);
    const event = pushSent(
      subjectOf(item),
      { messageId: item.messageId, text: text ?? '', choices, transport: transport === 'callback' || transport === 'transcript' ? transport : 'channel' },
      new Date(),
    );
    return this.webhooks.fanOut(item.botId, [{ id: `${item.messageId}/push.sent`, event }]);
  }

  /**
   * `delivery.dead_lettered` for a dead item, to every subscription but the one that is failing (it would only fail
   * again), and never about a dead-lettered notice itself (no chain of notices about notices).
   */
  private deadLetterEvents(item: OutboxDelivery, error: string): FollowUp[] {
    if (this.webhooks.empty) return [];
    if (item.kind === 'webhook' && (item.payload as { type?: unknown } | null)?.type === 'delivery.dead_lettered') return [];
    const event = deadLettered(
      subjectOf(item),
      { id: item.id, kind: item.kind, target: item.target, messageId: item.messageId, attempts: item.attempts, error },
      new Date(),
    );
    return this.webhooks.fanOut(item.botId, [{ id: `${item.id}/dead_lettered/${Date.now()}`, event }], item.kind === 'webhook' ? item.target : undefined);
  }
}

function subjectOf(item: OutboxDelivery): EventSubject {
  return { botId: item.botId, conversationId: item.conversationId, channel: item.channel, userId: item.userId };
}

function payloadOf(item: OutboxDelivery): { text?: string; choices?: string[]; address?: Json } {
  return (item.payload ?? {}) as { text?: string; choices?: string[]; address?: Json };
}

/** The callback URL kept in an address (`{ callbackUrl }`), if any. */
function callbackUrlOf(address: Json | null | undefined): string | undefined {
  const url = (address as { callbackUrl?: unknown } | null | undefined)?.callbackUrl;
  return typeof url === 'string' ? url : undefined;
}

/** An outbox reply item as a channel adapter's `deliver` takes it (the item's address, else the conversation's). */
function outboundMessage(item: OutboxDelivery): OutboundMessage {
  const payload = payloadOf(item);
  return {
    botId: item.botId,
    channel: item.target,
    conversationId: item.conversationId,
    userId: item.userId,
    messageId: item.messageId,
    reply: { type: 'text', text: payload.text ?? '', ...(payload.choices?.length ? { choices: payload.choices } : {}) },
    address: payload.address ?? item.address ?? undefined,
    attempt: item.attempts,
  };
}
