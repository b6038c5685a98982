import { randomUUID } from 'node:crypto';
import type { ConversationRecord, MemoryRecord } from '@parley/dialogue-core';
import type { Tables } from '../database/schema';
import { memoryLockKey } from './memory.locks';
import { rowsAt } from './sql';
import { memoryAddressKey } from './transaction.memory';
import { afterWrite } from './turn.rows';
import type { TurnWrite } from './turn.types';

/**
 * What a turn writes, and the one statement that writes it: used for a single turn under the conversation lock
 * (`TurnTransaction.write`) and for batches of turns from cached state (`GroupWriter`). Each turn's conversation
 * UPDATE carries its checks; every other row of the turn is written only if that UPDATE matched.
 */

/** What a turn's write checks before it writes anything (for a turn under the lock: trivially true). */
export interface WriteExpectation {
  /** `conversations.version` of the cached copy: another turn (any instance) moved it on. */
  version: number;
  /** The memory the turn read, as it read it: another conversation of the same user may have changed it. */
  memory: readonly MemoryRecord[];
}

/** A turn computed from a cached copy of its conversation (`base`), to be written only if that copy is still current. */
export interface CurrentWrite {
  base: ConversationRecord;
  turn: TurnWrite;
  expect: WriteExpectation;
}

/** The rows a turn adds besides the conversation's own: transcript lines (numbered on from the conversation's), etc. */
export function turnRows(conversation: ConversationRecord, turn: TurnWrite) {
  let seq = conversation.transcriptSeq;
  const transcript = turn.transcript.map((line) => ({
    seq: ++seq,
    direction: line.direction,
    kind: line.kind,
    text: line.text,
    message_id: line.messageId ?? null,
    event: line.event ?? null,
    channel: line.channel ?? null,
    state: line.state ?? null,
    choices: line.choices ?? null,
  }));
  // One row per address: a later write in the same turn wins (ON CONFLICT cannot touch a row twice).
  const memory = [...new Map(turn.memory.map((m) => [memoryAddressKey(m), m])).values()];
  const schedules = [...new Map(turn.schedules.map((s, i) => [s.key ?? `\u0000${i}`, s])).values()].map((s) => ({
    id: randomUUID(),
    key: s.key ?? null,
    run_at: s.at,
    event: s.event,
  }));
  const outbox = turn.outbox.map((o, n) => ({
    n,
    id: randomUUID(),
    kind: o.kind,
    target: o.target,
    payload: o.payload,
    message_id: o.messageId,
  }));
  return { seq, transcript, memory, schedules, outbox };
}

/** The statement's parameters for turns written together (every row tagged with its turn's index `i`), and each
 * conversation as the write leaves it. */
export function writeParams(items: readonly CurrentWrite[]): { values: string[]; after: ConversationRecord[] } {
  const turns: unknown[] = [];
  const expected: unknown[] = [];
  const lines: unknown[] = [];
  const memory: unknown[] = [];
  const outbox: unknown[] = [];
  const jobs: unknown[] = [];
  const after: ConversationRecord[] = [];
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
      address: turn.address ?? null,
      // A conversation's first write creates its row (below): what the row is keyed by besides its id.
      ...(expect.version === 0 ? { bot: base.botId, on_channel: base.channel, user_id: base.userId } : {}),
    });
    history.push(
      `{"i":${i},"snapshot":${turn.json?.snapshot ?? JSON.stringify(turn.snapshot)},"history":${
        turn.history === undefined ? 'null' : (turn.json?.history ?? JSON.stringify(turn.history))
      }}`,
    );
    // Absent records as null data: `IS DISTINCT FROM` then treats "still absent" as unchanged. `k`: the record's
    // advisory lock (memory.locks.ts).
    const absent = new Set<string>();
    for (const m of expect.memory) {
      expected.push({ i, scope: m.scope, name: m.name, data: m.data ?? null, k: memoryLockKey(m) });
      if (m.data === undefined) absent.add(memoryAddressKey(m));
    }
    for (const line of rows.transcript) lines.push({ i, ...line });
    // `fresh`: the turn read that there was no such record; it is inserted without ON CONFLICT, so that one created
    // meanwhile fails the statement instead of being overwritten.
    for (const m of rows.memory) memory.push({ i, ...m, fresh: absent.has(memoryAddressKey(m)) });
    for (const o of rows.outbox) outbox.push({ i, ...o });
    for (const s of rows.schedules) jobs.push({ i, ...s });
  });
  const values = [turns, expected, lines, memory, outbox, jobs].map((rows) => JSON.stringify(rows));
  values.push(`[${history.join(',')}]`);
  return { values, after };
}

