import type { ConversationView } from '@parley/dialogue-core';

/**
 * How the terminal chat reaches a bot: through a running server's REST channel (`remote-chat.transport.ts`) or
 * through its own in-process Parley on the database (`local-chat.transport.ts`). Either way the conversation is the
 * REST channel's conversation of the chat's user, so the chat resumes the same conversation in both modes.
 */
export interface ChatTransport {
  /** How the chat talks to the bot, for its first line ("through the server at …"). */
  readonly via: string;
  readonly conversationId: string;
  /** One user message → the bot's replies. */
  send(text: string, messageId: string): Promise<string[]>;
  /** The stored conversation (focus, stacks, active stage, pending question), or null before its first turn. */
  view(): Promise<ConversationView | null>;
  close(): Promise<void>;
}

/** The channel whose conversations the chat continues. */
export const CHAT_CHANNEL = 'rest';

/** The texts of a pushed outbox item (one reply, or a turn's replies). */
export function pushedTexts(payload: unknown): string[] {
  const { text, replies } = (payload ?? {}) as { text?: unknown; replies?: { text?: unknown }[] };
  if (Array.isArray(replies)) return replies.map((r) => r.text).filter((t): t is string => typeof t === 'string');
  return typeof text === 'string' ? [text] : [];
}
