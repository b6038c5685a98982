import { randomBytes } from 'node:crypto';
import { generateWebhookSecret, parseCallbackUrl, webhookKey, ChannelError } from '@parley/channels';
import { OutboxStore, WebhookSubscriptionStore, type DeadLetter, type DeadLetterFilter } from '@parley/persistence';
import { ApiError } from '../errors/api.error';
import type { OutboxDispatcher } from '../outbox/outbox.dispatcher';
import type { Runtime } from '../runtime';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhooks/webhook.events';
import type { Subscription, WebhookSubscriptions } from '../webhooks/webhook.subscriptions';

/** A subscription as the admin API shows it: the secret only when it was just created. */
export interface SubscriptionView {
  id: string;
  url: string;
  events: readonly string[];
  bots: readonly string[] | null;
  source: 'config' | 'api';
  createdAt: string | null;
  secret?: string;
}

/** The admin API's delivery use cases: dead letters (list, replay) and webhook subscriptions (create, list, delete). */
export class DeliveriesService {
  private readonly outbox: OutboxStore;
  private readonly subscriptionStore: WebhookSubscriptionStore;

  constructor(
    private readonly runtime: Runtime,
    private readonly dispatcher: OutboxDispatcher,
    private readonly webhooks: WebhookSubscriptions,
  ) {
    this.outbox = new OutboxStore(runtime.db);
    this.subscriptionStore = new WebhookSubscriptionStore(runtime.db);
  }

  async deadLetters(filter: DeadLetterFilter, limit: number, before?: { deadAt: string; id: string }) {
    const rows = await this.outbox.deadLetters(filter, { limit: limit + 1, before });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(view),
      next: rows.length > limit && last ? Buffer.from(JSON.stringify([last.cursor.deadAt, last.cursor.id])).toString('base64url') : null,
    };
  }

  /** One dead letter (by id) or all that match, back to pending with their tries reset; delivered in order again. */
  async replay(filter: DeadLetterFilter & { id?: string }): Promise<{ replayed: number }> {
    const replayed = await this.outbox.replay(filter);
    if (filter.id !== undefined && replayed === 0) {
      throw new ApiError('DELIVERY_NOT_FOUND', `No dead letter '${filter.id}' (it may have been replayed already).`, { id: filter.id });
    }
    this.runtime.logger.info('dead letters replayed', { ...filter, replayed });
    this.dispatcher.kick();
    return { replayed };
  }

  subscriptions(): { items: SubscriptionView[] } {
    return { items: this.webhooks.all().map((s) => subscriptionView(s)) };
  }

  async createSubscription(body: unknown): Promise<SubscriptionView> {
    const input = parseSubscription(body);
    const subscription = { ...input, id: input.id ?? `wh_${randomBytes(9).toString('base64url')}`, secret: input.secret ?? generateWebhookSecret() };
    if (this.webhooks.get(subscription.id) || !(await this.subscriptionStore.create({ ...subscription, bots: subscription.bots ?? null }))) {
      throw new ApiError('WEBHOOK_CONFLICT', `A webhook subscription '${subscription.id}' exists already.`, { id: subscription.id });
    }
    await this.webhooks.refresh();
    this.runtime.logger.info('webhook subscription created', { id: subscription.id, events: subscription.events });
    const created = this.webhooks.get(subscription.id);
    return { ...subscriptionView(created ?? { ...subscription, source: 'api' }), secret: subscription.secret };
  }

  /** Deleted, with what was still to be sent to it. Configured subscriptions are changed in the configuration. */
  async deleteSubscription(id: string): Promise<{ id: string; deleted: true; dropped: number }> {
    const known = this.webhooks.get(id);
    if (known?.source === 'config') {
      throw new ApiError('WEBHOOK_CONFLICT', `The webhook subscription '${id}' comes from the configuration (WEBHOOKS): remove it there.`, { id });
    }
    if (!(await this.subscriptionStore.delete(id))) throw new ApiError('WEBHOOK_NOT_FOUND', `No webhook subscription '${id}'.`, { id });
    const dropped = await this.outbox.dropLane(`webhook:${id}`);
    await this.webhooks.refresh();
    this.runtime.logger.info('webhook subscription deleted', { id, dropped });
    return { id, deleted: true, dropped };
  }
}

function view(d: DeadLetter) {
  return {
    id: d.id,
    conversationId: d.conversationId,
    botId: d.botId,
    turn: d.turn,
    kind: d.kind,
    target: d.target,
    payload: d.payload,
    messageId: d.messageId,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deadAt: d.deadAt?.toISOString() ?? null,
  };
}

function subscriptionView(s: Subscription): SubscriptionView {
  return { id: s.id, url: s.url, events: s.events, bots: s.bots ?? null, source: s.source, createdAt: s.createdAt?.toISOString() ?? null };
}

const FIELDS = ['id', 'url', 'events', 'bots', 'secret'];

/** `{ url, events, bots?, id?, secret? }`, every field checked (nothing is stored from a bad request). */
function parseSubscription(body: unknown): { id?: string; url: string; events: WebhookEventType[]; bots?: string[]; secret?: string } {
  const invalid = (message: string, field?: string) => new ChannelError('INVALID_REQUEST', message, { channel: 'admin', field });
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The body must be a JSON object: {"url": "https://…", "events": ["turn.handled"]}.');
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!FIELDS.includes(key)) throw invalid(`Unknown field '${key}'. Allowed: ${FIELDS.join(', ')}.`, key);
  const { id, url, events, bots, secret } = record;
  if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id))) {
    throw invalid("'id' must be 1 to 64 letters, digits, '-' or '_'.", 'id');
  }
  const checkedUrl = parseCallbackUrl(url, 'admin', 'url');
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(e))) {
    throw invalid(`'events' must be a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`, 'events');
  }
  if (bots !== undefined && (!Array.isArray(bots) || bots.length === 0 || !bots.every((b) => typeof b === 'string' && b.length > 0 && b.length <= 128))) {
    throw invalid("'bots' must be a non-empty list of bot ids (leave it out for every bot).", 'bots');
  }
  if (secret !== undefined && (typeof secret !== 'string' || !webhookKey(secret))) {
    throw invalid("'secret' must be \"whsec_\" followed by the base64 of 16 to 128 bytes (leave it out to have one generated).", 'secret');
  }
  return {
    ...(id !== undefined ? { id: id } : {}),
    url: checkedUrl,
    events: [...new Set(events as WebhookEventType[])],
    ...(bots !== undefined ? { bots: bots as string[] } : {}),
    ...(secret !== undefined ? { secret: secret } : {}),
  };
}
