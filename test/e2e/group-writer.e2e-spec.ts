import type { ConversationRecord } from '@parley/dialogue-core';
import {
  GroupWriter,
  memoryLockKey,
  PostgresConversationStore,
  type Database,
  type TurnWrite,
  type WriteExpectation,
} from '@parley/persistence';
import {
  closeTestDatabase,
  freshSchema,
  openTestDatabase,
  query,
  testDatabaseKind,
  withClient,
} from '../helpers/test-database';

/**
 * The group commit of turns computed from cached state (`GroupWriter`): several turns in one statement, each written
 * all-or-nothing on its own checks, on the real database.
 */
const schema = freshSchema('group');
let db: Database;
let store: PostgresConversationStore;

beforeAll(async () => {
  db = await openTestDatabase(schema, { poolSize: 4 });
  store = new PostgresConversationStore(db);
});

afterAll(() => closeTestDatabase(db, schema));

const memoryKey = (user: string) => ({ scope: `bot/user/${user}`, name: 'total' });

/** A turn after `base`: one line in, one reply out, the dedupe record, optionally a memory write. */
function nextTurn(
  base: ConversationRecord,
  messageId: string,
  memory: { scope: string; name: string; data: number }[] = [],
): TurnWrite {
  const turns = base.turns + 1;
  return {
    botVersion: 1,
    snapshot: { turn: turns },
    turns,
    status: 'active',
    history: [{ turn: base.turns }],
    transcript: [
      { direction: 'in', kind: 'message', text: `message ${messageId}`, messageId, channel: 'rest' },
      { direction: 'out', kind: 'reply', text: `reply ${turns}`, messageId: `${messageId}#1` },
    ],
    memory,
    outbox: [],
    schedules: [],
  };
}

/** A conversation with one turn taken the usual way (under the lock), as the cache would hold it afterwards. */
async function conversation(
  id: string,
  memory: { scope: string; name: string; data: number }[] = [],
): Promise<ConversationRecord> {
  return store.transaction(async (tx) => {
    const { conversation: locked } = await tx.lockUser({ id, botId: 'bot', channel: 'rest', userId: id }, 1, { prefetch: [] });
    await tx.write(nextTurn(locked, `${id}-1`, memory), { commit: true });
    return tx.conversation!;
  });
}

async function rowsOf(id: string) {
  const t = (table: string) => `"${schema}".${table}`;
  // The snapshot and the back-step history are one value of the conversation row (`state`).
  const [row] = await query<{ version: number; turns: number; transcript_seq: number; snapshot: unknown; history: unknown }>(
    `SELECT version, turns, transcript_seq, state->'snapshot' AS snapshot, state->'history' AS history FROM ${t('conversations')} WHERE id = $1`,
    [id],
  );
  const { history, ...conv } = row ?? { history: undefined };
  const lines = await query<{ seq: number; message_id: string }>(
    `SELECT seq, message_id FROM ${t('transcript')} WHERE conversation_id = $1 ORDER BY seq`,
    [id],
  );
  // The dedupe records: inbound lines that carry the channel their message id came from.
  const inbound = await query<{ message_id: string }>(
    `SELECT message_id FROM ${t('transcript')} WHERE conversation_id = $1 AND channel IS NOT NULL ORDER BY seq`,
    [id],
  );
  return {
    conv,
    lines: lines.map((l) => l.message_id),
    inbound: inbound.map((r) => r.message_id),
    history,
  };
}

