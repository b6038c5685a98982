import { randomUUID } from 'node:crypto';
import type { Json, MemoryAddress } from '@parley/dialogue-core';
import type { Tables } from '../database/schema';
import { inline, lastRows, rowsAt, type SqlClient } from './sql';
import { memorySelect, TransactionMemory } from './transaction.memory';
import type { ClaimedJob, ConversationKey, LockedConversation, TurnContext, TurnWrite } from './turn.types';

interface LoadRow {
  duplicate: { replies: string[] } | null;
  history: Json[] | null;
  memory: { scope: string; name: string; data: Json }[];
}

interface ConversationRow {
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

/**
 * One turn's transaction on one connection (DESIGN.md §4): lock the conversation row, read what the turn needs,
 * write everything in one statement. Created by `TurnStore.run`, which commits or rolls back.
 *
 * The usual turn costs two round trips: `BEGIN; lock; load` and `write; COMMIT` (several statements in one simple
 * query, values inlined as literals). In READ COMMITTED each statement takes a fresh snapshot, so the load sees
 * the turn that held the lock before this one.
 */
export class TurnTransaction {
  private locked?: LockedConversation;
  private begun = false;
  /** True once COMMIT went out with the write. */
  committed = false;

  constructor(
    private readonly client: SqlClient,
    private readonly t: Tables,
  ) {}

  /** Run a parameterised statement inside the transaction (BEGIN first if needed). */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    await this.begin();
    return lastRows<T>(await this.client.query(sql, params));
  }

  async begin(): Promise<void> {
    if (this.begun) return;
    await this.client.query('BEGIN');
    this.begun = true;
  }

  get active(): boolean {
    return this.begun && !this.committed;
  }

  /**
   * Lock the conversation of a user (creating it on first contact) and load what the turn needs, in one round trip
   * when it exists.
   */
  async lockAndLoad(
    key: ConversationKey,
    botVersion: number,
    dedupe: { channel: string; messageId: string } | undefined,
    prefetch: readonly MemoryAddress[],
  ): Promise<{ locked: LockedConversation; context: TurnContext }> {
    const withBegin = !this.begun;
    const sql = `${withBegin ? 'BEGIN;\n' : ''}${inline(this.lockSql(false), [key.id])};\n${this.loadSql(key.id, dedupe, prefetch)}`;
    const result = await this.client.query(sql);
    this.begun = true;
    const rows = rowsAt<ConversationRow>(result, withBegin ? 1 : 0);
    if (rows[0]) {
      this.locked = toLocked(rows[0]);
      return { locked: this.locked, context: this.toContext(lastRows<LoadRow>(result)[0], prefetch) };
    }
    const locked = await this.lock(key, botVersion);
    return { locked, context: await this.load(dedupe, prefetch) };
  }

  /**
   * Lock the conversation row FOR UPDATE, creating it first if it does not exist (race-safe: INSERT … ON CONFLICT
   * DO NOTHING, then lock). Every turn of the conversation, on any instance, queues here.
   */
  async lock(key: ConversationKey, botVersion: number): Promise<LockedConversation> {
    let row = await this.selectForUpdate(key.id, false);
    if (!row) {
      await this.query(
        `INSERT INTO ${this.t.conversations} (id, bot_id, channel, user_id, bot_version) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING`,
        [key.id, key.botId, key.channel, key.userId, botVersion],
      );
      row = await this.selectForUpdate(key.id, false);
    }
    if (!row) throw new Error(`Conversation ${key.id} vanished while being created.`);
    return (this.locked = toLocked(row));
  }

  /** Lock an existing conversation without waiting: undefined when another turn holds it (or it does not exist). */
  async tryLock(conversationId: string): Promise<LockedConversation | undefined> {
    const row = await this.selectForUpdate(conversationId, true);
    return row ? (this.locked = toLocked(row)) : undefined;
  }

  /** Lock an existing conversation (waiting for its current turn); undefined when there is no such conversation. */
  async lockExisting(conversationId: string): Promise<LockedConversation | undefined> {
    const row = await this.selectForUpdate(conversationId, false);
    return row ? (this.locked = toLocked(row)) : undefined;
  }

  /**
   * After the lock, in a fresh statement (so it sees the turn that held the lock before us): the earlier response to
   * this message id, the back-step history, and the memory the turn will read first.
   */
  async load(
    dedupe: { channel: string; messageId: string } | undefined,
    prefetch: readonly MemoryAddress[],
  ): Promise<TurnContext> {
    const [row] = await this.query<LoadRow>(this.loadSql(this.current().id, dedupe, prefetch));
    return this.toContext(row, prefetch);
  }

