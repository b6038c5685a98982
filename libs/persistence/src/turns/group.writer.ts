import type { Tables } from '../database/schema';
import { preparedName, rowsAt, type SqlClient } from './sql';
import { afterWrite, turnRows } from './turn.transaction';
import type { LockedConversation, MemoryRow, TurnWrite } from './turn.types';

/** What a write from a cached copy of the conversation checks before it writes anything. */
export interface WriteExpectation {
  /** `conversations.version` of the cached copy: another turn (any instance) moved it on. */
  version: number;
  /** The memory the turn read, as it read it: another conversation of the same user may have changed it. */
  memory: readonly MemoryRow[];
}

/** A turn computed from a cached copy of its conversation (`base`), to be written only if that copy is still current. */
export interface CurrentWrite {
  base: LockedConversation;
  turn: TurnWrite;
  expect: WriteExpectation;
}

/** A pooled connection (`pg`'s PoolClient): released after each batch. */
export interface PooledClient extends SqlClient {
  release(error?: Error | boolean): void;
}

interface Pending {
  item: CurrentWrite;
  keys: string[];
  resolve(written: LockedConversation | undefined): void;
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
 * under load (fewer statements, commits and wake-ups per turn) and costs a turn at most one batch's wait.
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
  write(item: CurrentWrite): Promise<LockedConversation | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, keys: conflictKeys(item), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.nextBatch();
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
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

  private async send(batch: Pending[]): Promise<void> {
    let client: PooledClient | undefined;
    let failed: Error | undefined;
    try {
      // Row locks in one order (conversation id) across batches and instances.
      batch.sort((a, b) => (a.item.base.id < b.item.base.id ? -1 : a.item.base.id > b.item.base.id ? 1 : 0));
      const { values, after } = batchParams(batch.map((p) => p.item));
      client = await this.connect();
      const text = batchStatement(this.tables);
      const result = await client.query({ name: preparedName(text, client), text, values });
      this.sent.batches++;
      this.sent.turns += batch.length;
      const written = new Set(rowsAt<{ written: number[] }>(result, 0)[0]?.written ?? []);
      batch.forEach((pending, i) => pending.resolve(written.has(i) ? after[i] : undefined));
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) pending.reject(error);
    } finally {
      // After a failure the connection's state is unknown: let the pool replace it.
      client?.release(failed);
    }
  }
}

/** What two turns in one batch must not share: the conversation, and any memory record read or written. */
function conflictKeys(item: CurrentWrite): string[] {
  const keys = [`c\u0000${item.base.id}`];
  for (const m of item.expect.memory) keys.push(`m\u0000${m.scope}\u0000${m.name}`);
  for (const m of item.turn.memory) keys.push(`m\u0000${m.scope}\u0000${m.name}`);
  return keys;
}

/** The statement's parameters for a batch (every row tagged with its turn's index `i`), and each conversation after it. */
function batchParams(items: readonly CurrentWrite[]): { values: string[]; after: LockedConversation[] } {
  const turns: unknown[] = [];
  const expected: unknown[] = [];
  const lines: unknown[] = [];
  const memory: unknown[] = [];
  const outbox: unknown[] = [];
  const jobs: unknown[] = [];
  const after: LockedConversation[] = [];
  const history: string[] = [];
  items.forEach(({ base, turn, expect }, i) => {
    const rows = turnRows(base, turn);
    const deduped = rows.transcript.find((line) => line.channel !== null);
    after.push(afterWrite(base, turn, rows.seq));
    // The snapshot and history go as JSON text spliced in below (already serialized once by the caller).
    turns.push({
      i,
      id: base.id,
      bot_version: turn.botVersion,
      turns: turn.turns,
      status: turn.status,
      seq: rows.seq,
      expected: expect.version,
      channel: deduped?.channel ?? null,
      message_id: deduped?.message_id ?? null,
    });
    history.push(
      `{"i":${i},"snapshot":${turn.json?.snapshot ?? JSON.stringify(turn.snapshot)},"history":${
        turn.history === undefined ? 'null' : (turn.json?.history ?? JSON.stringify(turn.history))
      }}`,
    );
    // Absent records as null data: `IS DISTINCT FROM` then treats "still absent" as unchanged.
    for (const m of expect.memory) expected.push({ i, scope: m.scope, name: m.name, data: m.data ?? null });
    for (const line of rows.transcript) lines.push({ i, ...line });
    for (const m of rows.memory) memory.push({ i, ...m });
    for (const o of rows.outbox) outbox.push({ i, ...o });
    for (const s of rows.schedules) jobs.push({ i, ...s });
  });
  const values = [turns, expected, lines, memory, outbox, jobs].map((rows) => JSON.stringify(rows));
  values.push(`[${history.join(',')}]`);
  return { values, after };
}