/** Poll the database until `condition` holds (at most 10 s): for states only another session's progress changes. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (const started = Date.now(); !(await condition()); ) {
    if (Date.now() - started > 10_000) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function memoryOf(user: string): Promise<unknown> {
  const { scope, name } = memoryKey(user);
  return (
    await query<{ data: unknown }>(`SELECT data FROM "${schema}".memories WHERE scope_key = $1 AND name = $2`, [
      scope,
      name,
    ])
  )[0]?.data;
}

describe(`group commit of cached turns (${testDatabaseKind()})`, () => {
  test('in one batch, each turn is written or refused on its own checks: stale version, redelivery, changed memory', async () => {
    const [lead, fine, stale, redelivered, changed] = await Promise.all(
      ['g-lead', 'g-fine', 'g-stale', 'g-redeliver', 'g-changed'].map((id) =>
        conversation(id, [{ ...memoryKey(id), data: 1 }]),
      ),
    );
    // What other instances did meanwhile: a turn on `stale`; another conversation of `changed`'s user wrote its memory.
    await query(`UPDATE "${schema}".conversations SET version = version + 1 WHERE id = $1`, [stale!.id]);
    await query(`UPDATE "${schema}".memories SET data = '7'::jsonb WHERE scope_key = $1`, [
      memoryKey('g-changed').scope,
    ]);
    const expectMemory = (id: string) => [{ ...memoryKey(id), data: 1 }];
    const item = (base: ConversationRecord, messageId: string) => ({
      base,
      turn: nextTurn(base, messageId, [{ ...memoryKey(base.id), data: 2 }]),
      expect: { version: base.version, memory: expectMemory(base.id) },
    });

    const before = { ...store.writer.sent };
    // The first write goes out alone; the other four arrive while it is in the database and form the next batch.
    const results = await Promise.all([
      store.writeRows(item(lead!, 'g-lead-2')),
      store.writeRows(item(fine!, 'g-fine-2')),
      store.writeRows(item(stale!, 'g-stale-2')),
      store.writeRows(item(redelivered!, 'g-redeliver-1')),
      store.writeRows(item(changed!, 'g-changed-2')),
    ]);
    expect({
      batches: store.writer.sent.batches - before.batches,
      turns: store.writer.sent.turns - before.turns,
    }).toEqual({ batches: 2, turns: 5 });

    expect(results[0]).toMatchObject({ id: lead!.id, version: lead!.version + 1, turns: 2, transcriptSeq: 4 });
    expect(results[1]).toMatchObject({ id: fine!.id, version: fine!.version + 1, turns: 2, transcriptSeq: 4 });
    expect(results.slice(2)).toEqual([undefined, undefined, undefined]);

    // Written: every row of the turn.
    expect(await rowsOf(fine!.id)).toEqual({
      conv: { version: 2, turns: 2, transcript_seq: 4, snapshot: { turn: 2 } },
      lines: ['g-fine-1', 'g-fine-1#1', 'g-fine-2', 'g-fine-2#1'],
      inbound: ['g-fine-1', 'g-fine-2'],
      history: [{ turn: 1 }],
    });
    expect(await memoryOf('g-fine')).toBe(2);
    // Refused: nothing of the turn (each still has only its first turn).
    for (const [base, version, memory] of [
      [stale!, 2, 1],
      [redelivered!, 1, 1],
      [changed!, 1, 7],
    ] as const) {
      const rows = await rowsOf(base.id);
      expect(rows.conv).toMatchObject({ version, turns: 1, transcript_seq: 2, snapshot: { turn: 1 } });
      expect(rows.lines).toEqual([`${base.id}-1`, `${base.id}-1#1`]);
      expect(rows.inbound).toEqual([`${base.id}-1`]);
      expect(await memoryOf(base.id)).toBe(memory);
    }
  });

  test('two turns of one conversation, or two sharing a memory record, never share a batch', async () => {
    const a = await conversation('g-twice');
    const shared = memoryKey('g-shared-user');
    const [b, c] = await Promise.all([conversation('g-one', [{ ...shared, data: 1 }]), conversation('g-two')]);
    const before = { ...store.writer.sent };
    const results = await Promise.all([
      store.writeRows({ base: a, turn: nextTurn(a, 'g-twice-2'), expect: { version: a.version, memory: [] } }),
      // Computed from the same cached copy as the first: must see that one's write and be refused.
      store.writeRows({ base: a, turn: nextTurn(a, 'g-twice-3'), expect: { version: a.version, memory: [] } }),
      store.writeRows({
        base: b,
        turn: nextTurn(b, 'g-one-2', [{ ...shared, data: 2 }]),
        expect: { version: b.version, memory: [{ ...shared, data: 1 }] },
      }),
      // Read the shared record as 1 too (and writes only its own): refused once the other turn's write of 2 is committed.
      store.writeRows({
        base: c,
        turn: nextTurn(c, 'g-two-2', [{ ...memoryKey('g-two'), data: 5 }]),
        expect: { version: c.version, memory: [{ ...shared, data: 1 }] },
      }),
    ]);
    expect(results.map((r) => r?.turns)).toEqual([2, undefined, 2, undefined]);
    // [a] alone, then [a', b] (c shares a record with b), then [c]: in one statement c would not have seen b's write.
    expect(store.writer.sent.batches - before.batches).toBe(3);
    expect((await rowsOf(a.id)).lines).toEqual(['g-twice-1', 'g-twice-1#1', 'g-twice-2', 'g-twice-2#1']);
    expect((await rowsOf(c.id)).lines).toEqual(['g-two-1', 'g-two-1#1']);
    expect(
      (await query<{ data: unknown }>(`SELECT data FROM "${schema}".memories WHERE scope_key = $1`, [shared.scope]))[0]
        ?.data,
    ).toBe(2);
  });

  // The embedded database serves one connection at a time: a transaction held open elsewhere blocks every statement.
  const onServer = testDatabaseKind() === 'postgres' ? test : test.skip;
  onServer(
    'a conversation locked by a turn in progress is skipped, not waited for; the rest of the batch commits',
    async () => {
      const [held, free] = await Promise.all([conversation('g-held'), conversation('g-free')]);
      await withClient(async (other) => {
        // A turn under the lock (say, waiting for a slow service) holds the row until it commits.
        await other.query('BEGIN');
        await other.query(`SELECT 1 FROM "${schema}".conversations WHERE id = $1 FOR UPDATE`, [held.id]);
        const results = await Promise.all([
          store.writeRows({
            base: held,
            turn: nextTurn(held, 'g-held-2'),
            expect: { version: held.version, memory: [] },
          }),
          store.writeRows({
            base: free,
            turn: nextTurn(free, 'g-free-2'),
            expect: { version: free.version, memory: [] },
          }),
        ]);
        // Resolved while the lock is still held: nothing waited for it.
        expect(results.map((r) => r?.turns)).toEqual([undefined, 2]);
        await other.query('ROLLBACK');
      });
      expect((await rowsOf(held.id)).conv).toMatchObject({ turns: 1 });
      expect((await rowsOf(free.id)).conv).toMatchObject({ turns: 2 });
    },
  );

  onServer(
    "a turn whose user memory another conversation's turn holds (read under the lock, not yet written) is refused without waiting",
    async () => {
      const shared = memoryKey('g-two-channels');
      // The user's conversation on this channel, cached after a turn that left the user's total at 1.
      const cached = await conversation('g-chan-rest', [{ ...shared, data: 1 }]);
      const attempt = (messageId: string, read: number) =>
        store.writeRows({
          base: cached,
          turn: nextTurn(cached, messageId, [{ ...shared, data: read + 1 }]),
          expect: { version: cached.version, memory: [{ ...shared, data: read }] },
        });
      // The same user's conversation on another channel takes a turn under the lock: it reads the total (1) ...
      await store.transaction(async (tx) => {
        const { conversation: locked, loaded: context } = await tx.lockUser(
          { id: 'g-chan-sms', botId: 'bot', channel: 'sms', userId: 'g-two-channels' },
          1,
          { prefetch: [shared] },
        );
        expect(context.preloaded).toEqual([{ ...shared, data: 1 }]);
        // ... and while it has not written yet, the cached turn reads 1 as well: it must not be written.
        expect(await attempt('g-chan-rest-2', 1)).toBeUndefined();
        await tx.write(nextTurn(locked, 'g-chan-sms-1', [{ ...shared, data: 2 }]), { commit: true });
      });
      expect(await memoryOf('g-two-channels')).toBe(2);
      expect((await rowsOf(cached.id)).conv).toMatchObject({ turns: 1 });
      // Once the other turn committed: the stale read is refused, the current one written.
      expect(await attempt('g-chan-rest-2', 1)).toBeUndefined();
      expect((await attempt('g-chan-rest-2', 2))?.turns).toBe(2);
      expect(await memoryOf('g-two-channels')).toBe(3);
    },
  );

  onServer('the same for a record that does not exist yet: the turn that holds its lock creates it, the other is refused', async () => {
    const shared = memoryKey('g-new-user');
    const cached = await conversation('g-new-rest');
    await store.transaction(async (tx) => {
      const { conversation: locked, loaded: context } = await tx.lockUser(
        { id: 'g-new-sms', botId: 'bot', channel: 'sms', userId: 'g-new-user' },
        1,
        { prefetch: [shared] },
      );
      expect(context.preloaded).toEqual([{ ...shared, data: undefined }]);
      const attempt = await store.writeRows({
        base: cached,
        turn: nextTurn(cached, 'g-new-rest-2', [{ ...shared, data: 1 }]),
        expect: { version: cached.version, memory: [{ ...shared, data: undefined }] },
      });
      expect(attempt).toBeUndefined();
      await tx.write(nextTurn(locked, 'g-new-sms-1', [{ ...shared, data: 1 }]), { commit: true });
    });
    expect(await memoryOf('g-new-user')).toBe(1);
    expect((await rowsOf(cached.id)).conv).toMatchObject({ turns: 1 });
  });

  onServer('a turn under the lock waits for the memory record another turn holds, then reads what that one wrote', async () => {
    const shared = memoryKey('g-waiter');
    await conversation('g-waiter-rest', [{ ...shared, data: 1 }]);
    await withClient(async (other) => {
      // Another turn of the user (a cached batch between its lock and its commit) holds the record and changes it.
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [memoryLockKey(shared)]);
      await other.query(`UPDATE "${schema}".memories SET data = '2'::jsonb WHERE scope_key = $1 AND name = $2`, [
        shared.scope,
        shared.name,
      ]);
      const reading = store.transaction(async (tx) => {
        const { loaded: context } = await tx.lockUser(
          { id: 'g-waiter-sms', botId: 'bot', channel: 'sms', userId: 'g-waiter' },
          1,
          { prefetch: [shared] },
        );
        return context.preloaded;
      });
      // The locked turn is queued on that lock (PostgreSQL shows it waiting) rather than reading the old value.
      const key = BigInt.asUintN(64, BigInt(memoryLockKey(shared)));
      await until(
        async () =>
          (
            await query(
              `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objid = $2::oid AND NOT granted`,
              [String(key >> 32n), String(key & 0xffffffffn)],
            )
          ).length > 0,
        'the turn under the lock to wait for the memory lock',
      );
      await other.query('COMMIT');
      expect(await reading).toEqual([{ ...shared, data: 2 }]);
    });
  });

  test('a record a cached turn saw absent is created once: a second turn that saw it absent too is refused', async () => {
    const fresh = memoryKey('g-fresh');
    const [one, two] = await Promise.all([conversation('g-fresh-1'), conversation('g-fresh-2')]);
    const create = (base: ConversationRecord, data: number) =>
      store.writeRows({
        base,
        turn: nextTurn(base, `${base.id}-2`, [{ ...fresh, data }]),
        // `data` undefined: the turn read that there was no such record.
        expect: { version: base.version, memory: [{ ...fresh, data: undefined }] },
      });
    expect((await create(one, 10))?.turns).toBe(2);
    expect(await create(two, 20)).toBeUndefined();
    expect(await memoryOf('g-fresh')).toBe(10);
    expect((await rowsOf(two.id)).conv).toMatchObject({ turns: 1 });
  });

  describe('a conversation\'s first turn (from a read that found no row: version 0)', () => {
    const unseen = (id: string): ConversationRecord => ({
      id,
      botId: 'bot',
      channel: 'sms',
      userId: `${id}-user`,
      botVersion: 1,
      snapshot: null,
      turns: 0,
      status: 'active',
      transcriptSeq: 0,
      version: 0,
    });
    const first = (base: ConversationRecord, messageId: string, memory: WriteExpectation['memory'] = []) =>
      store.writeRows({ base, turn: nextTurn(base, messageId), expect: { version: 0, memory } });
    const keys = (id: string) =>
      query(`SELECT bot_id, channel, user_id, bot_version FROM "${schema}".conversations WHERE id = $1`, [id]);

    test('creates the row as the turn leaves it, in one batch with a turn of an existing conversation', async () => {
      const [lead, existing] = await Promise.all([conversation('g-first-lead'), conversation('g-first-old')]);
      const sent = { ...store.writer.sent };
      // The lead goes out alone; the two after it form the next batch while it is in the database.
      const [, created, next] = await Promise.all([
        store.writeRows({ base: lead, turn: nextTurn(lead, 'g-first-lead-2'), expect: { version: 1, memory: [] } }),
        first(unseen('g-first-new'), 'g-first-new-1'),
        store.writeRows({ base: existing, turn: nextTurn(existing, 'g-first-old-2'), expect: { version: 1, memory: [] } }),
      ]);
      expect(store.writer.sent).toEqual({ batches: sent.batches + 2, turns: sent.turns + 3 });
      expect(created).toMatchObject({ turns: 1, version: 1, transcriptSeq: 2 });
      expect(next).toMatchObject({ turns: 2, version: 2 });
      expect(await rowsOf('g-first-new')).toEqual({
        conv: { version: 1, turns: 1, transcript_seq: 2, snapshot: { turn: 1 } },
        lines: ['g-first-new-1', 'g-first-new-1#1'],
        inbound: ['g-first-new-1'],
        history: [{ turn: 0 }],
      });
      expect(await keys('g-first-new')).toEqual([
        { bot_id: 'bot', channel: 'sms', user_id: 'g-first-new-user', bot_version: 1 },
      ]);
    });

    test('a second first turn of the same conversation (another instance read no row too) is refused and writes nothing', async () => {
      const base = unseen('g-first-twice');
      expect(await first(base, 'g-first-twice-a')).toMatchObject({ version: 1 });
      expect(await first(base, 'g-first-twice-b')).toBeUndefined();
      expect(await rowsOf('g-first-twice')).toMatchObject({
        conv: { version: 1, turns: 1 },
        lines: ['g-first-twice-a', 'g-first-twice-a#1'],
      });
    });

    test('refused when the memory it read changed: no row is created', async () => {
      const shared = memoryKey('g-first-mem');
      await conversation('g-first-mem-rest', [{ ...shared, data: 5 }]);
      expect(await first(unseen('g-first-mem'), 'g-first-mem-1', [{ ...shared, data: undefined }])).toBeUndefined();
      expect(await keys('g-first-mem')).toEqual([]);
      expect(await memoryOf('g-first-mem')).toBe(5);
    });

    test('a row left at version 0 (a turn under the lock that wrote nothing) takes the turn', async () => {
      const base = unseen('g-first-empty');
      await store.transaction(async (tx) => {
        await tx.lockUser({ id: base.id, botId: base.botId, channel: base.channel, userId: base.userId }, 1, { prefetch: [] });
      });
      expect(await rowsOf(base.id)).toMatchObject({ conv: { version: 0, turns: 0 }, lines: [] });
      expect(await first(base, 'g-first-empty-1')).toMatchObject({ version: 1 });
      expect(await rowsOf(base.id)).toMatchObject({ conv: { version: 1, turns: 1 }, lines: ['g-first-empty-1', 'g-first-empty-1#1'] });
    });

    onServer('waits for a turn under the lock that is creating the same row, then is refused', async () => {
      const base = unseen('g-first-race');
      await store.transaction(async (tx) => {
        const { conversation: locked } = await tx.lockUser(
          { id: base.id, botId: base.botId, channel: base.channel, userId: base.userId },
          1,
          { prefetch: [] },
        );
        const attempt = first(base, 'g-first-race-cached');
        // The cached write's INSERT waits on the uncommitted row (PostgreSQL shows a backend waiting on a lock).
        await until(
          async () => (await query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`)).length > 0,
          'the cached first write to wait for the creating transaction',
        );
        await tx.write(nextTurn(locked, 'g-first-race-locked'), { commit: true });
        expect(await attempt).toBeUndefined();
      });
      expect(await rowsOf(base.id)).toMatchObject({ conv: { version: 1, turns: 1 }, inbound: ['g-first-race-locked'] });
    });
  });

  test('under load the next batch goes out on the connection the last one used; it returns to the pool when idle', async () => {
    const pool = db.pool;
    let connects = 0;
    const writer = new GroupWriter(() => {
      connects++;
      return pool.connect();
    }, db.tables);
    const bases = await Promise.all(Array.from({ length: 6 }, (_, i) => conversation(`g-keep-${i}`)));
    // The first goes out alone; the other five form the next batch while it is in the database.
    const results = await Promise.all(
      bases.map((base) =>
        writer.write({ base, turn: nextTurn(base, `${base.id}-2`), expect: { version: base.version, memory: [] } }),
      ),
    );
    expect(results.map((r) => r?.turns)).toEqual(Array(6).fill(2));
    expect(writer.sent).toEqual({ batches: 2, turns: 6 });
    expect(connects).toBe(1);
    // Released once the queue is empty (in the callback after the last batch's result).
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  test('a statement that fails as a whole writes nothing and rejects every turn of its batch', async () => {
    const [lead, good, broken] = await Promise.all([
      conversation('g-lead2'),
      conversation('g-good'),
      conversation('g-broken'),
    ]);
    const first = store.writeRows({
      base: lead,
      turn: nextTurn(lead, 'g-lead2-2'),
      expect: { version: lead.version, memory: [] },
    });
    // A cached copy whose transcript position is wrong: its lines collide with stored ones (primary key violation).
    const wrong = { ...broken, transcriptSeq: 0 };
    const batch = [
      store.writeRows({
        base: good,
        turn: nextTurn(good, 'g-good-2'),
        expect: { version: good.version, memory: [] },
      }),
      store.writeRows({
        base: wrong,
        turn: nextTurn(wrong, 'g-broken-2'),
        expect: { version: wrong.version, memory: [] },
      }),
    ];
    expect((await first)?.turns).toBe(2);
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    for (const id of [good.id, broken.id]) {
      const rows = await rowsOf(id);
      expect(rows.conv).toMatchObject({ version: 1, turns: 1 });
      expect(rows.inbound).toEqual([`${id}-1`]);
    }
    // The writer goes on: the good turn, sent again, is written.
    const again = await store.writeRows({
      base: good,
      turn: nextTurn(good, 'g-good-2'),
      expect: { version: good.version, memory: [] },
    });
    expect(again?.turns).toBe(2);
  });
});