  private loadSql(
    conversationId: string,
    dedupe: { channel: string; messageId: string } | undefined,
    prefetch: readonly MemoryAddress[],
  ): string {
    return inline(
      `SELECT
         (SELECT jsonb_build_object('replies', (
                   SELECT coalesce(jsonb_agg(o.text ORDER BY o.seq), '[]'::jsonb) FROM ${this.t.transcript} o
                    WHERE o.conversation_id = i.conversation_id AND o.turn = i.turn AND o.direction = 'out'))
            FROM ${this.t.transcript} i WHERE i.conversation_id = $2 AND i.channel = $3 AND i.message_id = $4) AS duplicate,
         (SELECT snapshots FROM ${this.t.history} WHERE conversation_id = $2) AS history,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('scope', m.scope, 'name', m.name, 'data', m.data)), '[]'::jsonb)
            FROM (${memorySelect(this.t)}) m) AS memory`,
      [JSON.stringify(prefetch), conversationId, dedupe?.channel ?? null, dedupe?.messageId ?? null],
    );
  }

  private toContext(row: LoadRow | undefined, prefetch: readonly MemoryAddress[]): TurnContext {
    const rows = row?.memory ?? [];
    const found = new Map(rows.map((r) => [`${r.scope}\u0000${r.name}`, r.data]));
    return {
      duplicate: row?.duplicate ?? undefined,
      history: row?.history ?? [],
      memory: new TransactionMemory(this, this.t, prefetch, rows),
      preloaded: prefetch.map((a) => ({ scope: a.scope, name: a.name, data: found.get(`${a.scope}\u0000${a.name}`) })),
    };
  }

  /** Write the turn: conversation row, history, transcript, memory, outbox, timers and the dedupe record, at once. */
  async write(turn: TurnWrite, options: { commit?: boolean } = {}): Promise<{ transcriptSeq: number }> {
    const { text, params, seq } = this.writeSql(this.current(), turn);
    const sql = inline(text, params);
    await this.begin();
    await this.client.query(options.commit ? `${sql};\nCOMMIT` : sql);
    if (options.commit) this.committed = true;
    this.locked = afterWrite(this.current(), turn, seq);
    return { transcriptSeq: seq };
  }

  /** The conversation as written by this transaction (after `write`). */
  get conversation(): LockedConversation | undefined {
    return this.locked;
  }

  private writeSql(
    conversation: LockedConversation,
    turn: TurnWrite,
  ): { text: string; params: (string | number | null)[]; seq: number } {
    const rows = turnRows(conversation, turn);
    const params = [
      conversation.id,
      turn.snapshot === null ? null : (turn.json?.snapshot ?? JSON.stringify(turn.snapshot)),
      turn.botVersion,
      turn.turns,
      turn.status,
      rows.seq,
      turn.history === undefined ? null : (turn.json?.history ?? JSON.stringify(turn.history)),
      JSON.stringify(rows.transcript),
      JSON.stringify(rows.memory),
      JSON.stringify(rows.outbox),
      JSON.stringify(rows.schedules),
    ];
    return { text: writeStatement(this.t), params, seq: rows.seq };
  }

  /**
   * Claim the most overdue scheduled job no other instance holds: it is deleted in this transaction, so it comes back
   * if the transaction rolls back, and is gone for good (fired exactly once) when the turn commits.
   */
  async claimDueJob(skip: readonly string[] = []): Promise<ClaimedJob | undefined> {
    const rows = await this.query<{
      id: string;
      conversation_id: string;
      key: string | null;
      run_at: Date;
      event: ClaimedJob['event'];
    }>(
      `DELETE FROM ${this.t.jobs} j
        WHERE (j.conversation_id, j.id) = (
          SELECT conversation_id, id FROM ${this.t.jobs}
           WHERE run_at <= now() AND NOT (id = ANY($1::uuid[]))
           ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING j.id, j.conversation_id, j.key, j.run_at, j.event`,
      [skip],
    );
    const row = rows[0];
    return row
      ? { id: row.id, conversationId: row.conversation_id, key: row.key, runAt: row.run_at, event: row.event }
      : undefined;
  }

  /** Cancel pending timers of the current conversation (after a reset). */
  async clearJobs(): Promise<void> {
    await this.query(`DELETE FROM ${this.t.jobs} WHERE conversation_id = $1`, [this.current().id]);
  }

  /** Forget memory records (conversation-scoped memory after a reset). */
  async deleteMemory(addresses: readonly MemoryAddress[]): Promise<void> {
    if (addresses.length === 0) return;
    await this.query(
      `DELETE FROM ${this.t.memories} m USING jsonb_to_recordset($1::jsonb) AS a(scope text, name text)
        WHERE m.scope_key = a.scope AND m.name = a.name`,
      [JSON.stringify(addresses)],
    );
  }