/** The batch statement for these tables (built once; the same string object keeps its prepared name a cheap lookup). */
const batchStatements = new WeakMap<Tables, string>();
function batchStatement(t: Tables): string {
  let text = batchStatements.get(t);
  if (text === undefined) {
    text = `WITH
       t AS (
         SELECT t.*, s.snapshot, s.history
           FROM jsonb_to_recordset($1::jsonb) AS t(i integer, id text, bot_version integer, turns integer, status text,
                  seq integer, expected integer, channel text, message_id text)
           JOIN jsonb_to_recordset($7::jsonb) AS s(i integer, snapshot jsonb, history jsonb) ON s.i = t.i),
       free AS (
         SELECT c.id FROM ${t.conversations} c JOIN t ON t.id = c.id
          WHERE c.version = t.expected
            FOR UPDATE OF c SKIP LOCKED),
       conv AS (
         UPDATE ${t.conversations} c
            SET snapshot = t.snapshot, bot_version = t.bot_version, turns = t.turns, status = t.status,
                transcript_seq = t.seq, version = c.version + 1, updated_at = now()
           FROM t
          WHERE c.id = t.id AND c.version = t.expected AND c.id IN (SELECT id FROM free)
            AND NOT EXISTS (
              SELECT 1 FROM ${t.transcript} d WHERE d.conversation_id = t.id AND d.channel = t.channel AND d.message_id = t.message_id)
            AND NOT EXISTS (
              SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS e(i integer, scope text, name text, data jsonb)
                LEFT JOIN ${t.memories} m ON m.scope_key = e.scope AND m.name = e.name
               WHERE e.i = t.i AND m.data IS DISTINCT FROM e.data)
         RETURNING t.i, t.id, t.turns),
       hist AS (
         INSERT INTO ${t.history} (conversation_id, snapshots, updated_at)
         SELECT t.id, t.history, now() FROM t JOIN conv ON conv.i = t.i WHERE t.history IS NOT NULL
         ON CONFLICT (conversation_id) DO UPDATE SET snapshots = EXCLUDED.snapshots, updated_at = now()),
       lines AS (
         INSERT INTO ${t.transcript} (conversation_id, seq, turn, direction, kind, text, message_id, event, channel)
         SELECT conv.id, x.seq, conv.turns, x.direction, x.kind, x.text, x.message_id, x.event, x.channel
           FROM jsonb_to_recordset($3::jsonb) AS x(i integer, seq integer, direction text, kind text, text text, message_id text, event jsonb, channel text)
           JOIN conv ON conv.i = x.i),
       mem AS (
         INSERT INTO ${t.memories} (scope_key, name, data, updated_at)
         SELECT x.scope, x.name, x.data, now()
           FROM jsonb_to_recordset($4::jsonb) AS x(i integer, scope text, name text, data jsonb)
           JOIN conv ON conv.i = x.i
         ON CONFLICT (scope_key, name) DO UPDATE SET data = EXCLUDED.data, updated_at = now()),
       outbox AS (
         INSERT INTO ${t.outbox} (conversation_id, id, turn, kind, target, payload, message_id)
         SELECT conv.id, x.id, conv.turns, x.kind, x.target, x.payload, x.message_id
           FROM jsonb_to_recordset($5::jsonb) AS x(i integer, id uuid, kind text, target text, payload jsonb, message_id text)
           JOIN conv ON conv.i = x.i),
       jobs AS (
         INSERT INTO ${t.jobs} (conversation_id, id, key, run_at, event)
         SELECT conv.id, x.id, x.key, x.run_at, x.event
           FROM jsonb_to_recordset($6::jsonb) AS x(i integer, id uuid, key text, run_at timestamptz, event jsonb)
           JOIN conv ON conv.i = x.i
         ON CONFLICT (conversation_id, key) DO UPDATE SET id = EXCLUDED.id, run_at = EXCLUDED.run_at, event = EXCLUDED.event, created_at = now())
       SELECT coalesce(array_agg(i), '{}') AS written FROM conv`;
    batchStatements.set(t, text);
  }
  return text;
}
