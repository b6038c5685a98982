import { keywordNlu } from '@parley/dialogue-core';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot } from '../fixtures/counter.bot';
import { lookupBot } from '../fixtures/lookup.bot';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';
import { expectWholeTurns } from '../helpers/transcript-checks';

/**
 * The one-round-trip path (TurnService: the engine runs on this instance's cached state, the write checks that the
 * state is still current). Two instances on one database; `parley_turn_cache_total` tells which path a turn took.
 */
const schema = freshSchema('cache');
const apps: ParleyApp[] = [];
let a: ParleyApp;
let b: ParleyApp;
const lookups: string[] = [];

const nlu = keywordNlu({ intents: { add: ['add'], lookup: ['lookup'], help: ['help'], done: ['done'] } });

async function start(): Promise<ParleyApp> {
  const app = await startInProcess({
    bots: [counterBot(1), lookupBot()],
    nlu,
    schema,
    extra: {
      services: {
        lookup: async () => {
          lookups.push('call');
          return lookups.length;
        },
      },
    },
  });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  a = await start();
  b = await start();
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await dropSchema(schema);
});

const say_ = async (app: ParleyApp, userId: string, messageId: string, text = 'add', bot = 'counter') => {
  const res = await post(`${app.url}/channels/rest/${bot}`, { userId, messageId, text });
  expect(res.status).toBe(200);
  return res;
};
const reply = (res: { body: { replies: { text: string }[] } }) => res.body.replies.map((r) => r.text).join(' | ');

