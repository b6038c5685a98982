import type { TurnNotification } from '@parley/dialogue-core';
import type { TurnNotice } from '../turns/turn.service';
import { turnEvents } from './webhook.events';
import type { WebhookSubscriptions } from './webhook.subscriptions';

/**
 * The event webhooks of a turn, as outbox items written in the turn's transaction: one per (event, subscription that
 * wants it). An event's id (`webhook-id`) is `<conversation>/<turn>/<type>/<n>`: the same if the turn is run again
 * (a stale copy), and one per event whatever the number of subscriptions.
 */
export function turnNotifications(webhooks: WebhookSubscriptions): (notice: TurnNotice) => TurnNotification[] {
  return ({ bot, conversation, call, number, result }) => {
    if (webhooks.empty) return [];
    const subject = { botId: bot.id, conversationId: conversation.id, channel: conversation.channel, userId: conversation.userId };
    const events = turnEvents(subject, { number, messageId: call.messageId, input: call.input }, result, new Date());
    return webhooks
      .fanOut(
        bot.id,
        events.map((event, n) => ({ id: `${conversation.id}/${number}/${event.type}/${n}`, event })),
      )
      .map((item) => ({ kind: 'webhook' as const, ...item }));
  };
}
