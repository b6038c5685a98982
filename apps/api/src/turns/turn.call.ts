import type { BotDefinition, Json, ConversationKey, Reply, TurnInput, TurnRecord, TurnResult } from '@parley/dialogue-core';

/** Where a turn goes: the conversation of a user on a channel (created on first contact) or an existing one by id. */
export type TurnTarget =
  | { kind: 'user'; bot: BotDefinition; key: ConversationKey }
  | { kind: 'conversation'; id: string };

export interface TurnCall {
  target: TurnTarget;
  input: TurnInput;
  messageId: string;
  /** Dedupe redeliveries of `messageId` on this channel (absent for scheduled jobs, which dedupe by deletion). */
  dedupeChannel?: string;
  /** `response`: replies go back in the HTTP response. `push`: they are pushed through the outbox (events, timers). */
  delivery: 'response' | 'push';
  /**
   * Where pushed replies go on the platform (a chat, a thread; a REST callback URL): kept in their outbox items
   * (`InboundTurn.address`) and, written with the turn, on the conversation for its later pushes.
   */
  address?: Json;
  /**
   * The user id that keys the turn's user-scoped memory: the identity the user is linked to (identity links), else the
   * user's own. Set by the turn service before the turn; callers leave it out.
   */
  memoryUserId?: string;
  /** With `delivery: 'push'`: a platform's passive reply window (`PassiveWindow`), asked as the turn is written. */
  passive?: PassiveClaim;
}

/** How many of a turn's first replies go back in the HTTP response rather than through the outbox. */
export interface PassiveClaim {
  /** Called as the turn is written (again if the write is retried): the answer holds for this write. */
  claim(replies: readonly Reply[]): number;
}

/** The response of a turn, returned again, byte for byte, on redelivery. */
export interface TurnResponse {
  conversationId: string;
  messageId: string;
  replies: Reply[];
}

export interface TurnDone {
  response: TurnResponse;
  duplicate: boolean;
  /** Set when a turn ran (not for duplicates). */
  turn?: { bot: BotDefinition; number: number; result: TurnResult; record: TurnRecord };
}
