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
  /** One user message → the bot's replies, as the chat shows them (`replyLine`). */
  send(text: string, messageId: string): Promise<string[]>;
  /** The stored conversation (focus, stacks, active stage, pending question), or null before its first turn. */
  view(): Promise<ConversationView | null>;
  close(): Promise<void>;
}

/** The channel whose conversations the chat continues. */
export const CHAT_CHANNEL = 'rest';

/** A reply as the terminal shows it: its text, then the answers it offers, as the Studio shows them: `要加冰吗? [加冰 | 不加冰]`. */
export function replyLine(reply: { text: string; choices?: readonly string[] }): string {
  return reply.choices?.length ? `${reply.text} [${reply.choices.join(' | ')}]` : reply.text;
}

/** The lines of a pushed outbox item (one reply, or a turn's replies), as `replyLine` shows them. */
export function pushedTexts(payload: unknown): string[] {
  const { replies } = (payload ?? {}) as { replies?: unknown[] };
  return (Array.isArray(replies) ? replies : [payload]).flatMap((reply) => {
    const { text, choices } = (reply ?? {}) as { text?: unknown; choices?: unknown };
    if (typeof text !== 'string') return [];
    const offered = Array.isArray(choices) ? choices.filter((c): c is string => typeof c === 'string') : undefined;
    return [replyLine({ text, choices: offered })];
  });
}
