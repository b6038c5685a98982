import type { ConversationRecord } from '@parley/dialogue-core';
import type { Tables } from '../database/schema';
import { preparedName, type SqlClient } from './sql';
import { memoryAddressKey } from './transaction.memory';
import { writeParams, writeStatement, writtenTurns, type CurrentWrite } from './turn.write';

/** A pooled connection (`pg`'s PoolClient): released after each batch. */
export interface PooledClient extends SqlClient {
  release(error?: Error | boolean): void;
}

interface Pending {
  item: CurrentWrite;
  keys: string[];
  resolve(written: ConversationRecord | undefined): void;
  reject(error: unknown): void;
}

export interface GroupWriterOptions {
  /** Batches on their way to the database at once (each on its own connection). */
  maxInFlight?: number;
  /** Turns in one batch at most. */
  maxBatch?: number;
}

/**
 * Group commit for turns computed from an instance's cached state (the one-round-trip path): turns that become ready
 * while earlier ones are on their way to the database are written together, by one prepared statement, in one round
 * trip and one transaction (one WAL flush). Each turn in it is still all-or-nothing on its own: its conversation
 * UPDATE checks the cached version, the memory the turn read and that its message id is new, and every other row
 * of the turn is written only if that UPDATE matched. A turn whose check fails writes nothing and resolves to
 * `undefined` (take it again under the lock); the rest of the batch commits. If the statement fails as a whole
 * (a deadlock, a lost connection), every turn of the batch rejects and nothing of it was written.
 *
 * A batch never holds two turns of one conversation or two turns touching one memory record (read or written): in
 * one statement a turn would not see the other's write. Such a turn waits for the next batch, where it is checked
 * against what the earlier one wrote (and re-taken under the lock if that made its cached copy stale).
 *
 * Why this serializes like the lock: the statement locks the conversation rows FOR UPDATE, as the locked path does,
 * and checks `version` on the locked row. It skips rows another transaction holds (SKIP LOCKED: a turn under the lock
 * may be waiting for a slow service; the batch must not wait with it): their turns fail the check and are re-taken
 * under the lock, which waits on its own connection.
 *
 * One batch at a time by default: the next batch forms while one is in the database, which makes batches larger
 * under load (fewer statements, commits and wake-ups per turn) and costs a turn at most one batch's wait. It goes out
 * on the same connection the moment the previous result arrives, before that batch's HTTP responses are written, so
 * the database works on it while the server answers.
 */
export class GroupWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  /** Batches the database answered so far, and the turns in them (for tests). */
  readonly sent = { batches: 0, turns: 0 };

  constructor(
    private readonly connect: () => Promise<PooledClient>,
    private readonly tables: Tables,
    options: GroupWriterOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.maxBatch = options.maxBatch ?? 64;
  }

  /** Write the turn if its cached copy is still current: the conversation as written, or undefined (nothing written). */
  write(item: CurrentWrite): Promise<ConversationRecord | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, keys: conflictKeys(item), resolve, reject });
      this.pump();
    });
  }

  /** Send what can go now; `client`: a connection a batch just finished with, used for the next one or released. */
  private pump(client?: PooledClient): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.nextBatch();
      this.inFlight++;
      void this.send(batch, client).then((done) => {
        this.inFlight--;
        this.pump(done);
      });
      client = undefined;
    }
    client?.release();
  }

  /** Queued turns in arrival order, each touching nothing a turn taken before it touches; the rest stay queued. */
  private nextBatch(): Pending[] {
    const batch: Pending[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch;) {
      const pending = this.queue[i]!;
      if (pending.keys.some((key) => taken.has(key))) {
        i++;
        continue;
      }
      for (const key of pending.keys) taken.add(key);
      batch.push(pending);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  /**
   * Write one batch. Under load the next batch is waiting when this one's result arrives: it goes out at once on the
   * same connection (returned here), without a trip through the pool; the connection goes back to the pool when the
   * queue is empty, and after a failure (its state is then unknown: the pool replaces it).
   */
  private async send(batch: Pending[], given?: PooledClient): Promise<PooledClient | undefined> {
    let client = given;
    try {
      // Row locks in one order (conversation id) across batches and instances.
      batch.sort((a, b) => (a.item.base.id < b.item.base.id ? -1 : a.item.base.id > b.item.base.id ? 1 : 0));
      const { values, after } = writeParams(batch.map((p) => p.item));
      client ??= await this.connect();
      const text = writeStatement(this.tables);
      const result = await client.query({ name: preparedName(text, client), text, values });
      this.sent.batches++;
      this.sent.turns += batch.length;
      const written = writtenTurns(result);
      batch.forEach((pending, i) => pending.resolve(written.has(i) ? after[i] : undefined));
      return client;
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      client?.release(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  }
}

/** What two turns in one batch must not share: the conversation, and any memory record read or written. */
function conflictKeys(item: CurrentWrite): string[] {
  const keys = [`c\u0000${item.base.id}`];
  for (const m of [...item.expect.memory, ...item.turn.memory]) keys.push(`m\u0000${memoryAddressKey(m)}`);
  return keys;
}
