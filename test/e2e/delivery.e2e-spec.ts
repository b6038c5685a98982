import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '@parley/channels';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { verify, webhookReceiver } from '../fixtures/webhook-receiver';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { eventually, Receiver, type Received } from '../helpers/receiver';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

/**
 * Delivery through the outbox, against receivers on 127.0.0.1: REST push callbacks and event webhooks, retries,
 * Retry-After, order per conversation and receiver, dead letters and their replay, signatures checked with the
 * independent `standardwebhooks` package, payloads checked against docs/webhooks.schema.json.
 */
const schema = freshSchema('dlv');
const CALLBACK_SECRET = generateWebhookSecret();
const AUDIT_SECRET = generateWebhookSecret();
const MAX_ATTEMPTS = 6;
let app: ParleyApp;
let audit: Receiver;
const receivers: Receiver[] = [];

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const json = { 'content-type': 'application/json' };
const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(__dirname, '../../docs/webhooks.schema.json'), 'utf8')) as object,
);

async function receiver(): Promise<Receiver> {
  const r = await Receiver.start();
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  audit = await receiver();
  app = await startInProcess({
    bots: [counterBot(1)],
    nlu: counterNlu,
    schema,
    env: {
      REST_CALLBACKS: JSON.stringify({ counter: { secret: CALLBACK_SECRET } }),
      WEBHOOKS: JSON.stringify([{ id: 'audit', url: `${audit.url}/audit`, events: ['turn.handled'], secret: AUDIT_SECRET }]),
      // Short backoff instead of sleeps: a failed try is retried within 40 ms (unless the receiver says otherwise).
      OUTBOX_BACKOFF_BASE_MS: '5',
      OUTBOX_BACKOFF_CAP_MS: '40',
      OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    },
  });
});

afterAll(async () => {
  await app?.close();
  await Promise.all(receivers.map((r) => r.close()));
  await dropSchema(schema);
});

/** Start a REST conversation whose pushes go to `callbackUrl`; returns its id. */
async function conversationWithCallback(userId: string, callbackUrl: string): Promise<string> {
  const res = await post(`${app.url}/channels/rest/counter`, { userId, text: 'add', callbackUrl });
  expect(res.status).toBe(200);
  return res.body.conversationId as string;
}

/** An external event that makes the counter bot push `pong <note>`. */
async function ping(conversationId: string, note: string): Promise<void> {
  const res = await post(`${app.url}/api/conversations/${conversationId}/events`, { event: { type: 'ping', note }, messageId: note }, { ...json, ...admin });
  expect(res.status).toBe(200);
}

const key = (r: Received) => String(r.headers['idempotency-key']);

