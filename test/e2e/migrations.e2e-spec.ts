import { runMigrations, PostgresConversationStore, type Database } from '@parley/persistence';
import type { QueryRunner } from 'typeorm';
import { migrations } from '../../migrations';
import { InitialSchema1763769600000 } from '../../migrations/1763769600000-initial-schema';
import { DedupeInTranscript1763856000000 } from '../../migrations/1763856000000-dedupe-in-transcript';
import { TurnStateInTranscript1764460800000 } from '../../migrations/1764460800000-turn-state-in-transcript';
import { DeliveryLanes1764633600000 } from '../../migrations/1764633600000-delivery-lanes';
import { ReplyChoicesInTranscript1765152000000 } from '../../migrations/1765152000000-reply-choices-in-transcript';
import { OutboxInFlight1765238400000 } from '../../migrations/1765238400000-outbox-in-flight';
import { StateInConversationRow1764979200000 } from '../../migrations/1764979200000-state-in-conversation-row';
import { closeTestDatabase, freshSchema, openTestDatabase, query, testDatabaseKind } from '../helpers/test-database';

/** Migrations on data: a database written before a migration keeps working after it, and `down()` gives it back. */
const schema = freshSchema('migr');
let db: Database;

beforeAll(async () => {
  db = await openTestDatabase(schema, { migrations: [InitialSchema1763769600000] });
});

afterAll(() => closeTestDatabase(db, schema));

/** Run `fn` with a query runner of the database (for a migration's `up`/`down`), released afterwards. */
async function withRunner(fn: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = db.dataSource.createQueryRunner();
  try {
    await fn(runner);
  } finally {
    await runner.release();
  }
}

const t = (table: string) => `"${schema}".${table}`;
/** How many columns of that name the table has in the test's schema: `[{ n: 0 }]` or `[{ n: 1 }]`. */
const columnCount = (table: string, column: string) =>
  query(
    `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`,
    [schema, table, column],
  );

