import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { Database } from '../database/database';
import { GroupWriter, type GroupWriterOptions } from './group.writer';
import { TurnTransaction } from './turn.transaction';
import type { LockedConversation } from './turn.types';
import type { CurrentWrite } from './turn.write';

/**
 * Runs turns as transactions: `run(fn)` gives `fn` a fresh transaction on its own connection, commits when `fn`
 * returns and rolls back when it throws (a crash before COMMIT leaves no trace).
 */
export class TurnStore {
  /** Writes of turns computed from an instance's cached state, grouped into batches (see `GroupWriter`). */
  readonly writer: GroupWriter;

  constructor(
    private readonly db: Database,
    options: GroupWriterOptions = {},
  ) {
    this.writer = new GroupWriter(() => this.pool().connect(), db.tables, options);
  }

  /** Write a turn computed from a cached copy of its conversation if that copy is still current (`GroupWriter`). */
  writeCurrent(item: CurrentWrite): Promise<LockedConversation | undefined> {
    return this.writer.write(item);
  }

  // The hot path talks to the `pg` pool under TypeORM directly: fewer layers, and multi-statement round trips.
  private pool(): Pool {
    return (this.db.dataSource.driver as unknown as { master: Pool }).master;
  }

  async run<T>(fn: (tx: TurnTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool().connect();
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