describe(`delivery through the outbox (${testDatabaseKind()})`, () => {
  test('a receiver that fails 3 times then succeeds gets each push once, in order, signed', async () => {
    const r = await receiver();
    r.answer = (request) => (request.n <= 3 ? { status: 503 } : { status: 200 });
    const id = await conversationWithCallback('ann', `${r.url}/push?token=abc`);
    for (const note of ['a1', 'a2', 'a3']) await ping(id, note);
    await r.until(() => r.accepted().length === 3);

    // Every try, in order: the first push four times (three failures), then the others once each. Nothing after a
    // success, and nothing overtook the failing first push.
    expect(r.received.map(key)).toEqual(['a1#1', 'a1#1', 'a1#1', 'a1#1', 'a2#1', 'a3#1']);
    expect(r.accepted().map((a) => a.json.data.reply.text)).toEqual(['pong a1', 'pong a2', 'pong a3']);
    const hook = new Webhook(CALLBACK_SECRET);
    for (const request of r.received) {
      expect(request.path).toBe('/push?token=abc');
      expect(request.headers['webhook-id']).toBe(key(request));
      expect(hook.verify(request.body, request.headers as Record<string, string>)).toEqual(request.json);
      expect(validate(request.json)).toBe(true);
    }
    expect(r.accepted()[0]!.json).toMatchObject({
      type: 'reply.pushed',
      data: { botId: 'counter', conversationId: id, channel: 'rest', userId: 'ann', messageId: 'a1#1', reply: { type: 'text', text: 'pong a1' } },
    });
    // A tampered body fails the independent verifier: the check above can fail.
    expect(() => hook.verify(r.received[0]!.body.replace('pong', 'PONG'), r.received[0]!.headers as Record<string, string>)).toThrow();
    // Recorded once the server heard the receiver's answer.
    const pushes = await eventually(async () => {
      const outbox = await get(`${app.url}/api/conversations/${id}/outbox`, TEST_ADMIN_TOKEN);
      const items = outbox.body.items.filter((i: { kind: string }) => i.kind === 'reply');
      return items.every((i: { status: string }) => i.status === 'delivered') ? items : undefined;
    });
    expect(pushes.map((i: { messageId: string; status: string; attempts: number }) => [i.messageId, i.status, i.attempts])).toEqual([
      ['a1#1', 'delivered', 4],
      ['a2#1', 'delivered', 1],
      ['a3#1', 'delivered', 1],
    ]);
  });

  test("a timer's push goes to the callback URL the conversation's last message gave", async () => {
    const first = await receiver();
    const second = await receiver();
    await conversationWithCallback('ivy', `${first.url}/old`);
    const res = await post(`${app.url}/channels/rest/counter`, { userId: 'ivy', text: 'remind', callbackUrl: `${second.url}/new` });
    expect(res.body.replies).toEqual([{ type: 'text', text: 'I will remind you.' }]);
    await second.until(() => second.accepted().length === 1);
    expect(second.accepted()[0]!.json.data.reply.text).toBe('Reminder!');
    expect(first.received).toEqual([]);
    expect(await query(`SELECT address FROM "${schema}".conversations WHERE id = $1`, [res.body.conversationId])).toEqual([
      { address: { callbackUrl: `${second.url}/new` } },
    ]);
  });

  test('a receiver that answers 429 with Retry-After is tried again no sooner than it asked', async () => {
    const r = await receiver();
    r.answer = (request) => (request.n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    const id = await conversationWithCallback('bea', `${r.url}/push`);
    await ping(id, 'b1');
    await r.until(() => r.accepted().length === 1);
    expect(r.received.map(key)).toEqual(['b1#1', 'b1#1']);
    // Without Retry-After the retry would come within 40 ms (OUTBOX_BACKOFF_CAP_MS).
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  test('a push that fails every try becomes a dead letter, the next one goes on, and a replay delivers it', async () => {
    const events = await receiver();
    const created = await post(`${app.url}/api/webhooks`, { url: `${events.url}/dead`, events: ['delivery.dead_lettered'], bots: ['counter'] }, { ...json, ...admin });
    expect(created.status).toBe(201);
    const r = await receiver();
    let down = true;
    r.answer = (request) => (down && key(request) === 'c1#1' ? { status: 500 } : { status: 200 });
    const id = await conversationWithCallback('cid', `${r.url}/push`);
    await ping(id, 'c1');
    await ping(id, 'c2');
    await events.until((got) => got.some((e) => e.json?.data?.conversationId === id));

    // c2 waited for c1's last try, then went on.
    expect(r.received.map(key)).toEqual([...Array<string>(MAX_ATTEMPTS).fill('c1#1'), 'c2#1'].slice(0, r.received.length));
    await r.until(() => r.accepted().some((a) => key(a) === 'c2#1'));
    expect(r.received.map(key)).toEqual([...Array<string>(MAX_ATTEMPTS).fill('c1#1'), 'c2#1']);

    const notice = events.received.find((e) => e.json.data.conversationId === id)!;
    expect(new Webhook(created.body.secret as string).verify(notice.body, notice.headers as Record<string, string>)).toBeTruthy();
    expect(validate(notice.json)).toBe(true);
    expect(notice.json.data.delivery).toMatchObject({ kind: 'reply', target: 'rest', messageId: 'c1#1', attempts: MAX_ATTEMPTS });

    const dead = await get(`${app.url}/api/deliveries/dead?conversation=${encodeURIComponent(id)}`, TEST_ADMIN_TOKEN);
    expect(dead.status).toBe(200);
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({ conversationId: id, botId: 'counter', kind: 'reply', messageId: 'c1#1', attempts: MAX_ATTEMPTS });
    expect(dead.body.items[0].lastError).toContain('answered 500');
    expect(dead.body.items[0].id).toBe(notice.json.data.delivery.id);
    const byBot = await get(`${app.url}/api/deliveries/dead?bot=counter&limit=1`, TEST_ADMIN_TOKEN);
    expect(byBot.body.items).toHaveLength(1);
    expect((await get(`${app.url}/api/deliveries/dead?bot=nobody`, TEST_ADMIN_TOKEN)).body.items).toEqual([]);

    down = false;
    const replayed = await post(`${app.url}/api/deliveries/dead/${dead.body.items[0].id}/replay`, {}, { ...json, ...admin });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({ replayed: 1 });
    await r.until(() => r.accepted().some((a) => key(a) === 'c1#1'));
    expect(r.accepted().map(key)).toEqual(['c2#1', 'c1#1']);
    expect((await get(`${app.url}/api/deliveries/dead?conversation=${encodeURIComponent(id)}`, TEST_ADMIN_TOKEN)).body.items).toEqual([]);
    const again = await post(`${app.url}/api/deliveries/dead/${dead.body.items[0].id}/replay`, {}, { ...json, ...admin });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('DELIVERY_NOT_FOUND');

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^parley_outbox_dead_letters_total\{kind="reply"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^parley_outbox_retries_total\{kind="reply"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^parley_outbox_delivered_total\{kind="webhook"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^parley_outbox_pending \d+$/m);
    expect(metrics).toMatch(/^parley_outbox_dead \d+$/m);
  });

  test('event webhooks: signed per Standard Webhooks, with payloads that match the documented schema', async () => {
    const r = await receiver();
    const created = await post(
      `${app.url}/api/webhooks`,
      { id: 'everything', url: `${r.url}/events`, events: ['turn.handled', 'push.sent', 'context.finished', 'escape', 'handoff.requested'] },
      { ...json, ...admin },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'everything', source: 'api', bots: null });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const list = await get(`${app.url}/api/webhooks`, TEST_ADMIN_TOKEN);
    expect(list.body.items.map((s: { id: string; source: string }) => [s.id, s.source])).toEqual(
      expect.arrayContaining([
        ['audit', 'config'],
        ['everything', 'api'],
      ]),
    );
    expect(list.body.items.every((s: { secret?: string }) => s.secret === undefined)).toBe(true);

    const first = await post(`${app.url}/channels/rest/counter`, { userId: 'dan', messageId: 'd-1', text: 'add' });
    const id = first.body.conversationId as string;
    await ping(id, 'd2');
    await r.until(() => r.accepted().length === 3);
    const hook = new Webhook(created.body.secret as string);
    for (const request of r.received) {
      expect(hook.verify(request.body, request.headers as Record<string, string>)).toEqual(request.json);
      expect(validate(request.json)).toBe(true);
    }
    expect(r.accepted().map((a) => a.json.type)).toEqual(['turn.handled', 'turn.handled', 'push.sent']);
    expect(r.accepted()[0]!.json.data).toEqual({
      botId: 'counter',
      conversationId: id,
      channel: 'rest',
      userId: 'dan',
      turn: 1,
      messageId: 'd-1',
      input: { kind: 'message', text: 'add' },
      outcome: 'handled',
      intent: 'add',
      replies: ['count=1 v1'],
      focus: 'counter',
      activePath: ['counter.counting'],
    });
    expect(r.accepted()[1]!.json.data).toMatchObject({ turn: 2, input: { kind: 'event', type: 'ping' }, replies: ['pong d2'] });
    // No callback URL for dan: the push is readable in the transcript, and says so.
    expect(r.accepted()[2]!.json.data).toMatchObject({ conversationId: id, messageId: 'd2#1', text: 'pong d2', transport: 'transcript' });

    // The configured subscription got its turn.handled events too, signed with its own secret.
    await audit.until(() => audit.accepted().some((a) => a.json.data.conversationId === id && a.json.data.turn === 2));
    const mine = audit.accepted().filter((a) => a.json.data.conversationId === id);
    expect(mine.map((a) => a.json.type)).toEqual(['turn.handled', 'turn.handled']);
    for (const request of audit.received) {
      expect(new Webhook(AUDIT_SECRET).verify(request.body, request.headers as Record<string, string>)).toEqual(request.json);
      expect(validate(request.json)).toBe(true);
    }
    expect(() => new Webhook(AUDIT_SECRET).verify(r.received[0]!.body, r.received[0]!.headers as Record<string, string>)).toThrow();

    // Deleting the subscription stops it; the configured one cannot be deleted through the API.
    expect((await fetch(`${app.url}/api/webhooks/everything`, { method: 'DELETE', headers: admin })).status).toBe(200);
    const configDelete = await fetch(`${app.url}/api/webhooks/audit`, { method: 'DELETE', headers: admin });
    expect(configDelete.status).toBe(409);
    const missing = await fetch(`${app.url}/api/webhooks/everything`, { method: 'DELETE', headers: admin });
    expect(missing.status).toBe(404);
  });

  test('a webhook receiver that is down gets the events later, in order per conversation', async () => {
    const r = await receiver();
    let up = false;
    // Down: 429 with Retry-After 1 s, so the tries stay well below OUTBOX_MAX_ATTEMPTS while the turns go on.
    r.answer = () => (up ? { status: 200 } : { status: 429, headers: { 'retry-after': '1' } });
    const created = await post(`${app.url}/api/webhooks`, { url: `${r.url}/late`, events: ['turn.handled'] }, { ...json, ...admin });
    expect(created.status).toBe(201);
    const users = ['eve', 'fay'];
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) {
      for (const userId of users) {
        const res = await post(`${app.url}/channels/rest/counter`, { userId, messageId: `${userId}-${n}`, text: 'add' });
        if (n === 1) ids.push(res.body.conversationId as string);
      }
    }
    await r.until((got) => ids.every((id) => got.some((g) => g.json.data.conversationId === id)));
    up = true;
    await r.until(() => r.accepted().filter((a) => ids.includes(a.json.data.conversationId as string)).length === 6);
    for (const id of ids) {
      const tries = r.received.filter((g) => g.json.data.conversationId === id).map((g) => g.json.data.turn as number);
      // Every try of a conversation's events, in order: a later turn is never sent before an earlier one succeeded.
      expect(tries).toEqual([...tries].sort((a, b) => a - b));
      expect(r.accepted().filter((a) => a.json.data.conversationId === id).map((a) => a.json.data.turn)).toEqual([1, 2, 3]);
    }
    expect(r.received.filter((g) => g.status === 429).length).toBeGreaterThanOrEqual(2);
  });

  test("the README's webhook receiver verifies Parley's webhooks, refuses forged ones and processes each event once", async () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('```ts\n// webhook-receiver.ts\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const block = readme.slice(readme.indexOf('\n', readme.indexOf('\n', start) + 1) + 1);
    const source = readFileSync(join(__dirname, '../fixtures/webhook-receiver.ts'), 'utf8');
    expect(block.slice(0, block.indexOf('```'))).toBe(source.slice(source.indexOf('\n') + 1));

    const secret = generateWebhookSecret();
    const handled: { type: string; data: Record<string, unknown> }[] = [];
    let arrived!: () => void;
    const done = new Promise<void>((resolve) => (arrived = resolve));
    const server = webhookReceiver(secret, (event) => {
      handled.push(event);
      if (handled.length === 1) arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const created = await post(`${app.url}/api/webhooks`, { url: `http://127.0.0.1:${port}/`, events: ['turn.handled'], secret }, { ...json, ...admin });
      expect(created.status).toBe(201);
      await post(`${app.url}/channels/rest/counter`, { userId: 'hal', text: 'add' });
      await done;
      expect(handled[0]).toMatchObject({ type: 'turn.handled', data: { userId: 'hal', replies: ['count=1 v1'] } });
      // Forged, stale or unsigned requests are refused; a replayed id is acknowledged and not processed again.
      const body = JSON.stringify({ type: 'turn.handled', data: {} });
      const now = Math.floor(Date.now() / 1000);
      const forged = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'webhook-id': 'x', 'webhook-timestamp': String(now), 'webhook-signature': 'v1,AAAA' },
        body,
      });
      expect(forged.status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body })).status).toBe(401);
      const signed = new Webhook(secret).sign('evt-1', new Date(now * 1000), body);
      expect(verify(secret, { 'webhook-id': 'evt-1', 'webhook-timestamp': String(now), 'webhook-signature': signed }, body)).toBe(true);
      expect(verify(secret, { 'webhook-id': 'evt-1', 'webhook-timestamp': String(now - 600), 'webhook-signature': signed }, body)).toBe(false);
      const headers = { 'webhook-id': 'evt-1', 'webhook-timestamp': String(now), 'webhook-signature': signed };
      expect((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body })).status).toBe(204);
      expect((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body })).status).toBe(204);
      expect(handled.filter((e) => Object.keys(e.data).length === 0)).toHaveLength(1);
      expect((await fetch(`${app.url}/api/webhooks/${created.body.id as string}`, { method: 'DELETE', headers: admin })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('bad input is refused with 400 and stores nothing', async () => {
    const before = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".conversations`);
    for (const callbackUrl of ['ftp://example.test/x', 'not a url', 'http://user:pw@127.0.0.1/x', 42, 'x'.repeat(3000)]) {
      const res = await post(`${app.url}/channels/rest/counter`, { userId: 'gil', text: 'add', callbackUrl });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'callbackUrl' });
    }
    expect(await query(`SELECT count(*)::int AS n FROM "${schema}".conversations`)).toEqual(before);
    const cases: [unknown, string][] = [
      [{ url: 'http://127.0.0.1:1/x', events: ['nope'] }, 'events'],
      [{ url: 'http://127.0.0.1:1/x', events: [] }, 'events'],
      [{ url: 'mailto:a@b', events: ['turn.handled'] }, 'url'],
      [{ url: 'http://127.0.0.1:1/x', events: ['turn.handled'], secret: 'plain' }, 'secret'],
      [{ url: 'http://127.0.0.1:1/x', events: ['turn.handled'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await post(`${app.url}/api/webhooks`, body, { ...json, ...admin });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', field });
    }
    expect((await post(`${app.url}/api/webhooks`, { id: 'audit', url: 'http://127.0.0.1:1/x', events: ['turn.handled'] }, { ...json, ...admin })).status).toBe(409);
    expect((await get(`${app.url}/api/deliveries/dead?limit=0`, TEST_ADMIN_TOKEN)).status).toBe(400);
    expect((await get(`${app.url}/api/deliveries/dead?before=garbage`, TEST_ADMIN_TOKEN)).status).toBe(400);
    expect((await get(`${app.url}/api/deliveries/dead?colour=red`, TEST_ADMIN_TOKEN)).status).toBe(400);
    expect((await post(`${app.url}/api/deliveries/dead/not-a-uuid/replay`, {}, { ...json, ...admin })).status).toBe(400);
    expect((await get(`${app.url}/api/deliveries/dead`)).status).toBe(401);
  });
});
