import type {
  ConversationKey,
  ConversationRecord,
  ConversationTransaction,
  DueTimer,
  LoadedTurn,
  LoadRequest,
  LockedTurn,
  MemoryAddress,
  TurnRecord,
} from '@parley/dialogue-core';
import type { Tables } from '../database/schema';
import { inline, lastRows, rowsAt, type SqlClient } from './sql';
import {
  conversationSql,
  createConversationSql,
  loadSql,
  toLoaded,
  toRecord,
  type ConversationRow,
  type LoadRow,
} from './turn.reads';
import { turnWrite } from './turn.rows';
import type { TurnWrite } from './turn.types';
import { writeParams, writeStatement, writtenTurns } from './turn.write';

/**
 * One turn's transaction on one connection (docs/design.md#one-turn): lock the conversation row, read what the turn needs, write everything in
 * one statement. Created by `PostgresConversationStore.transaction`, which commits or rolls back.
 *
 * The usual turn costs two round trips: `BEGIN; lock; lock memory; load` and `write; COMMIT` (several statements in
 * one simple query, values inlined as literals). In READ COMMITTED each statement takes a fresh snapshot, so the load
 * sees the turn that held the conversation lock, or the memory locks (`memory.locks.ts`), before this one.
 */
export class TurnTransaction implements ConversationTransaction {
  private locked?: ConversationRecord;
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
  async lockUser(key: ConversationKey, botVersion: number, request: LoadRequest): Promise<LockedTurn> {
    const withBegin = !this.begun;
    const sql = `${withBegin ? 'BEGIN;\n' : ''}${inline(conversationSql(this.t, 'wait'), [key.id])};\n${loadSql(this.t, key.id, request, true)}`;
    const result = await this.client.query(sql);
    this.begun = true;
    const rows = rowsAt<ConversationRow>(result, withBegin ? 1 : 0);
    if (rows[0]) {
      this.locked = toRecord(rows[0]);
      return { conversation: this.locked, loaded: toLoaded(this, this.t, lastRows<LoadRow>(result)[0], request.prefetch) };
    }
    const conversation = await this.lock(key, botVersion);
    return { conversation, loaded: await this.load(request) };
  }

  /**
   * Lock the conversation row FOR UPDATE, creating it first if it does not exist (race-safe: INSERT … ON CONFLICT
   * DO NOTHING, then lock). Every turn of the conversation, on any instance, queues here.
   */
  async lock(key: ConversationKey, botVersion: number): Promise<ConversationRecord> {
    let row = await this.selectForUpdate(key.id, false);
    if (!row) {
      await this.query(createConversationSql(this.t), [key.id, key.botId, key.channel, key.userId, botVersion]);
      row = await this.selectForUpdate(key.id, false);
    }
    if (!row) throw new Error(`Conversation ${key.id} vanished while being created.`);
    return (this.locked = toRecord(row));
  }

  /**
   * Lock an existing conversation, waiting for its current turn (or, with `wait: false`, not: undefined when another
   * turn holds it); undefined when there is no such conversation.
   */
  async lockExisting(conversationId: string, options: { wait?: boolean } = {}): Promise<ConversationRecord | undefined> {
    const row = await this.selectForUpdate(conversationId, options.wait === false);
    return row ? (this.locked = toRecord(row)) : undefined;
  }

  /**
   * After the lock, and after the locks of the memory records it prefetches (`memory.locks.ts`), in a fresh statement
   * (so it sees the turns that held them before us): the earlier response to this message id, the back-step history,
   * and the memory the turn will read first.
   */
  async load(request: LoadRequest): Promise<LoadedTurn> {
    const [row] = await this.query<LoadRow>(loadSql(this.t, this.current().id, request, true));
    return toLoaded(this, this.t, row, request.prefetch);
  }

  async commitTurn(turn: TurnRecord): Promise<ConversationRecord> {
    await this.write(turnWrite(turn), { commit: true });
    return this.current();
  }

  /** Write the turn's rows: conversation row, history, transcript, memory, outbox, timers and the dedupe record, at once. */
  async write(turn: TurnWrite, options: { commit?: boolean } = {}): Promise<{ transcriptSeq: number }> {
    // The statement of the cached path (`turn.write.ts`), for one turn and with literals: it goes with the COMMIT in
    // one round trip. Its checks hold under the lock (the version is the locked row's; dedupe was checked after the
    // lock): a refusal here means the row changed under the lock, which must not happen.
    const base = this.current();
    const { values, after } = writeParams([{ base, turn, expect: { version: base.version, memory: [] } }]);
    const sql = inline(writeStatement(this.t), values);
    await this.begin();
    const result = await this.client.query(options.commit ? `${sql};\nCOMMIT` : sql);
    if (!writtenTurns(result).has(0)) {
      throw new Error(`The turn of conversation ${base.id} was refused although its row is locked.`);
    }
    if (options.commit) this.committed = true;
    this.locked = after[0]!;
    return { transcriptSeq: this.locked.transcriptSeq };
  }

  /** The conversation as written by this transaction (after `write`). */
  get conversation(): ConversationRecord | undefined {
    return this.locked;
  }

  async reset(forget: readonly MemoryAddress[]): Promise<void> {
    const locked = this.current();
    await this.write({
      botVersion: locked.botVersion,
      snapshot: null,
      turns: locked.turns,
      status: 'active',
      history: [],
      transcript: [],
      memory: [],
      outbox: [],
      schedules: [],
    });
    await this.query(`DELETE FROM ${this.t.jobs} WHERE conversation_id = $1`, [locked.id]);
    if (forget.length > 0) {
      await this.query(
        `DELETE FROM ${this.t.memories} m USING jsonb_to_recordset($1::jsonb) AS a(scope text, name text)
          WHERE m.scope_key = a.scope AND m.name = a.name`,
        [JSON.stringify(forget)],
      );
    }
  }

  /**
   * Claim the most overdue scheduled job no other instance holds: it is deleted in this transaction, so it comes back
   * if the transaction rolls back, and is gone for good (fired exactly once) when the turn commits.
   */
  async claimDueTimer(skip: readonly string[] = []): Promise<DueTimer | undefined> {
    const rows = await this.query<{
      id: string;
      conversation_id: string;
      key: string | null;
      run_at: Date;
      event: DueTimer['event'];
      identity_user_id: string | null;
    }>(
      `DELETE FROM ${this.t.jobs} j
        WHERE (j.conversation_id, j.id) = (
          SELECT conversation_id, id FROM ${this.t.jobs}
           WHERE run_at <= now() AND NOT (id = ANY($1::uuid[]))
           ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING j.id, j.conversation_id, j.key, j.run_at, j.event,
          (SELECT l.identity_user_id FROM ${this.t.conversations} c
             JOIN ${this.t.identityLinks} l ON l.bot_id = c.bot_id AND l.channel = c.channel AND l.user_id = c.user_id
            WHERE c.id = j.conversation_id) AS identity_user_id`,
      [skip],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          conversationId: row.conversation_id,
          key: row.key,
          runAt: row.run_at,
          event: row.event,
          ...(row.identity_user_id !== null ? { memoryUserId: row.identity_user_id } : {}),
        }
      : undefined;
  }

  private current(): ConversationRecord {
    if (!this.locked) throw new Error('Lock the conversation first.');
    return this.locked;
  }

  private async selectForUpdate(id: string, skipLocked: boolean): Promise<ConversationRow | undefined> {
    return (await this.query<ConversationRow>(conversationSql(this.t, skipLocked ? 'skip' : 'wait'), [id]))[0];
  }
}
