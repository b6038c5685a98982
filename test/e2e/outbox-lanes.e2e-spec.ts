import type { ConversationKey } from '@parley/dialogue-core';
import { OutboxStore, PostgresConversationStore, type Database, type OutboxDelivery } from '@parley/persistence';
import { turnWrite } from '../../libs/persistence/src/turns/turn.rows';
import { closeTestDatabase, freshSchema, openTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * The outbox's lanes while a receiver is down: the items behind a failing head wait as long as it does, so that a
 * claim (which looks only at due items) does not look at them again and again; settling the head releases them.
 * Order and delivery are unchanged (test/e2e/delivery.e2e-spec.ts): this is about what the claims have to look at.
 */
const schema = freshSchema('lanes');
let db: Database;
let store: PostgresConversationStore;
let outbox: OutboxStore;
let n = 0;

beforeAll(async () => {
  db = await openTestDatabase(schema);
  store = new PostgresConversationStore(db);
  outbox = new OutboxStore(db);
});

afterAll(() => closeTestDatabase(db, schema));

const newKey = (): ConversationKey => {
  const user = `u${++n}`;
  return { id: `bot-${user}-rest`, botId: 'bot', channel: 'rest', userId: user };
};

/** A turn whose replies are pushed (through the outbox, lane `reply:rest`). */
const push = (key: ConversationKey, messageId: string, replies: string[]) =>
  store.transaction(async (tx) => {
    const { conversation } = await tx.lockUser(key, 1, { prefetch: [], dedupe: { channel: key.channel, messageId } });
    const number = conversation.turns + 1;
    return tx.commitTurn({
      conversation,
      number,
      messageId,
      dedupeChannel: key.channel,
      input: { kind: 'message', text: messageId },
      pushReplies: true,
      state: { bot: 'bot', version: 1, snapshot: { turn: number }, history: [], turns: number },
      replies: replies.map((text) => ({ type: 'text', text })),
      effects: [],
      historyChanged: false,
    });
  });

/** The conversation's pending items in lane order: message id, and whether a claim would look at it now. */
async function pending(key: ConversationKey): Promise<{ messageId: string; due: boolean; at: string }[]> {
  const rows = await db.dataSource.query<{ message_id: string; due: boolean; at: string }[]>(
    `SELECT message_id, available_at <= now() AS due, available_at::text AS at
       FROM ${db.tables.outbox} WHERE conversation_id = $1 AND status = 'pending' ORDER BY seq`,
    [key.id],
  );
  return rows.map((r) => ({ messageId: r.message_id, due: r.due, at: r.at }));
}

/** What a claim hands out now, of this conversation's items (each test's conversation is its own). */
async function claim(key: ConversationKey): Promise<OutboxDelivery[]> {
  return (await outbox.claim(50, 30_000)).filter((item) => item.conversationId === key.id);
}

/** The head's retry time has come (instead of waiting for it). */
const retryTimeCame = (key: ConversationKey, messageId: string) =>
  db.dataSource.query(`UPDATE ${db.tables.outbox} SET available_at = now() WHERE conversation_id = $1 AND message_id = $2`, [key.id, messageId]);

describe(`outbox lanes behind a failing receiver (${testDatabaseKind()})`, () => {
  test('items behind a head that failed wait with it, and so does one written meanwhile; delivering the head releases them, in order', async () => {
    const key = newKey();
    await push(key, 'm1', ['one', 'two']);
    const [head] = await claim(key);
    expect(head?.messageId).toBe('m1#1');
    expect(await outbox.retry(head!, 'receiver down', 60_000)).toBe(true);

    // The item behind the head is due no sooner than the head: no claim looks at it meanwhile.
    let lane = await pending(key);
    expect(lane.map((i) => [i.messageId, i.due])).toEqual([['m1#1', false], ['m1#2', false]]);
    expect(lane[1]!.at).toBe(lane[0]!.at);
    expect(await claim(key)).toEqual([]);

    // A turn written while the receiver is down puts its reply behind them, as late.
    await push(key, 'm2', ['three']);
    lane = await pending(key);
    expect(lane.map((i) => [i.messageId, i.due])).toEqual([['m1#1', false], ['m1#2', false], ['m2#1', false]]);
    expect(lane[2]!.at).toBe(lane[0]!.at);

    // The receiver is back when the retry comes: the head is delivered, and the rest are released and go in order.
    await retryTimeCame(key, 'm1#1');
    const [again] = await claim(key);
    expect(again?.messageId).toBe('m1#1');
    expect(await outbox.delivered(again!)).toBe(true);
    expect((await pending(key)).map((i) => [i.messageId, i.due])).toEqual([['m1#2', true], ['m2#1', true]]);
    const delivered: string[] = [];
    for (let item = await claim(key); item.length > 0; item = await claim(key)) {
      expect(item).toHaveLength(1); // only ever the head of the lane
      delivered.push(item[0]!.messageId);
      await outbox.delivered(item[0]!);
    }
    expect(delivered).toEqual(['m1#2', 'm2#1']);
  });

  test('behind a head merely in flight (it never failed), a new item is due at once: a delivery finishing meanwhile never leaves it waiting for the lease', async () => {
    const key = newKey();
    await push(key, 'm1', ['one']);
    const [head] = await claim(key); // leased for 30 s
    await push(key, 'm2', ['two']);
    expect((await pending(key)).map((i) => [i.messageId, i.due])).toEqual([['m1#1', false], ['m2#1', true]]);
    expect(await claim(key)).toEqual([]); // still behind its head
    await outbox.delivered(head!);
    expect((await claim(key)).map((i) => i.messageId)).toEqual(['m2#1']);
  });

  // Two transactions at once: PostgreSQL only (the embedded database runs one at a time).
  const testConcurrent = testDatabaseKind() === 'postgres' ? test : test.skip;

  testConcurrent('behind a head that failed before and is being tried again, a new item is due at once: the try succeeding before the turn commits cannot leave it waiting for the lease', async () => {
    const key = newKey();
    await push(key, 'm1', ['one']);
    const [head] = await claim(key);
    await outbox.retry(head!, 'receiver down', 60_000);
    await retryTimeCame(key, 'm1#1');
    const [again] = await claim(key); // the retry, leased for 30 s
    // The turn has written its reply but not committed when the retry succeeds: the success releases nothing of it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const turn = store.transaction(async (tx) => {
      const { conversation } = await tx.lockUser(key, 1, { prefetch: [], dedupe: { channel: key.channel, messageId: 'm2' } });
      // The turn's statement runs; its COMMIT comes after the head's success is recorded.
      const result = await tx.write(
        turnWrite({
          conversation,
          number: conversation.turns + 1,
          messageId: 'm2',
          dedupeChannel: key.channel,
          input: { kind: 'message', text: 'm2' },
          pushReplies: true,
          state: { bot: 'bot', version: 1, snapshot: { turn: 2 }, history: [], turns: 2 },
          replies: [{ type: 'text', text: 'two' }],
          effects: [],
          historyChanged: false,
        }),
      );
      wrote();
      await held;
      return result;
    });
    await written;
    expect(await outbox.delivered(again!)).toBe(true);
    release();
    await turn;
    expect((await pending(key)).map((i) => [i.messageId, i.due])).toEqual([['m2#1', true]]);
    expect((await claim(key)).map((i) => i.messageId)).toEqual(['m2#1']);
  });

  test('a head given up (a dead letter) releases the items that waited behind it', async () => {
    const key = newKey();
    await push(key, 'm1', ['one', 'two']);
    const [head] = await claim(key);
    await outbox.retry(head!, 'receiver down', 60_000);
    await retryTimeCame(key, 'm1#1');
    // The last try: the item behind still waits for the retry time the head had.
    expect((await pending(key)).map((i) => [i.messageId, i.due])).toEqual([['m1#1', true], ['m1#2', false]]);
    const [last] = await claim(key);
    expect(await outbox.dead(last!, 'receiver down for good')).toBe(true);
    expect((await pending(key)).map((i) => [i.messageId, i.due])).toEqual([['m1#2', true]]);
    expect((await claim(key)).map((i) => i.messageId)).toEqual(['m1#2']);
  });
});