/**
 * The statement that writes turns (one or a batch) for these tables. Built once: the same string object keeps its
 * prepared-statement name a cheap lookup.
 *
 * A turn is written only if its conversation row is free and at the expected version, its message id is new, and the
 * memory it read (`e`) is unchanged (`ok`).
 *
 * A conversation's first write (expected version 0, from a read that found no row) creates the row as the turn leaves
 * it (`created`: ON CONFLICT DO NOTHING, so a row another turn created first refuses this one, which runs again on
 * what that turn wrote); a row that exists at version 0 (created by a turn under the lock that wrote nothing) is
 * updated like any other. Creating the row here keeps the first turn on this prepared statement: sent as text with a
 * separate INSERT, PostgreSQL planned it anew for every new user, which cost more than running it.
 *
 * For memory, "unchanged" must hold against the latest commit, not only against this statement's snapshot: the turn
 * tries the advisory lock of every record it read (`e.ours`; no waiting: a turn under the lock that holds one is
 * between its read and its write, and this turn is refused), then reads the records it now holds FOR UPDATE
 * (`mem_now`: the latest committed version, whatever the snapshot saw; only a reset, which takes no memory lock, can
 * make it wait, briefly). A record the turn saw absent and writes is inserted without
 * ON CONFLICT (`mem_new`): one created by another turn between this statement's snapshot and its lock fails the
 * statement, and its batch is re-taken under the lock.
 *
 * The snapshot and the back-step history are one jsonb value of the conversation row (`state`; a turn that leaves the
 * history as it was keeps the stored one): PostgreSQL compresses them together, and a turn writes one row version.
 *
 * An outbox item written behind a head that has failed before (its receiver is down) starts as late as that head
 * (`OutboxStore`): claims do not look at it until then, and settling the head releases it. Behind a head merely in
 * flight it is due at once, so that a delivery finishing meanwhile never leaves it waiting for the lease.
 */
