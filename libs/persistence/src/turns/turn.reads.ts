import type { ConversationKey, ConversationRecord, Json, LoadedTurn, LoadRequest, MemoryAddress } from '@parley/dialogue-core';
import type { Tables } from '../database/schema';
import { memoryLockSql } from './memory.locks';
import { inline } from './sql';
import { memoryAddressKey, memorySelect, TransactionMemory } from './transaction.memory';

/**
 * The reads of a turn, shared by a turn under the lock (`TurnTransaction`) and a lock-free read
 * (`PostgresConversationStore.read`): the conversation row, then the dedupe record, history and prefetched memory.
 */

export interface LoadRow {
  duplicate: LoadedTurn['duplicate'] | null;
  history: Json[] | null;
  memory: { scope: string; name: string; data: Json }[];
}

export interface ConversationRow {
  id: string;
  bot_id: string;
  channel: string;
  user_id: string;
  bot_version: number;
  snapshot: Json | null;
  turns: number;
  status: 'active' | 'ended';
  transcript_seq: number;
  version: number;
}

/** The conversation row by id ($1): locked FOR UPDATE (waiting, or skipping a locked row), or not locked at all. */
export function conversationSql(t: Tables, lock: 'wait' | 'skip' | 'none'): string {
  return `SELECT id, bot_id, channel, user_id, bot_version, state->'snapshot' AS snapshot, turns, status, transcript_seq, version
            FROM ${t.conversations} WHERE id = $1${lock === 'wait' ? ' FOR UPDATE' : lock === 'skip' ? ' FOR UPDATE SKIP LOCKED' : ''}`;
}

/** Create a user's conversation on first contact, race-free ($1..$5: id, bot, channel, user, bot version). */
export function createConversationSql(t: Tables): string {
  return `INSERT INTO ${t.conversations} (id, bot_id, channel, user_id, bot_version) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (id) DO NOTHING`;
}

/**
 * The load, as literal SQL (it shares a round trip with other statements). With `lockMemory`, the advisory locks of
 * the prefetched records come first, as a statement of their own: the load's fresh snapshot then sees what their
 * previous holder committed (`memory.locks.ts`).
 */
export function loadSql(t: Tables, conversationId: string, request: LoadRequest, lockMemory: boolean): string {
  const memoryLocks = lockMemory ? memoryLockSql(t, conversationId, request.prefetch) : undefined;
  const load = inline(loadSelect(t), loadParams(conversationId, request));
  return memoryLocks ? `${memoryLocks};\n${load}` : load;
}

/** The load's parameters ($1..$4): the prefetched addresses, the conversation, and the message id to dedupe. */
export function loadParams(conversationId: string, { dedupe, prefetch }: LoadRequest): [string, string, string | null, string | null] {
  return [JSON.stringify(prefetch), conversationId, dedupe?.channel ?? null, dedupe?.messageId ?? null];
}

/** The earlier response to the message id, the back-step history and the prefetched memory (`loadParams`). */
function loadSelect(t: Tables): string {
  return `SELECT
       (SELECT jsonb_build_object('replies', (
                 SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('text', o.text, 'choices', o.choices)) ORDER BY o.seq), '[]'::jsonb)
                   FROM ${t.transcript} o
                  WHERE o.conversation_id = i.conversation_id AND o.turn = i.turn AND o.direction = 'out'),
                 'inbound', jsonb_build_object('text', i.text, 'event', i.event))
          FROM ${t.transcript} i WHERE i.conversation_id = $2 AND i.channel = $3 AND i.message_id = $4) AS duplicate,
       (SELECT state->'history' FROM ${t.conversations} WHERE id = $2) AS history,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('scope', m.scope, 'name', m.name, 'data', m.data)), '[]'::jsonb)
          FROM (${memorySelect(t)}) m) AS memory`;
}

/**
 * A user's conversation row (its columns null when there is none yet) with the load, in one statement that locks
 * nothing (`loadParams`; $2 is the conversation): the read before a turn from a copy. A constant text per tables, so
 * it is prepared once per connection: planned every time, it cost PostgreSQL more than running it.
 */
const readStatements = new WeakMap<Tables, string>();
export function readStatement(t: Tables): string {
  let text = readStatements.get(t);
  if (text === undefined) {
    text = `SELECT c.id, c.bot_id, c.channel, c.user_id, c.bot_version, c.state->'snapshot' AS snapshot, c.turns, c.status,
                   c.transcript_seq, c.version, l.duplicate, l.history, l.memory
              FROM (${loadSelect(t)}) l LEFT JOIN ${t.conversations} c ON c.id = $2`;
    readStatements.set(t, text);
  }
  return text;
}

/** What was loaded; memory beyond the prefetched records is read through `runner`. */
export function toLoaded(
  runner: { query<T>(sql: string, params?: unknown[]): Promise<T[]> },
  t: Tables,
  row: LoadRow | undefined,
  prefetch: readonly MemoryAddress[],
): LoadedTurn {
  const rows = row?.memory ?? [];
  const found = new Map(rows.map((r) => [memoryAddressKey(r), r.data]));
  return {
    duplicate: row?.duplicate ?? undefined,
    history: row?.history ?? [],
    memory: new TransactionMemory(runner, t, prefetch, rows),
    preloaded: prefetch.map((a) => ({ scope: a.scope, name: a.name, data: found.get(memoryAddressKey(a)) })),
  };
}

/** A user's conversation before its first write (which creates it: `GroupWriter`, `TurnTransaction.lock`). */
export function newConversation(key: ConversationKey, botVersion: number): ConversationRecord {
  return { ...key, botVersion, snapshot: null, turns: 0, status: 'active', transcriptSeq: 0, version: 0 };
}

export function toRecord(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    botId: row.bot_id,
    channel: row.channel,
    userId: row.user_id,
    botVersion: row.bot_version,
    snapshot: row.snapshot,
    turns: row.turns,
    status: row.status,
    transcriptSeq: row.transcript_seq,
    version: row.version,
  };
}