describe(`migrations on existing data (${testDatabaseKind()})`, () => {
  test('dedupe records move into the transcript: a message handled before the migration is still recognised, with its replies', async () => {
    // A conversation as the first schema stored it: two turns, each with its dedupe record.
    await query(`INSERT INTO ${t('conversations')} (id, bot_id, channel, user_id, bot_version, snapshot, turns, transcript_seq, version)
                 VALUES ('c1', 'bot', 'rest', 'u1', 1, '{}'::jsonb, 2, 5, 2)`);
    await query(`INSERT INTO ${t('transcript')} (conversation_id, seq, turn, direction, kind, text, message_id) VALUES
                 ('c1', 1, 1, 'in', 'message', 'hi', 'm1'), ('c1', 2, 1, 'out', 'reply', 'Hello!', 'm1#1'),
                 ('c1', 3, 1, 'out', 'reply', 'What would you like?', 'm1#2'),
                 ('c1', 4, 2, 'in', 'message', 'tea', 'm2'), ('c1', 5, 2, 'out', 'reply', 'Tea it is.', 'm2#1')`);
    await query(`INSERT INTO ${t('inbound_messages')} (conversation_id, channel, message_id, turn, response) VALUES
                 ('c1', 'rest', 'm1', 1, '{"conversationId":"c1","messageId":"m1","replies":[{"type":"text","text":"Hello!"},{"type":"text","text":"What would you like?"}]}'::jsonb),
                 ('c1', 'rest', 'm2', 2, '{"conversationId":"c1","messageId":"m2","replies":[{"type":"text","text":"Tea it is."}]}'::jsonb)`);

    expect(await runMigrations(db.dataSource, schema, migrations)).toEqual([
      'DedupeInTranscript1763856000000',
      'TurnStateInTranscript1764460800000',
      'DeliveryLanes1764633600000',
      'IdentityLinks1764720000000',
      'StateInConversationRow1764979200000',
      'ReplyChoicesInTranscript1765152000000',
      'OutboxInFlight1765238400000',
    ]);
    expect(await query(`SELECT seq, channel FROM ${t('transcript')} WHERE channel IS NOT NULL ORDER BY seq`)).toEqual([
      { seq: 1, channel: 'rest' },
      { seq: 4, channel: 'rest' },
    ]);
    expect(await query(`SELECT to_regclass('"${schema}".inbound_messages') AS t`)).toEqual([{ t: null }]);

    // The turn pipeline finds the earlier answer: a redelivery of m1 gets its two replies again, no second turn.
    const store = new PostgresConversationStore(db);
    const key = { id: 'c1', botId: 'bot', channel: 'rest', userId: 'u1' };
    const duplicate = await store.transaction(
      async (tx) => (await tx.lockUser(key, 1, { dedupe: { channel: 'rest', messageId: 'm1' }, prefetch: [] })).loaded.duplicate,
    );
    expect(duplicate).toMatchObject({ replies: [{ text: 'Hello!' }, { text: 'What would you like?' }] });
    const fresh = await store.transaction(
      async (tx) => (await tx.lockUser(key, 1, { dedupe: { channel: 'rest', messageId: 'm3' }, prefetch: [] })).loaded.duplicate,
    );
    expect(fresh).toBeUndefined();
    // And the index refuses a second line with the same (channel, message id).
    await expect(
      query(`INSERT INTO ${t('transcript')} (conversation_id, seq, turn, direction, kind, text, message_id, channel)
             VALUES ('c1', 6, 3, 'in', 'message', 'hi', 'm1', 'rest')`),
    ).rejects.toThrow(/duplicate key/);
  });

  test('the state after each turn: transcript lines stored before it have none; down() drops it and keeps the lines', async () => {
    const lines = await query<{ seq: number; state: unknown }>(
      `SELECT seq, state FROM ${t('transcript')} ORDER BY seq`,
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.state === null)).toBe(true);
    await withRunner(async (runner) => {
      await new TurnStateInTranscript1764460800000().down(runner);
      expect(await query(`SELECT count(*)::int AS n FROM ${t('transcript')}`)).toEqual([{ n: lines.length }]);
      expect(await columnCount('transcript', 'state')).toEqual([{ n: 0 }]);
      await new TurnStateInTranscript1764460800000().up(runner);
      expect(await columnCount('transcript', 'state')).toEqual([{ n: 1 }]);
    });
  });

  test('reply choices: lines stored before have none (a redelivery answers without them); down() drops the column', async () => {
    expect(await query(`SELECT count(*)::int AS n FROM ${t('transcript')} WHERE choices IS NOT NULL`)).toEqual([{ n: 0 }]);
    await withRunner(async (runner) => {
      await new ReplyChoicesInTranscript1765152000000().down(runner);
      expect(await columnCount('transcript', 'choices')).toEqual([{ n: 0 }]);
      await new ReplyChoicesInTranscript1765152000000().up(runner);
      expect(await columnCount('transcript', 'choices')).toEqual([{ n: 1 }]);
    });
  });

  test('outbox tries in flight: no item is in flight after the migration; down() drops the column', async () => {
    await withRunner(async (runner) => {
      await new OutboxInFlight1765238400000().down(runner);
      expect(await columnCount('outbox', 'in_flight')).toEqual([{ n: 0 }]);
      await query(`INSERT INTO ${t('outbox')} (conversation_id, id, turn, kind, target, lane, payload, message_id, status, attempts, last_error)
                   VALUES ('c1', '00000000-0000-4000-8000-0000000000f1', 1, 'reply', 'rest', 'reply:rest', '{"type":"text","text":"a"}', 'f1#1', 'pending', 1, '503')`);
      await new OutboxInFlight1765238400000().up(runner);
      expect(await columnCount('outbox', 'in_flight')).toEqual([{ n: 1 }]);
      expect(await query(`SELECT in_flight FROM ${t('outbox')} WHERE message_id = 'f1#1'`)).toEqual([{ in_flight: false }]);
      await query(`DELETE FROM ${t('outbox')} WHERE message_id = 'f1#1'`);
    });
  });

  test('delivery lanes: outbox items written before get a lane and an order, failed ones become dead letters; down() gives them back', async () => {
    await withRunner(async (runner) => {
      await new DeliveryLanes1764633600000().down(runner);
      // Items as the earlier schema stored them: one delivered, one pending, one given up.
      await query(`INSERT INTO ${t('outbox')} (conversation_id, id, turn, kind, target, payload, message_id, status, attempts) VALUES
                   ('c1', '00000000-0000-4000-8000-000000000001', 1, 'reply', 'rest', '{"type":"text","text":"a"}', 'm1#1', 'delivered', 1),
                   ('c1', '00000000-0000-4000-8000-000000000002', 2, 'reply', 'rest', '{"type":"text","text":"b"}', 'm2#1', 'pending', 0),
                   ('c1', '00000000-0000-4000-8000-000000000003', 2, 'call', 'crm', '{}', 'c1/2/call/1', 'failed', 10)`);
      await new DeliveryLanes1764633600000().up(runner);
      const rows = await query<{ message_id: string; status: string; lane: string; seq: string }>(
        `SELECT message_id, status, lane, seq FROM ${t('outbox')} ORDER BY message_id`,
      );
      expect(rows.map((r) => [r.message_id, r.status, r.lane])).toEqual([
        ['c1/2/call/1', 'dead', 'call:crm'],
        ['m1#1', 'delivered', 'reply:rest'],
        ['m2#1', 'pending', 'reply:rest'],
      ]);
      expect(rows.every((r) => Number(r.seq) > 0)).toBe(true);
      expect(await query(`SELECT message_id FROM ${t('outbox')} WHERE dead_at IS NOT NULL`)).toEqual([{ message_id: 'c1/2/call/1' }]);
      await expect(
        query(`INSERT INTO ${t('outbox')} (conversation_id, id, turn, kind, target, lane, payload, message_id, status)
               VALUES ('c1', '00000000-0000-4000-8000-000000000004', 3, 'reply', 'rest', 'reply:rest', '{}', 'm3#1', 'failed')`),
      ).rejects.toThrow(/outbox_status_check/);
      expect(await query(`SELECT address FROM ${t('conversations')} WHERE id = 'c1'`)).toEqual([{ address: null }]);

      await new DeliveryLanes1764633600000().down(runner);
      expect(
        (await query<{ message_id: string; status: string }>(`SELECT message_id, status FROM ${t('outbox')} ORDER BY message_id`)).map((r) => [
          r.message_id,
          r.status,
        ]),
      ).toEqual([
        ['c1/2/call/1', 'failed'],
        ['m1#1', 'delivered'],
        ['m2#1', 'pending'],
      ]);
      expect(await query(`SELECT to_regclass('"${schema}".webhook_subscriptions') AS t`)).toEqual([{ t: null }]);
      await new DeliveryLanes1764633600000().up(runner);
    });
  });

  test('snapshot and history move into the conversation row (state) and back with down(); the store reads them', async () => {
    const migration = new StateInConversationRow1764979200000();
    await withRunner(async (runner) => {
      // As the earlier schema stored them: a snapshot column and a history row (and a conversation without either).
      await migration.down(runner);
      await query(`UPDATE ${t('conversations')} SET snapshot = '{"step":3}'::jsonb WHERE id = 'c1'`);
      await query(`INSERT INTO ${t('conversation_history')} (conversation_id, snapshots) VALUES ('c1', '[{"step":1},{"step":2}]'::jsonb)`);
      await query(`INSERT INTO ${t('conversations')} (id, bot_id, channel, user_id, bot_version) VALUES ('c2', 'bot', 'rest', 'u2', 1)`);

      await migration.up(runner);
      expect(await query(`SELECT id, state FROM ${t('conversations')} ORDER BY id`)).toEqual([
        { id: 'c1', state: { snapshot: { step: 3 }, history: [{ step: 1 }, { step: 2 }] } },
        { id: 'c2', state: { snapshot: null, history: [] } },
      ]);
      expect(await query(`SELECT to_regclass('"${schema}".conversation_history') AS t`)).toEqual([{ t: null }]);
      const store = new PostgresConversationStore(db);
      const key = { id: 'c1', botId: 'bot', channel: 'rest', userId: 'u1' };
      const locked = await store.transaction((tx) => tx.lockUser(key, 1, { prefetch: [] }));
      expect(locked.conversation.snapshot).toEqual({ step: 3 });
      expect(locked.loaded.history).toEqual([{ step: 1 }, { step: 2 }]);

      await migration.down(runner);
      expect(await query(`SELECT id, snapshot FROM ${t('conversations')} ORDER BY id`)).toEqual([
        { id: 'c1', snapshot: { step: 3 } },
        { id: 'c2', snapshot: null },
      ]);
      expect(await query(`SELECT conversation_id, snapshots FROM ${t('conversation_history')}`)).toEqual([
        { conversation_id: 'c1', snapshots: [{ step: 1 }, { step: 2 }] },
      ]);
      await migration.up(runner);
    });
  });

  test('down() restores the dedupe records, responses included', async () => {
    await withRunner(async (runner) => {
      await new DedupeInTranscript1763856000000().down(runner);
    });
    const rows = await query<{ message_id: string; turn: number; response: unknown }>(
      `SELECT message_id, turn, response FROM ${t('inbound_messages')} ORDER BY turn`,
    );
    expect(rows).toEqual([
      {
        message_id: 'm1',
        turn: 1,
        response: {
          conversationId: 'c1',
          messageId: 'm1',
          replies: [
            { type: 'text', text: 'Hello!' },
            { type: 'text', text: 'What would you like?' },
          ],
        },
      },
      {
        message_id: 'm2',
        turn: 2,
        response: { conversationId: 'c1', messageId: 'm2', replies: [{ type: 'text', text: 'Tea it is.' }] },
      },
    ]);
    expect(await columnCount('transcript', 'channel')).toEqual([{ n: 0 }]);
  });
});
