import { findBot } from '@parley/machines';
import { conversationIdFor } from '@parley/persistence';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { SchedulerService } from '../../apps/api/src/jobs/scheduler.service';
import { OutboxDispatcher } from '../../apps/api/src/outbox/outbox.dispatcher';
import { TurnService } from '../../apps/api/src/turns/turn.service';
import { post, startInProcess } from '../helpers/in-process-app';
import { countRoundTrips, type RoundTrips } from '../helpers/round-trips';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/**
 * Database round trips per turn on the turn path (the conversation store's pool), for the juice bot with its real
 * NLU: a new user's first turn costs at most 3 (today 2: a read that finds nothing, then the write statement, which
 * creates the conversation row with the turn: memory, transcript, history), and a returning user's turn on this
 * instance's cached tree costs exactly 1 (the guarded write). Background workers are stopped so that only turns talk.
 */
const schema = freshSchema('trips');
let app: ParleyApp;
let trips: RoundTrips;

beforeAll(async () => {
  app = await startInProcess({ bots: [findBot('juice')!], schema, env: { LOG_LEVEL: 'warn' } });
  await app.app.get(SchedulerService).stop();
  await app.app.get(OutboxDispatcher).stop();
  trips = countRoundTrips(app.db.pool);
});

afterAll(async () => {
  await app.close();
  await dropSchema(schema);
});

async function turn(
  userId: string,
  messageId: string,
  text: string,
): Promise<{ replies: string; trips: string[]; prepared: string[] }> {
  trips.reset();
  const res = await post(`${app.url}/channels/rest/juice`, { userId, messageId, text });
  expect(res.status).toBe(200);
  return {
    replies: (res.body.replies as { text: string }[]).map((r) => r.text).join(' | '),
    trips: [...trips.statements],
    prepared: [...trips.prepared],
  };
}

describe(`database round trips per turn (${testDatabaseKind()})`, () => {
  test('a new user: at most 3 round trips for the first turn; then 1 per turn on the cached tree, through a whole order', async () => {
    const user = `new-${Date.now()}`;
    const first = await turn(user, 'o1', '我想买果汁');
    expect(first.replies).toContain('什么口味');
    expect(first.trips.length).toBeGreaterThan(0);
    expect(first.trips.length).toBeLessThanOrEqual(3);
    // Both are prepared statements (planned once per connection, not for every new user): the read, then the write
    // that creates the conversation, the same statement as every later turn's.
    expect(first.trips).toHaveLength(2);
    expect(first.prepared).toEqual(first.trips);
    expect(first.trips[1]).toMatch(/^WITH /);

    const order: [string, string][] = [
      ['苹果', '加冰'],
      ['不加冰', '杯装还是碗装'],
      ['杯装', '要办理吗'],
      ['不用了', '请付'],
      ['好的', '支付成功'],
    ];
    for (const [i, [say, expected]] of order.entries()) {
      const next = await turn(user, `o${i + 2}`, say);
      expect(next.replies).toContain(expected);
      // One statement: the write, guarded by the cached version (no read, no BEGIN/COMMIT of its own).
      expect(next.trips).toHaveLength(1);
      expect(next.trips[0]).toMatch(/^WITH /);
      expect(next.prepared).toEqual(next.trips);
    }
  });

  test('a returning user whose conversation this instance has not cached: 2 round trips (read, write), then 1', async () => {
    const user = `back-${Date.now()}`;
    await turn(user, 'r1', '我想买果汁');
    // As after a restart, or when the load balancer sent the previous turn elsewhere.
    app.app.get(TurnService).forget(conversationIdFor('juice', 'rest', user));
    const cold = await turn(user, 'r2', '苹果');
    expect(cold.replies).toContain('加冰');
    expect(cold.trips).toHaveLength(2);
    expect(cold.prepared).toEqual(cold.trips);
    const warm = await turn(user, 'r3', '加冰');
    expect(warm.replies).toContain('杯装还是碗装');
    expect(warm.trips).toHaveLength(1);
  });
});
