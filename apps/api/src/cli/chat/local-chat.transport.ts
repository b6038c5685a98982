import type { BotDefinition } from '@parley/dialogue-core';
import { conversationIdFor } from '@parley/persistence';
import { AdminService } from '../../admin/admin.service';
import { createApp, type CreateAppOptions } from '../../app.factory';
import { ApiError } from '../../errors/api.error';
import { TurnService } from '../../turns/turn.service';
import { CHAT_CHANNEL, pushedTexts, replyLine, type ChatTransport } from './chat.transport';

/**
 * The chat runs Parley in its own process (no HTTP listener) on the configured database: the same turn pipeline and
 * admin reads as the server. Replies pushed to this conversation later (timers, external events) are handed to
 * `onPushed`. On the embedded database this needs the data directory's lock, so it is the mode for when no server runs.
 */
export async function openLocalChat(
  app: Omit<CreateAppOptions, 'listen' | 'deliveries'>,
  bot: BotDefinition,
  userId: string,
  onPushed: (text: string) => void,
): Promise<ChatTransport> {
  const conversationId = conversationIdFor(bot.id, CHAT_CHANNEL, userId);
  const parley = await createApp({
    ...app,
    listen: false,
    deliveries: {
      channels: {
        [CHAT_CHANNEL]: async (item) => {
          if (item.conversationId === conversationId) for (const text of pushedTexts(item.payload)) onPushed(text);
        },
      },
    },
  });
  const turns = parley.app.get(TurnService);
  const admin = parley.app.get(AdminService);
  return {
    via: parley.db.embedded ? `on the embedded database in ${parley.config.dataDir}` : 'on PostgreSQL from DATABASE_URL',
    conversationId,
    async send(text, messageId) {
      const response = await turns.take({
        target: { kind: 'user', bot, key: { id: conversationId, botId: bot.id, channel: CHAT_CHANNEL, userId } },
        input: { kind: 'message', text },
        messageId,
        dedupeChannel: CHAT_CHANNEL,
        delivery: 'response',
      });
      return response.replies.map(replyLine);
    },
    async view() {
      try {
        return (await admin.conversation(conversationId)).state;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CONVERSATION_NOT_FOUND') return null;
        throw error;
      }
    },
    close: () => parley.close(),
  };
}
