import { get, post, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { dropSchema, freshSchema, query, testDatabaseKind, testDatabaseUrl } from '../helpers/test-database';
import { expectWholeTurns, transcriptOf } from '../helpers/transcript-checks';

const schema = freshSchema('multi');
let servers: ServerProcess[] = [];

beforeAll(async () => {
  const env = {
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_SCHEMA: schema,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SCHEDULER_POLL_MS: '100',
    DB_POOL_SIZE: '5',
  };
  // Started together: the migration advisory lock makes exactly one of them create the schema.
  servers = await Promise.all([spawnServer(env), spawnServer(env), spawnServer(env)]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await dropSchema(schema);
});

const send = (i: number, body: Record<string, unknown>) => post(`${servers[i % servers.length]!.url}/channels/rest/counter`, body);

describe(`three server processes on one database (${testDatabaseKind()})`, () => {
  test('20 concurrent messages to one conversation: 20 turns, one at a time, none lost or doubled', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i, { userId: 'racer', messageId: `race-${i}`, text: 'add' })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    // Serialized: each turn saw the previous one's state, so the counts are exactly 1..20.
    const counts = results.map((r) => Number(/^count=(\d+) v1$/.exec(r.body.replies[0].text)![1])).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const id = results[0]!.body.conversationId as string;
    expect(new Set(results.map((r) => r.body.conversationId))).toEqual(new Set([id]));

    // The transcript and the state agree.
    const lines = await expectWholeTurns(schema, id);
    expect(lines).toHaveLength(40);
    const ins = lines.filter((l) => l.direction === 'in').map((l) => l.message_id);
    expect([...ins].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `race-${i}`).sort());
    expect(lines.filter((l) => l.direction === 'out').map((l) => l.text)).toEqual(Array.from({ length: 20 }, (_, i) => `count=${i + 1} v1`));
    for (const r of results) {
      const inLine = lines.find((l) => l.message_id === r.body.messageId)!;
      expect(lines.find((l) => l.seq === inLine.seq + 1)!.text).toBe(r.body.replies[0].text);
    }
    const view = await get(`${servers[0]!.url}/api/conversations/${id}`, TEST_ADMIN_TOKEN);
    expect(view.body.turns).toBe(20);
    expect(view.body.state.tree.children[0].context).toEqual({ count: 20 });
    expect(view.body.memory).toEqual([expect.objectContaining({ name: 'total', data: 20 })]);
  });

  test('the same messageId 10 times at once (across instances): one turn, ten identical responses', async () => {
    await send(0, { userId: 'twin', messageId: 'twin-0', text: 'add' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i, { userId: 'twin', messageId: 'twin-1', text: 'add' })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(results[0]!.body.replies).toEqual([{ type: 'text', text: 'count=2 v1' }]);
    const lines = await expectWholeTurns(schema, results[0]!.body.conversationId as string);
    expect(lines.filter((l) => l.message_id === 'twin-1')).toHaveLength(1);
    expect(lines).toHaveLength(4);
  });

  test('a durable timer fires exactly once although every instance polls for it', async () => {
    const started = await send(1, { userId: 'sleeper', text: 'remind' });
    const id = started.body.conversationId as string;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const lines = await transcriptOf(schema, id);
      const [jobs] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".scheduled_jobs WHERE conversation_id = $1`, [id]);
      // The job is deleted in the same transaction as the turn it fires: once it is gone, it cannot fire again.
      if (jobs!.n === 0 && lines.some((l) => l.text === 'Reminder!')) break;
      if (Date.now() > deadline) throw new Error(`timer did not fire: ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines = await expectWholeTurns(schema, id);
    expect(lines.filter((l) => l.text === 'Reminder!')).toHaveLength(1);
    const fired = await Promise.all(servers.map((s) => fetch(`${s.url}/metrics`).then((r) => r.text())));
    const total = fired.map((t) => Number(/^parley_scheduled_jobs_fired_total (\d+)$/m.exec(t)![1])).reduce((a, b) => a + b, 0);
    expect(total).toBe(1);
  });

  test('a user message and an event for the same conversation at the same instant are both processed, in order', async () => {
    const first = await send(0, { userId: 'duplex', text: 'add' });
    const id = first.body.conversationId as string;
    const [message, event] = await Promise.all([
      send(1, { userId: 'duplex', messageId: 'd-msg', text: 'add' }),
      post(`${servers[2]!.url}/api/conversations/${id}/events`, { event: { type: 'ping', note: 'x' }, messageId: 'd-ev' }, {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      }),
    ]);
    expect(message.status).toBe(200);
    expect(event.status).toBe(200);
    const lines = await expectWholeTurns(schema, id);
    expect(lines.filter((l) => l.direction === 'in').map((l) => l.message_id).slice(1).sort()).toEqual(['d-ev', 'd-msg']);
  });
});
