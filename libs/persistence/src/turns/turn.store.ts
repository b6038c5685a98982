import { createHash } from 'node:crypto';
import type { Database } from '../database/database';
import { TurnTransaction } from './turn.transaction';

/**
 * Runs turns as transactions: `run(fn)` gives `fn` a fresh transaction on its own connection, commits when `fn`
 * returns and rolls back when it throws (a crash before COMMIT leaves no trace).
 */
export class TurnStore {
  constructor(private readonly db: Database) {}

  async run<T>(fn: (tx: TurnTransaction) => Promise<T>): Promise<T> {
    const runner = this.db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await fn(new TurnTransaction(runner, this.db.tables));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/**
 * The conversation id of a user talking to a bot on a channel: derived, not stored in a lookup table, so every
 * instance computes the same id and the row lock alone serializes the conversation.
 */
export function conversationIdFor(botId: string, channel: string, userId: string): string {
  const digest = createHash('sha256').update(`${botId}\u0000${channel}\u0000${userId}`).digest('base64url');
  return `${botId}-${digest.slice(0, 22)}`;
}
