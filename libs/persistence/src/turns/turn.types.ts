import type { Json, MemoryPort } from '@parley/dialogue-core';

/** Who a conversation is: its id is derived from (bot, channel, user), so any instance finds the same row. */
export interface ConversationKey {
  id: string;
  botId: string;
  channel: string;
  userId: string;
}

/** The conversation row, locked FOR UPDATE by the current transaction. */
export interface LockedConversation extends ConversationKey {
  botVersion: number;
  snapshot: Json | null;
  turns: number;
  status: 'active' | 'ended';
  transcriptSeq: number;
  /** `conversations.version`: bumped by every write, so a cached copy can be checked against it (`GroupWriter`). */
  version: number;
}

/** A memory record as the turn read it (`data` undefined: there was none). */
export interface MemoryRow {
  scope: string;
  name: string;
  data: Json | undefined;
}

/** What was read after the lock: an earlier response to the same message, the back-step history, memory. */
export interface TurnContext {
  /** When this (channel, message id) was handled before: the replies that turn gave, to give them again. */
  duplicate?: { replies: string[] };
  history: Json[];
  memory: MemoryPort;
  /** The prefetched addresses with what was found (kept by the instance's conversation cache). */
  preloaded: MemoryRow[];
}

export interface TranscriptLine {
  direction: 'in' | 'out';
  kind: 'message' | 'event' | 'reply';
  text: string;
  messageId?: string | null;
  event?: Json | null;
  /**
   * On the inbound line of a message deduplicated by id: the channel the id comes from. (channel, messageId) is unique
   * per conversation: it is the dedupe record, and the turn's reply lines are the response to give again.
   */
  channel?: string | null;
  /** On the inbound line: the state after the turn (focus, stacks, active stages), for the Studio's history. */
  state?: Json | null;
}

export interface OutboxLine {
  kind: 'reply' | 'call';
  /** Channel (for replies) or service (for calls). */
  target: string;
  payload: Json;
  /** Stable id receivers dedupe on. */
  messageId: string;
}

export interface ScheduleLine {
  at: string;
  event: Json;
  key?: string;
}

/** Everything one turn writes, in one statement of the turn's transaction. */
export interface TurnWrite {
  botVersion: number;
  snapshot: Json | null;
  turns: number;
  status: 'active' | 'ended';
  /** The new back-step history; undefined = unchanged. */
  history?: Json[];
  transcript: TranscriptLine[];
  memory: { scope: string; name: string; data: Json }[];
  outbox: OutboxLine[];
  schedules: ScheduleLine[];
  /**
   * `snapshot` and `history` as JSON text, when the caller already has it (the turn service builds the history's
   * text from the texts of its steps instead of serializing them again). Must say the same as the objects.
   */
  json?: { snapshot: string; history?: string };
}

/** A due scheduled job, claimed (deleted) inside the current transaction. */
export interface ClaimedJob {
  id: string;
  conversationId: string;
  key: string | null;
  runAt: Date;
  event: { type: string; [key: string]: unknown };
}
