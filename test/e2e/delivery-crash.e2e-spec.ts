import { generateWebhookSecret } from '@parley/channels';
import { conversationIdFor } from '@parley/persistence';
import { TEST_ADMIN_TOKEN, post } from '../helpers/in-process-app';
import { eventually, Receiver } from '../helpers/receiver';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { dropSchema, freshSchema, query, testDatabaseKind, testDatabaseUrl } from '../helpers/test-database';

/**
 * kill -9 of a server with deliveries pending and one in flight: after a restart every push reaches the receiver,
 * which processes each idempotency key exactly once, in order per conversation, and no push is sent again once the
 * receiver confirmed it.
 */
const schema = freshSchema('dlvcrash');
const started: ServerProcess[] = [];
let receiver: Receiver;

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await receiver?.close();
  await dropSchema(schema);
});

describe(`kill -9 with pending deliveries (${testDatabaseKind()})`, () => {
  test('after a restart every push is delivered; the receiver processes each key once, in order', async () => {
    receiver = await Receiver.start();
    receiver.answer = () => ({ status: 503 });
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: schema,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      // The bot's configured callback URL (no callbackUrl in the requests).
      REST_CALLBACKS: JSON.stringify({ counter: { url: `${receiver.url}/cb`, secret: generateWebhookSecret() } }),
      OUTBOX_POLL_MS: '100',
      OUTBOX_BACKOFF_BASE_MS: '20',
      OUTBOX_BACKOFF_CAP_MS: '200',
      OUTBOX_MAX_ATTEMPTS: '1000',
      OUTBOX_HTTP_TIMEOUT_MS: '1000',
      // A killed instance's claims come back after 1.5 s.
      OUTBOX_LEASE_MS: '1500',
    };
    const victim = await spawnServer(env);
    started.push(victim);
    const users = ['k0', 'k1', 'k2'];
    const expected = new Map<string, string[]>();
    for (const user of users) {
      const res = await post(`${victim.url}/channels/rest/counter`, { userId: user, text: 'add' });
      expect(res.status).toBe(200);
      const id = conversationIdFor('counter', 'rest', user);
      expected.set(id, []);
      for (let n = 1; n <= 4; n++) {
        const note = `${user}-p${n}`;
        const ping = await post(
          `${victim.url}/api/conversations/${id}/events`,
          { event: { type: 'ping', note }, messageId: note },
          { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        );
        expect(ping.status).toBe(200);
        expected.get(id)!.push(`${note}#1`);
      }
    }
    // The receiver is down (503) while the pushes pile up; then it takes the next requests and never answers: the
    // server dies with those in flight, the receiver having processed them.
    await receiver.until((got) => got.length >= 3);
    receiver.answer = () => 'hang';
    await receiver.until((got) => got.some((g) => g.status === 'hang'));
    await victim.kill();
    const inFlight = receiver.received.filter((g) => g.status === 'hang').map((g) => String(g.headers['idempotency-key']));
    receiver.answer = () => ({ status: 200 });

    const restarted = await spawnServer(env);
    started.push(restarted);
    const all = [...expected.values()].flat();
    await receiver.until(() => all.every((key) => receiver.accepted().some((a) => a.headers['idempotency-key'] === key)), 60_000);

    // Processed once each (the receiver deduped the redelivery of what was in flight), in order per conversation.
    const processed = receiver.accepted().map((a) => String(a.headers['idempotency-key']));
    expect([...processed].sort()).toEqual([...all].sort());
    for (const [id, keys] of expected) {
      expect(receiver.accepted().filter((a) => a.json.data.conversationId === id).map((a) => a.headers['idempotency-key'])).toEqual(keys);
    }
    // What was in flight at the kill came again after the restart (at least once), and was confirmed once.
    expect(inFlight.length).toBeGreaterThan(0);
    for (const key of inFlight) {
      expect(receiver.received.filter((g) => g.headers['idempotency-key'] === key && g.status === 200)).toHaveLength(1);
    }
    // Nothing confirmed was ever sent again.
    for (const key of all) {
      const confirmed = receiver.received.findIndex((g) => g.headers['idempotency-key'] === key && (g.status === 200 || g.status === 'hang'));
      const later = receiver.received.slice(confirmed + 1).filter((g) => g.headers['idempotency-key'] === key);
      expect(later.filter((g) => g.status === 200).length).toBeLessThanOrEqual(inFlight.includes(key) ? 1 : 0);
    }
    const rows = await eventually(async () => {
      const counted = await query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM "${schema}".outbox WHERE kind = 'reply' GROUP BY status`,
      );
      return counted.length === 1 && counted[0]!.status === 'delivered' ? counted : undefined;
    });
    expect(rows).toEqual([{ status: 'delivered', n: all.length }]);
  });
});
