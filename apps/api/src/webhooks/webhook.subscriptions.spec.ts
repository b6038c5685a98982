import type { StoredSubscription, WebhookSubscriptionStore } from '@parley/persistence';
import { pushSent } from './webhook.events';
import { WebhookSubscriptions } from './webhook.subscriptions';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function storeWith(rows: Omit<StoredSubscription, 'createdAt'>[]): WebhookSubscriptionStore {
  return { list: () => Promise.resolve(rows.map((r) => ({ ...r, createdAt: new Date(0) }))) } as unknown as WebhookSubscriptionStore;
}

describe('WebhookSubscriptions', () => {
  test('one item per subscription that wants the event for this bot, except the one to skip', async () => {
    const subscriptions = new WebhookSubscriptions(
      [
        { id: 'all-bots', url: 'https://a.example', secret: SECRET, events: ['push.sent'] },
        { id: 'juice-only', url: 'https://b.example', secret: SECRET, events: ['push.sent', 'turn.handled'], bots: ['juice'] },
      ],
      storeWith([
        { id: 'api-pizza', url: 'https://c.example', secret: SECRET, events: ['push.sent'], bots: ['pizza'] },
        { id: 'api-turns', url: 'https://d.example', secret: SECRET, events: ['turn.handled'], bots: null },
      ]),
    );
    expect(subscriptions.all().map((s) => s.id)).toEqual(['all-bots', 'juice-only']);
    await subscriptions.refresh();
    const event = pushSent({ botId: 'juice', conversationId: 'c', channel: 'rest', userId: 'u' }, { messageId: 'm#1', text: 'hi', transport: 'transcript' }, new Date(0));
    const items = subscriptions.fanOut('juice', [{ id: 'm#1/push.sent', event }]);
    expect(items.map((i) => [i.target, i.messageId])).toEqual([
      ['all-bots', 'm#1/push.sent'],
      ['juice-only', 'm#1/push.sent'],
    ]);
    expect(subscriptions.fanOut('pizza', [{ id: 'x', event }]).map((i) => i.target)).toEqual(['all-bots', 'api-pizza']);
    expect(subscriptions.fanOut('juice', [{ id: 'x', event }], 'all-bots').map((i) => i.target)).toEqual(['juice-only']);
    expect(subscriptions.get('api-turns')?.source).toBe('api');
    expect(subscriptions.empty).toBe(false);
    expect(new WebhookSubscriptions([], storeWith([])).empty).toBe(true);
  });
});