const writeStatements = new WeakMap<Tables, string>();
export function writeStatement(t: Tables): string {
  let text = writeStatements.get(t);
  if (text === undefined) {
    text = `WITH
       t AS (
         SELECT t.*, s.snapshot, s.history
           FROM jsonb_to_recordset($1::jsonb) AS t(i integer, id text, bot_version integer, turns integer, status text,
                  seq integer, expected integer, channel text, message_id text, address jsonb,
                  bot text, on_channel text, user_id text)
           JOIN jsonb_to_recordset($7::jsonb) AS s(i integer, snapshot jsonb, history jsonb) ON s.i = t.i),
       free AS (
         SELECT c.id FROM ${t.conversations} c JOIN t ON t.id = c.id
          WHERE c.version = t.expected
            FOR UPDATE OF c SKIP LOCKED),
       e AS MATERIALIZED (
         SELECT x.*, pg_try_advisory_xact_lock(x.k) AS ours
           FROM jsonb_to_recordset($2::jsonb) AS x(i integer, scope text, name text, data jsonb, k bigint)),
       mem_now AS MATERIALIZED (
         SELECT m.scope_key, m.name, m.data
           FROM ${t.memories} m JOIN e ON m.scope_key = e.scope AND m.name = e.name AND e.ours
            FOR UPDATE OF m),
       ok AS MATERIALIZED (
         SELECT t.* FROM t
          WHERE NOT EXISTS (
                  SELECT 1 FROM ${t.transcript} d WHERE d.conversation_id = t.id AND d.channel = t.channel AND d.message_id = t.message_id)
            AND NOT EXISTS (
                  SELECT 1 FROM e LEFT JOIN mem_now m ON m.scope_key = e.scope AND m.name = e.name
                   WHERE e.i = t.i AND (NOT e.ours OR m.data IS DISTINCT FROM e.data))),
       created AS (
         INSERT INTO ${t.conversations} (id, bot_id, channel, user_id, bot_version, state, turns, status, transcript_seq, version, address)
         SELECT ok.id, ok.bot, ok.on_channel, ok.user_id, ok.bot_version,
                jsonb_build_object('snapshot', ok.snapshot, 'history', coalesce(ok.history, '[]'::jsonb)),
                ok.turns, ok.status, ok.seq, 1, ok.address
           FROM ok WHERE ok.expected = 0
         ON CONFLICT (id) DO NOTHING
         RETURNING id),
       updated AS (
         UPDATE ${t.conversations} c
            SET state = jsonb_build_object('snapshot', t.snapshot, 'history', coalesce(t.history, c.state->'history', '[]'::jsonb)),
                bot_version = t.bot_version, turns = t.turns, status = t.status,
                transcript_seq = t.seq, version = c.version + 1, updated_at = now(),
                address = coalesce(t.address, c.address)
           FROM ok t
          WHERE c.id = t.id AND c.version = t.expected AND c.id IN (SELECT id FROM free)
         RETURNING t.i, t.id, t.turns),
       conv AS (
         SELECT ok.i, ok.id, ok.turns FROM created JOIN ok ON ok.id = created.id
         UNION ALL
         SELECT i, id, turns FROM updated),
       lines AS (
         INSERT INTO ${t.transcript} (conversation_id, seq, turn, direction, kind, text, message_id, event, channel, state, choices)
         SELECT conv.id, x.seq, conv.turns, x.direction, x.kind, x.text, x.message_id, x.event, x.channel, x.state, x.choices
           FROM jsonb_to_recordset($3::jsonb) AS x(i integer, seq integer, direction text, kind text, text text, message_id text, event jsonb, channel text, state jsonb, choices jsonb)
           JOIN conv ON conv.i = x.i),
       mem AS (
         INSERT INTO ${t.memories} (scope_key, name, data, updated_at)
         SELECT x.scope, x.name, x.data, now()
           FROM jsonb_to_recordset($4::jsonb) AS x(i integer, scope text, name text, data jsonb, fresh boolean)
           JOIN conv ON conv.i = x.i WHERE NOT x.fresh
         ON CONFLICT (scope_key, name) DO UPDATE SET data = EXCLUDED.data, updated_at = now()),
       mem_new AS (
         INSERT INTO ${t.memories} (scope_key, name, data, updated_at)
         SELECT x.scope, x.name, x.data, now()
           FROM jsonb_to_recordset($4::jsonb) AS x(i integer, scope text, name text, data jsonb, fresh boolean)
           JOIN conv ON conv.i = x.i WHERE x.fresh),
       outbox AS (
         INSERT INTO ${t.outbox} (conversation_id, id, turn, kind, target, lane, payload, message_id, available_at)
         SELECT conv.id, x.id, conv.turns, x.kind, x.target, x.kind || ':' || x.target, x.payload, x.message_id,
                greatest(now(), (
                  SELECT max(w.available_at) FROM ${t.outbox} w
                   WHERE w.conversation_id = conv.id AND w.lane = x.kind || ':' || x.target AND w.status = 'pending'
                     AND w.last_error IS NOT NULL AND NOT w.in_flight))
           FROM jsonb_to_recordset($5::jsonb) AS x(i integer, n integer, id uuid, kind text, target text, payload jsonb, message_id text)
           JOIN conv ON conv.i = x.i
          ORDER BY x.i, x.n),
       jobs AS (
         INSERT INTO ${t.jobs} (conversation_id, id, key, run_at, event)
         SELECT conv.id, x.id, x.key, x.run_at, x.event
           FROM jsonb_to_recordset($6::jsonb) AS x(i integer, id uuid, key text, run_at timestamptz, event jsonb)
           JOIN conv ON conv.i = x.i
         ON CONFLICT (conversation_id, key) DO UPDATE SET id = EXCLUDED.id, run_at = EXCLUDED.run_at, event = EXCLUDED.event, created_at = now())
       SELECT coalesce(array_agg(i), '{}') AS written FROM conv`;
    writeStatements.set(t, text);
  }
  return text;
}

/** The indexes (`i`) of the turns the statement wrote. */
export function writtenTurns(result: unknown): Set<number> {
  return new Set(rowsAt<{ written: number[] }>(result, 0)[0]?.written ?? []);
}