/** This instance's cache counters (hit, stale, miss), cumulative. */
async function cacheCounts(app: ParleyApp): Promise<{ hit: number; stale: number; miss: number }> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const n = (result: string) => Number(new RegExp(`^parley_turn_cache_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)![1]);
  return { hit: n('hit'), stale: n('stale'), miss: n('miss') };
}
const delta = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k]!]));

const memoryOf = async (userId: string) =>
  (await query<{ data: unknown }>(`SELECT data FROM "${schema}".memories WHERE scope_key = $1 AND name = 'total'`, [`counter/user/${userId}`]))[0]?.data;

describe(`turns from the instance's cached state (${testDatabaseKind()})`, () => {
  test('after its first turn, a conversation is served from the cache, with the same results as under the lock', async () => {
    const before = await cacheCounts(a);
    const texts: string[] = [];
    for (let n = 1; n <= 4; n++) texts.push(reply(await say_(a, 'hit', `hit-${n}`)));
    expect(texts).toEqual(['count=1 v1', 'count=2 v1', 'count=3 v1', 'count=4 v1']);
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 3, stale: 0, miss: 1 });
    const first = await say_(a, 'hit', 'hit-5');
    const lines = await expectWholeTurns(schema, first.body.conversationId as string);
    expect(lines.filter((l) => l.direction === 'out').map((l) => l.text)).toEqual([1, 2, 3, 4, 5].map((n) => `count=${n} v1`));
    expect(await memoryOf('hit')).toBe(5);
    const [row] = await query<{ version: number; turns: number }>(`SELECT version, turns FROM "${schema}".conversations WHERE id = $1`, [
      first.body.conversationId,
    ]);
    expect(row).toEqual({ version: 5, turns: 5 });
  });

  test('a turn taken by another instance makes the cached copy stale: refused, nothing written, re-taken under the lock', async () => {
    expect(reply(await say_(a, 'pingpong', 'pp-1'))).toBe('count=1 v1');
    expect(reply(await say_(a, 'pingpong', 'pp-2'))).toBe('count=2 v1');
    expect(reply(await say_(b, 'pingpong', 'pp-3'))).toBe('count=3 v1');
    const before = await cacheCounts(a);
    const res = await say_(a, 'pingpong', 'pp-4');
    expect(reply(res)).toBe('count=4 v1');
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 0, stale: 1, miss: 0 });
    // And the next one is a hit again (A cached what it committed under the lock).
    expect(reply(await say_(a, 'pingpong', 'pp-5'))).toBe('count=5 v1');
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 1, stale: 1, miss: 0 });
    await expectWholeTurns(schema, res.body.conversationId as string);
    expect(await memoryOf('pingpong')).toBe(5);
  });

  test('user memory changed elsewhere (another conversation of the user) makes the cached copy stale', async () => {
    expect(reply(await say_(a, 'shared', 'sh-1'))).toBe('count=1 v1');
    expect(await memoryOf('shared')).toBe(1);
    // What another conversation of the same user would do: change the user's memory, not this conversation's row.
    await query(`UPDATE "${schema}".memories SET data = '100'::jsonb WHERE scope_key = 'counter/user/shared'`);
    const before = await cacheCounts(a);
    expect(reply(await say_(a, 'shared', 'sh-2'))).toBe('count=2 v1');
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 0, stale: 1, miss: 0 });
    expect(await memoryOf('shared')).toBe(101);
  });

  test('a redelivered message id on a cache hit gets the stored response byte for byte, and no second turn', async () => {
    const first = await say_(a, 'redeliver', 'rd-1');
    await say_(a, 'redeliver', 'rd-2');
    const again = await Promise.all(Array.from({ length: 5 }, () => say_(a, 'redeliver', 'rd-1')));
    expect(new Set(again.map((r) => r.text))).toEqual(new Set([first.text]));
    const lines = await expectWholeTurns(schema, first.body.conversationId as string);
    expect(lines.filter((l) => l.message_id === 'rd-1')).toHaveLength(1);
    expect(lines).toHaveLength(4);
    // The latest message too (the cache was refreshed by its own turn).
    const last = await say_(a, 'redeliver', 'rd-3');
    expect((await say_(a, 'redeliver', 'rd-3')).text).toBe(last.text);
    expect(await memoryOf('redeliver')).toBe(3);
  });

  test('after a redelivery, the next new message is served from the cache again', async () => {
    const first = await say_(a, 'redeliver-then', 'rdt-1');
    await say_(a, 'redeliver-then', 'rdt-2');
    const before = await cacheCounts(a);
    expect((await say_(a, 'redeliver-then', 'rdt-1')).text).toBe(first.text);
    // The redelivery took the entry (refused: the id is not new) and put back what it read under the lock.
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 0, stale: 1, miss: 0 });
    expect(reply(await say_(a, 'redeliver-then', 'rdt-3'))).toBe('count=3 v1');
    expect(reply(await say_(a, 'redeliver-then', 'rdt-4'))).toBe('count=4 v1');
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 2, stale: 1, miss: 0 });
    await expectWholeTurns(schema, first.body.conversationId as string);
    expect(await memoryOf('redeliver-then')).toBe(4);
  });

  test('concurrent turns of one conversation on one instance all serialize (one wins from the cache, the rest re-take)', async () => {
    await say_(a, 'crowd', 'cr-0');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => say_(a, 'crowd', `cr-${i + 1}`)));
    const counts = results.map((r) => Number(/^count=(\d+) v1$/.exec(reply(r))![1])).sort((x, y) => x - y);
    expect(counts).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    await expectWholeTurns(schema, results[0]!.body.conversationId as string);
    expect(await memoryOf('crowd')).toBe(9);
  });

  test('after a reset through the admin API, the next turn starts afresh', async () => {
    const first = await say_(a, 'resetme', 'rs-1');
    await say_(a, 'resetme', 'rs-2');
    const id = first.body.conversationId as string;
    const reset = await post(`${b.url}/api/conversations/${id}/reset`, {}, {
      'content-type': 'application/json',
      authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
    });
    expect(reset.status).toBe(200);
    expect(reply(await say_(a, 'resetme', 'rs-3'))).toBe('count=1 v1');
    const view = await get(`${a.url}/api/conversations/${id}`, TEST_ADMIN_TOKEN);
    expect(view.body.state.tree.children[0].context).toEqual({ count: 1 });
  });

  test('a turn that calls a service runs from the cached state too (no lock held while it waits): the service is called once per turn', async () => {
    await say_(a, 'looker', 'lk-0', 'help', 'looker');
    lookups.length = 0;
    const before = await cacheCounts(a);
    expect(reply(await say_(a, 'looker', 'lk-1', 'lookup', 'looker'))).toBe('found 1');
    expect(reply(await say_(a, 'looker', 'lk-2', 'lookup', 'looker'))).toBe('found 2');
    expect(lookups).toHaveLength(2);
    expect(delta(await cacheCounts(a), before)).toEqual({ hit: 2, stale: 0, miss: 0 });
  });

  test('a restarted instance has nothing cached: its first turn of a conversation is taken under the lock', async () => {
    await say_(a, 'restart', 'rt-1');
    await say_(a, 'restart', 'rt-2');
    const restarted = await start();
    const before = await cacheCounts(restarted);
    expect(reply(await say_(restarted, 'restart', 'rt-3'))).toBe('count=3 v1');
    expect(reply(await say_(restarted, 'restart', 'rt-4'))).toBe('count=4 v1');
    expect(delta(await cacheCounts(restarted), before)).toEqual({ hit: 1, stale: 0, miss: 1 });
    // The old instance's copy is stale now: refused, then right.
    expect(reply(await say_(a, 'restart', 'rt-5'))).toBe('count=5 v1');
  });
});
