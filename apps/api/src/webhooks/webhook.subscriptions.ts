import type { Json } from '@parley/dialogue-core';
import type { FollowUp, WebhookSubscriptionStore } from '@parley/persistence';
import type { WebhookConfig } from '../config/app.config';
import type { WebhookEvent, WebhookEventType } from './webhook.events';

/** A subscription, from the configuration or the admin API. */
export interface Subscription {
  id: string;
  url: string;
  secret: string;
  events: readonly string[];
  /** Only these bots' conversations (absent: every bot). */
  bots?: readonly string[];
  source: 'config' | 'api';
  createdAt?: Date;
}

/** An event to send, with the id receivers dedupe on (`webhook-id`, the same on every try). */
export interface IdentifiedEvent {
  id: string;
  event: WebhookEvent;
}

/**
 * The webhook subscriptions this instance knows: the configured ones, and those made through the admin API (read from
 * the database at start, after each change made here, and by the outbox worker at most once a second, so a change on
 * another instance is seen within about a second).
 */
export class WebhookSubscriptions {
  private fromApi: Subscription[] = [];
  private readonly configured: Subscription[];

  constructor(
    config: readonly WebhookConfig[],
    private readonly store: WebhookSubscriptionStore,
  ) {
    this.configured = config.map((c) => ({ ...c, source: 'config' as const }));
  }

  async refresh(): Promise<void> {
    const stored = await this.store.list();
    this.fromApi = stored.map((s) => ({
      id: s.id,
      url: s.url,
      secret: s.secret,
      events: s.events,
      ...(s.bots ? { bots: s.bots } : {}),
      source: 'api' as const,
      createdAt: s.createdAt,
    }));
  }

  all(): Subscription[] {
    return [...this.configured, ...this.fromApi];
  }

  get(id: string): Subscription | undefined {
    return this.configured.find((s) => s.id === id) ?? this.fromApi.find((s) => s.id === id);
  }

  /** True when no subscription wants anything: turns skip building events. */
  get empty(): boolean {
    return this.configured.length === 0 && this.fromApi.length === 0;
  }

  /** One outbox item per (event, subscription that wants it for this bot), except to `skip` (a receiver that is down). */
  fanOut(botId: string, events: readonly IdentifiedEvent[], skip?: string): FollowUp[] {
    const items: FollowUp[] = [];
    for (const { id, event } of events) {
      for (const s of this.all()) {
        if (s.id === skip || !wants(s, botId, event.type)) continue;
        items.push({ target: s.id, payload: event as unknown as Json, messageId: id });
      }
    }
    return items;
  }
}

function wants(s: Subscription, botId: string, type: WebhookEventType): boolean {
  return s.events.includes(type) && (!s.bots || s.bots.includes(botId));
}
