import { createHash } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import type {
  ConversationKey,
  ConversationRecord,
  ConversationStore,
  CurrentTurnWrite,
  Json,
  LoadRequest,
  LockedTurn,
  MemoryAddress,
  OutboxEntry,
  ReadTarget,
  TranscriptEntry,
} from '@parley/dialogue-core';
import { ConversationRepository } from '../conversations/conversation.repository';
import type { Database } from '../database/database';
import { unavailableAsCode } from '../database/database-unavailable';
import { GroupWriter, type GroupWriterOptions } from './group.writer';
import { preparedName } from './sql';
import { memoryAddressKey, memorySelect } from './transaction.memory';
import {
  conversationSql,
  loadParams,
  loadSql,
  newConversation,
  readStatement,
  toLoaded,
  toRecord,
  type ConversationRow,
  type LoadRow,
} from './turn.reads';
import { TurnTransaction } from './turn.transaction';
import { turnWrite } from './turn.rows';
import type { CurrentWrite } from './turn.write';

/**
 * The conversation store on PostgreSQL (a server, or the embedded PGlite), on the `pg` pool of `Database`: fewer
 * layers than TypeORM on the turn path, and several statements in one round trip.
 *
 * `transaction(fn)` gives `fn` a transaction on its own connection, committed by `commitTurn` or when `fn` returns and
 * rolled back when it throws (a crash before COMMIT leaves no trace). `writeIfCurrent` goes through the group writer:
 * turns ready at the same time share one statement and one commit.
 */
export class PostgresConversationStore implements ConversationStore {
  /** Writes of turns computed from an instance's cached state, grouped into batches (see `GroupWriter`). */
  readonly writer: GroupWriter;
  private readonly reads: ConversationRepository;

  constructor(
    private readonly db: Database,
    options: GroupWriterOptions = {},
  ) {
    this.writer = new GroupWriter(() => db.pool.connect(), db.tables, options);
    this.reads = new ConversationRepository(db);
  }

  writeIfCurrent({ turn, memoryRead }: CurrentTurnWrite): Promise<ConversationRecord | undefined> {
    const base = turn.conversation;
    const write = turnWrite(turn);
    return unavailableAsCode(() => this.writer.write({ base, turn: write, expect: { version: base.version, memory: memoryRead } }));
  }

  /** The same with the turn's rows built by the caller (tests of the statement). */
  writeRows(item: CurrentWrite): Promise<ConversationRecord | undefined> {
    return this.writer.write(item);
  }

  /**
   * By user: one round trip (the conversation row and the load, one prepared statement); by conversation id: two (the
   * load needs the row's user). Autocommit: nothing stays locked, the connection goes back to the pool at once.
   */
  read(target: ReadTarget, request: (who: ConversationKey) => LoadRequest): Promise<LockedTurn | undefined> {
    return unavailableAsCode(async () => {
      const t = this.db.tables;
      const reader = { query: <R>(sql: string, params?: unknown[]) => this.db.pool.query(sql, params).then((r) => r.rows as R[]) };
      if ('id' in target) {
        const [row] = await reader.query<ConversationRow>(conversationSql(t, 'none'), [target.id]);
        if (!row) return undefined;
        const conversation = toRecord(row);
        const load = request(conversation);
        const [loaded] = await reader.query<LoadRow>(loadSql(t, conversation.id, load, false));
        return { conversation, loaded: toLoaded(reader, t, loaded, load.prefetch) };
      }
      const { key, botVersion } = target;
      const load = request(key);
      const [row] = await this.prepared<ConversationRow & LoadRow>(readStatement(t), loadParams(key.id, load));
      const conversation = row?.id ? toRecord(row) : newConversation(key, botVersion);
      return { conversation, loaded: toLoaded(reader, t, row, load.prefetch) };
    });
  }

  /** A named statement on a pooled connection (prepared on its first use there). */
  private async prepared<R>(text: string, values: unknown[]): Promise<R[]> {
    const client = await this.db.pool.connect();
    let failed: Error | undefined;
    try {
      return (await client.query<R & QueryResultRow>({ name: preparedName(text, client), text, values })).rows;
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(failed);
    }
  }

  readMemory(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    return unavailableAsCode(async () => {
      const { rows } = await this.db.pool.query<{ scope: string; name: string; data: Json }>(memorySelect(this.db.tables), [
        JSON.stringify(addresses),
      ]);
      const found = new Map(rows.map((r) => [memoryAddressKey(r), r.data]));
      return addresses.map((a) => found.get(memoryAddressKey(a)));
    });
  }

  /** Failures that mean the database cannot be reached reject with DATABASE_UNAVAILABLE (retryable). */
  transaction<T>(fn: (tx: TurnTransaction) => Promise<T>): Promise<T> {
    return unavailableAsCode(() => this.run(fn));
  }

  private async run<T>(fn: (tx: TurnTransaction) => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    let broken: Error | undefined;
    try {
      const tx = new TurnTransaction(client, this.db.tables);
      const result = await fn(tx);
      if (tx.active) await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async nextTimerAt(): Promise<Date | undefined> {
    const { rows } = await unavailableAsCode(() =>
      this.db.pool.query<{ at: Date | null }>(`SELECT min(run_at) AS at FROM ${this.db.tables.jobs}`),
    );
    return rows[0]?.at ?? undefined;
  }

  transcript(conversationId: string, options?: { afterSeq?: number; limit?: number }): Promise<TranscriptEntry[]> {
    return unavailableAsCode(() => this.reads.transcript(conversationId, options));
  }

  outbox(conversationId: string): Promise<OutboxEntry[]> {
    return unavailableAsCode(() => this.reads.outbox(conversationId));
  }

  /** Whether the turn path can reach the database now (for `/health`). */
  async ping(): Promise<void> {
    await unavailableAsCode(() => this.db.pool.query('SELECT 1'));
  }
}

/**
 * The conversation id of a user talking to a bot on a channel: derived, not stored in a lookup table, so every
 * instance computes the same id and the row lock alone serializes the conversation.
 */
export function conversationIdFor(botId: string, channel: string, userId: string): string {
  const key = `${botId}\u0000${channel}\u0000${userId}`;
  let id = recentIds.get(key);
  if (id === undefined) {
    id = `${botId}-${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
    // A hash per request shows in profiles; the users of the moment are few, so their ids are kept.
    if (recentIds.size >= 10_000) recentIds.clear();
    recentIds.set(key, id);
  }
  return id;
}
const recentIds = new Map<string, string>();
