import { generateWebhookSecret } from '@parley/channels';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { eventually, Receiver } from '../helpers/receiver';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

/** Two instances on one database share the deliveries (SKIP LOCKED): each push confirmed once, in order per conversation. */
const schema = freshSchema('dlvinst');
const apps: ParleyApp[] = [];
let receiver: Receiver;

beforeAll(async () => {
  receiver = await Receiver.start();
  const env = {
    REST_CALLBACKS: JSON.stringify({ counter: { url: `${receiver.url}/cb`, secret: generateWebhookSecret() } }),
    OUTBOX_BACKOFF_BASE_MS: '5',
    OUTBOX_BACKOFF_CAP_MS: '40',
    OUTBOX_MAX_ATTEMPTS: '50',
  };
  apps.push(await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema, env }));
  apps.push(await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema, env }));
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await receiver?.close();
  await dropSchema(schema);
});

describe(`deliveries shared by two instances (${testDatabaseKind()})`, () => {
  test('every push is confirmed once, in order per conversation, whichever instance sends it', async () => {
    // Every third push fails on its first try.
    const failed = new Set<string>();
    receiver.answer = (request) => {
      const key = String(request.headers['idempotency-key']);
      if (Number(/-p(\d+)#/.exec(key)?.[1]) % 3 === 0 && !failed.has(key)) {
        failed.add(key);
        return { status: 503 };
      }
      return { status: 200 };
    };
    const users = ['i0', 'i1', 'i2', 'i3'];
    const expected = new Map<string, string[]>();
    for (const user of users) {
      const res = await post(`${apps[0]!.url}/channels/rest/counter`, { userId: user, text: 'add' });
      expected.set(res.body.conversationId as string, []);
    }
    // Pushes created on both instances, alternately, conversations interleaved.
    const sends: Promise<unknown>[] = [];
    for (let n = 1; n <= 6; n++) {
      for (const [id, keys] of expected) {
        const note = `${id.slice(-6)}-p${n}`;
        keys.push(`${note}#1`);
        const app = apps[n % 2]!;
        sends.push(
          post(`${app.url}/api/conversations/${id}/events`, { event: { type: 'ping', note }, messageId: note }, {
            'content-type': 'application/json',
            authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          }),
        );
      }
      // One conversation's events are sent one after the other (a conversation's turns are ordered anyway).
      await Promise.all(sends.splice(0));
    }
    const all = [...expected.values()].flat();
    await receiver.until(() => receiver.accepted().length === all.length);

    for (const key of all) expect(receiver.received.filter((r) => r.headers['idempotency-key'] === key && r.status === 200)).toHaveLength(1);
    for (const [id, keys] of expected) {
      const tries = receiver.received.filter((r) => r.json.data.conversationId === id).map((r) => keys.indexOf(String(r.headers['idempotency-key'])));
      expect(tries).toEqual([...tries].sort((a, b) => a - b));
      expect(receiver.accepted().filter((r) => r.json.data.conversationId === id).map((r) => r.headers['idempotency-key'])).toEqual(keys);
    }
    // The receiver answered before the instance recorded it: wait for the records, then the instances' own counters
    // add up to one confirmation per push.
    const recorded = async () =>
      (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".outbox WHERE kind = 'reply' AND status = 'delivered'`))[0]!.n;
    await eventually(async () => ((await recorded()) === all.length ? true : undefined));
    let delivered = 0;
    for (const app of apps) {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      delivered += Number(/^parley_outbox_delivered_total\{kind="reply"\} (\d+)$/m.exec(text)?.[1]);
    }
    expect(delivered).toBe(all.length);
  });
});
