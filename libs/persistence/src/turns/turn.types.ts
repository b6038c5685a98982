import type { Json } from '@parley/dialogue-core';

/** The rows one turn writes (built from a `TurnRecord` by `turn.rows.ts`), in one statement of its transaction. */
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
  /** Where the conversation's later pushes go (`TurnRecord.address`); undefined: as it was. */
  address?: Json;
  /** `snapshot` and `history` as JSON text, when the caller already has it. Must say the same as the objects. */
  json?: { snapshot: string; history?: string };
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
  /** On a reply line: the answers the reply offered (`Reply.choices`), given again with it on a redelivery. */
  choices?: string[] | null;
}

export interface OutboxLine {
  kind: 'reply' | 'call' | 'webhook';
  /** Channel (for replies), service (for calls) or webhook subscription. */
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
