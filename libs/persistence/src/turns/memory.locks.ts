import { createHash } from 'node:crypto';
import type { MemoryAddress } from '@parley/dialogue-core';
import type { Tables } from '../database/schema';
import { inline } from './sql';

/**
 * Turns of different conversations can share memory: user-scoped memory belongs to the user, whatever conversation
 * (channel) the user speaks in. The conversation lock does not cover it, so every turn that reads a preloaded memory
 * record and may write it back holds a transaction-scoped PostgreSQL advisory lock on that record, from before it
 * reads until its commit:
 * - under the conversation lock, the turn waits for it (`memoryLockSql`, in the round trip that loads the memory, as
 *   a statement of its own so that the load's snapshot sees whatever the previous holder committed);
 * - a turn from an instance's cached state only tries it, inside its write statement, and is refused (re-taken under
 *   the lock) when another turn holds it (`writeStatement`).
 * A record that does not exist yet is locked the same way (there is no row to lock), which is why these are advisory
 * locks rather than row locks.
 */

/** The advisory lock key of a memory record: 64 bits of a hash of its address, as decimal text (a bigint). */
export function memoryLockKey(address: MemoryAddress): string {
  return createHash('sha1')
    .update(`parley.memory\u0000${address.scope}\u0000${address.name}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * The statement that takes, waiting, the advisory locks of `addresses` for the conversation's turn, in one order
 * (ascending key) so that two turns never wait for each other crosswise. Only while holding the conversation's row
 * (the subquery re-locks it, or finds nothing when the conversation does not exist yet): conversation row first,
 * then memory, always. Undefined when there is nothing to lock.
 */
export function memoryLockSql(
  t: Tables,
  conversationId: string,
  addresses: readonly MemoryAddress[],
): string | undefined {
  if (addresses.length === 0) return undefined;
  const keys = [...new Set(addresses.map(memoryLockKey))].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return inline(
    `SELECT ${keys.map((key) => `pg_advisory_xact_lock(${key})`).join(', ')}
       FROM (SELECT 1 FROM ${t.conversations} WHERE id = $1 FOR UPDATE) AS held`,
    [conversationId],
  );
}