  private current(): LockedConversation {
    if (!this.locked) throw new Error('Lock the conversation first.');
    return this.locked;
  }

  private lockSql(skipLocked: boolean): string {
    return `SELECT id, bot_id, channel, user_id, bot_version, snapshot, turns, status, transcript_seq, version
              FROM ${this.t.conversations} WHERE id = $1 FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`;
  }

  private async selectForUpdate(id: string, skipLocked: boolean): Promise<ConversationRow | undefined> {
    return (await this.query<ConversationRow>(this.lockSql(skipLocked), [id]))[0];
  }
}

/** The locked turn's write statement for these tables (built once). */
const writeStatements = new WeakMap<Tables, string>();
function writeStatement(t: Tables): string {
  let text = writeStatements.get(t);
  if (text === undefined) {
    text = `WITH
     conv AS (
       UPDATE ${t.conversations}
          SET snapshot = $2::jsonb, bot_version = $3, turns = $4, status = $5, transcript_seq = $6,
              version = version + 1, updated_at = now()
        WHERE id = $1),
     hist AS (
       INSERT INTO ${t.history} (conversation_id, snapshots, updated_at)
       SELECT $1, $7::jsonb, now() WHERE $7::jsonb IS NOT NULL
       ON CONFLICT (conversation_id) DO UPDATE SET snapshots = EXCLUDED.snapshots, updated_at = now()),
     lines AS (
       INSERT INTO ${t.transcript} (conversation_id, seq, turn, direction, kind, text, message_id, event, channel)
       SELECT $1, x.seq, $4, x.direction, x.kind, x.text, x.message_id, x.event, x.channel
         FROM jsonb_to_recordset($8::jsonb) AS x(seq integer, direction text, kind text, text text, message_id text, event jsonb, channel text)
        WHERE true),
     mem AS (
       INSERT INTO ${t.memories} (scope_key, name, data, updated_at)
       SELECT x.scope, x.name, x.data, now() FROM jsonb_to_recordset($9::jsonb) AS x(scope text, name text, data jsonb)
        WHERE true
       ON CONFLICT (scope_key, name) DO UPDATE SET data = EXCLUDED.data, updated_at = now()),
     outbox AS (
       INSERT INTO ${t.outbox} (conversation_id, id, turn, kind, target, payload, message_id)
       SELECT $1, x.id, $4, x.kind, x.target, x.payload, x.message_id
         FROM jsonb_to_recordset($10::jsonb) AS x(id uuid, kind text, target text, payload jsonb, message_id text)
        WHERE true),
     jobs AS (
       INSERT INTO ${t.jobs} (conversation_id, id, key, run_at, event)
       SELECT $1, x.id, x.key, x.run_at, x.event
         FROM jsonb_to_recordset($11::jsonb) AS x(id uuid, key text, run_at timestamptz, event jsonb)
        WHERE true
       ON CONFLICT (conversation_id, key) DO UPDATE SET id = EXCLUDED.id, run_at = EXCLUDED.run_at, event = EXCLUDED.event, created_at = now())
     SELECT true AS ok`;
    writeStatements.set(t, text);
  }
  return text;
}

function toLocked(row: ConversationRow): LockedConversation {
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

/** The rows a turn adds besides the conversation's own: transcript lines (numbered on from the conversation's), etc. */
export function turnRows(conversation: LockedConversation, turn: TurnWrite) {
  let seq = conversation.transcriptSeq;
  const transcript = turn.transcript.map((line) => ({
    seq: ++seq,
    direction: line.direction,
    kind: line.kind,
    text: line.text,
    message_id: line.messageId ?? null,
    event: line.event ?? null,
    channel: line.channel ?? null,
  }));
  // One row per address: a later write in the same turn wins (ON CONFLICT cannot touch a row twice).
  const memory = [...new Map(turn.memory.map((m) => [`${m.scope}\u0000${m.name}`, m])).values()];
  const schedules = [...new Map(turn.schedules.map((s, i) => [s.key ?? `\u0000${i}`, s])).values()].map((s) => ({
    id: randomUUID(),
    key: s.key ?? null,
    run_at: s.at,
    event: s.event,
  }));
  const outbox = turn.outbox.map((o) => ({
    id: randomUUID(),
    kind: o.kind,
    target: o.target,
    payload: o.payload,
    message_id: o.messageId,
  }));
  return { seq, transcript, memory, schedules, outbox };
}

/** The conversation row as a turn's write leaves it. */
export function afterWrite(
  conversation: LockedConversation,
  turn: TurnWrite,
  transcriptSeq: number,
): LockedConversation {
  return {
    ...conversation,
    transcriptSeq,
    turns: turn.turns,
    snapshot: turn.snapshot,
    botVersion: turn.botVersion,
    status: turn.status,
    version: conversation.version + 1,
  };
}
