import { defineBot } from '@parley/dialogue-core';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot } from '../fixtures/counter.bot';
import { nluWithBrokenBot } from '../fixtures/broken.nlu';
import { get, post, raw, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

const schema = freshSchema('rest');
const logs: string[] = [];
let app: ParleyApp;
let endpoint: string;

const brokenBot = () => {
  const base = counterBot(1);
  return defineBot({ id: 'broken-nlu', version: 1, home: 'counter', contexts: Object.values(base.contexts) });
};

beforeAll(async () => {
  app = await startInProcess({ bots: [counterBot(1), brokenBot()], nlu: nluWithBrokenBot, schema, logs });
  endpoint = `${app.url}/channels/rest/counter`;
});

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

/** Rows in every table: "nothing stored" means these do not change. */
async function counts(): Promise<Record<string, number>> {
  const tables = [
    'conversations',
    'transcript',
    'memories',
    'outbox',
    'scheduled_jobs',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".${table}`);
    result[table] = row!.n;
  }
  return result;
}

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const json = { 'content-type': 'application/json' };

describe(`REST channel contract (${testDatabaseKind()})`, () => {
  test('a message gets exactly {conversationId, messageId, replies[{type, text}]}', async () => {
    const res = await post(endpoint, { userId: 'alice', messageId: 'a-1', text: 'add' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['conversationId', 'messageId', 'replies']);
    expect(typeof res.body.conversationId).toBe('string');
    expect(res.body.messageId).toBe('a-1');
    expect(res.body.replies).toEqual([{ type: 'text', text: 'count=1 v1' }]);
  });

  test('the conversation id is stable per user and bot, and differs between users', async () => {
    const first = await post(endpoint, { userId: 'bob', text: 'add' });
    const second = await post(endpoint, { userId: 'bob', text: 'add' });
    const other = await post(endpoint, { userId: 'carol', text: 'add' });
    expect(second.body.conversationId).toBe(first.body.conversationId);
    expect(other.body.conversationId).not.toBe(first.body.conversationId);
    expect(second.body.replies).toEqual([{ type: 'text', text: 'count=2 v1' }]);
  });

  test('a missing messageId is generated (a UUID) and returned', async () => {
    const res = await post(endpoint, { userId: 'dave', text: 'add' });
    expect(res.status).toBe(200);
    expect(res.body.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test('an event instead of text runs a turn', async () => {
    const res = await post(endpoint, { userId: 'erin', messageId: 'e-1', event: { type: 'ping', note: 'hi' } });
    expect(res.status).toBe(200);
    expect(res.body.replies).toEqual([{ type: 'text', text: 'pong hi' }]);
  });

  test('an event nested up to the limit (64 levels, the body counting as one) and emoji in the text are accepted', async () => {
    const body = `{"userId":"deep-ok","event":{"type":"ping","v":${'['.repeat(62)}1${']'.repeat(62)}}}`;
    expect((await post(endpoint, body, json)).status).toBe(200);
    expect((await post(endpoint, { userId: 'emoji', text: 'add 🍊\u{1F600}' })).status).toBe(200);
  });

  test('not understood: the bot says so and re-asks', async () => {
    const res = await post(endpoint, { userId: 'frank', text: 'what?' });
    expect(res.status).toBe(200);
    expect(res.body.replies.map((r: { text: string }) => r.text)).toEqual([
      "Sorry, I didn't understand that.",
      'Count is 0. Say add, remind, notify or done.',
    ]);
  });

  test('text of exactly 4,096 characters is accepted', async () => {
    const res = await post(endpoint, { userId: 'gina', text: `add ${'x'.repeat(4092)}` });
    expect(res.status).toBe(200);
  });

  test('the same messageId again returns the identical response and takes no turn', async () => {
    const first = await post(endpoint, { userId: 'hank', messageId: 'h-1', text: 'add' });
    const before = await counts();
    const again = await post(endpoint, { userId: 'hank', messageId: 'h-1', text: 'add' });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(await counts()).toEqual(before);
  });

  test('a messageId reused with a different text: the first response again, and a conflict in the log and /metrics', async () => {
    const first = await post(endpoint, { userId: 'reuser', messageId: 'reused-1', text: 'add' });
    const other = await post(endpoint, { userId: 'reuser', messageId: 'reused-1', text: 'done' });
    expect(other.status).toBe(200);
    expect(other.text).toBe(first.text);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^parley_errors_total\{code="MESSAGE_ID_CONFLICT"\} 1$/m);
    expect(logs.some((l) => /reused for a different message/.test(l) && l.includes('reused-1'))).toBe(true);
  });

  test('the transcript lists in/out messages in order with ISO timestamps', async () => {
    const a = await post(endpoint, { userId: 'ivy', messageId: 'i-1', text: 'add' });
    await post(endpoint, { userId: 'ivy', messageId: 'i-2', text: 'add' });
    const res = await get(`${app.url}/api/conversations/${a.body.conversationId}/transcript`, TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    const items = res.body.items as { direction: string; text: string; at: string; messageId: string; seq: number }[];
    expect(items.map((i) => [i.direction, i.text])).toEqual([
      ['in', 'add'],
      ['out', 'count=1 v1'],
      ['in', 'add'],
      ['out', 'count=2 v1'],
    ]);
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
    for (const item of items) expect(new Date(item.at).toISOString()).toBe(item.at);
    expect(items[0]!.messageId).toBe('i-1');
  });
});

describe(`bad input is refused with a 4xx and nothing is stored (${testDatabaseKind()})`, () => {
  const long = 'y'.repeat(4097);
  const nested = (open: string, inner: string, close: string, levels: number) =>
    `{"userId":"u","event":{"type":"deep","v":${open.repeat(levels)}${inner}${close.repeat(levels)}}}`;
  const transcriptOf = (id: string, query = '') => get(`${app.url}/api/conversations/${id}/transcript${query}`, TEST_ADMIN_TOKEN);
  const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
    ['malformed JSON', () => post(endpoint, '{"userId": "u", "text": ', json), 400, 'INVALID_JSON'],
    ['an empty JSON body', () => post(endpoint, '', json), 400, 'INVALID_JSON'],
    ['a JSON array', () => post(endpoint, [{ userId: 'u', text: 'add' }]), 400, 'INVALID_REQUEST'],
    ['a JSON string', () => post(endpoint, '"add"', json), 400, 'INVALID_REQUEST'],
    ['JSON null', () => post(endpoint, 'null', json), 400, 'INVALID_REQUEST'],
    ['a missing userId', () => post(endpoint, { text: 'add' }), 400, 'INVALID_REQUEST'],
    ['a numeric userId', () => post(endpoint, { userId: 42, text: 'add' }), 400, 'INVALID_REQUEST'],
    ['an empty userId', () => post(endpoint, { userId: '', text: 'add' }), 400, 'INVALID_REQUEST'],
    [
      'a userId of 129 characters',
      () => post(endpoint, { userId: 'u'.repeat(129), text: 'add' }),
      400,
      'INVALID_REQUEST',
    ],
    ['a numeric messageId', () => post(endpoint, { userId: 'u', messageId: 7, text: 'add' }), 400, 'INVALID_REQUEST'],
    [
      'a messageId of 129 characters',
      () => post(endpoint, { userId: 'u', messageId: 'm'.repeat(129), text: 'add' }),
      400,
      'INVALID_REQUEST',
    ],
    ['an extra field', () => post(endpoint, { userId: 'u', text: 'add', admin: true }), 400, 'INVALID_REQUEST'],
    ['neither text nor event', () => post(endpoint, { userId: 'u' }), 400, 'INVALID_REQUEST'],
    [
      'both text and event',
      () => post(endpoint, { userId: 'u', text: 'add', event: { type: 'ping' } }),
      400,
      'INVALID_REQUEST',
    ],
    ['a numeric text', () => post(endpoint, { userId: 'u', text: 12 }), 400, 'INVALID_REQUEST'],
    ['an empty text', () => post(endpoint, { userId: 'u', text: '  ' }), 400, 'INVALID_REQUEST'],
    ['text over 4,096 characters', () => post(endpoint, { userId: 'u', text: long }), 400, 'TEXT_TOO_LONG'],
    ['an event that is a string', () => post(endpoint, { userId: 'u', event: 'ping' }), 400, 'INVALID_REQUEST'],
    ['an event without a type', () => post(endpoint, { userId: 'u', event: { note: 1 } }), 400, 'INVALID_REQUEST'],
    [
      'an event with a bad type',
      () => post(endpoint, { userId: 'u', event: { type: 'no spaces!' } }),
      400,
      'INVALID_REQUEST',
    ],
    [
      'an event the bot does not declare',
      () => post(endpoint, { userId: 'u', event: { type: 'nobody.listens' } }),
      400,
      'EVENT_NOT_DECLARED',
    ],
    ['a body over 64 KB', () => post(endpoint, { userId: 'u', text: 'z'.repeat(70_000) }), 413, 'BODY_TOO_LARGE'],
    ['text/plain', () => post(endpoint, 'add', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'application/xml',
      () => post(endpoint, '<add/>', { 'content-type': 'application/xml' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a form',
      () => post(endpoint, 'userId=u&text=add', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an unknown bot',
      () => post(`${app.url}/channels/rest/nobody`, { userId: 'u', text: 'add' }),
      404,
      'BOT_NOT_FOUND',
    ],
    [
      'an unknown route',
      () => post(`${app.url}/channels/telepathy/counter`, { userId: 'u', text: 'add' }),
      404,
      'ROUTE_NOT_FOUND',
    ],
    ['admin without a token', () => get(`${app.url}/api/bots`), 401, 'UNAUTHORIZED'],
    ['admin with a wrong token', () => get(`${app.url}/api/bots`, 'not-the-token-at-all-xx'), 401, 'UNAUTHORIZED'],
    [
      'an unknown conversation',
      () => get(`${app.url}/api/conversations/nope`, TEST_ADMIN_TOKEN),
      404,
      'CONVERSATION_NOT_FOUND',
    ],
    [
      'the transcript of an unknown conversation',
      () => get(`${app.url}/api/conversations/nope/transcript`, TEST_ADMIN_TOKEN),
      404,
      'CONVERSATION_NOT_FOUND',
    ],
    [
      'an event for an unknown conversation',
      () => post(`${app.url}/api/conversations/nope/events`, { event: { type: 'ping' } }, { ...json, ...admin }),
      404,
      'CONVERSATION_NOT_FOUND',
    ],
    [
      'a reset of an unknown conversation',
      () => post(`${app.url}/api/conversations/nope/reset`, {}, { ...json, ...admin }),
      404,
      'CONVERSATION_NOT_FOUND',
    ],
    [
      'an admin event without a type',
      () => post(`${app.url}/api/conversations/nope/events`, { event: {} }, { ...json, ...admin }),
      400,
      'INVALID_REQUEST',
    ],
    // Nesting: refused before anything walks it (a recursive walk overflowed the stack at ~4,200 levels).
    ['an event nested 5,000 arrays deep', () => post(endpoint, nested('[', '1', ']', 5000), json), 400, 'INVALID_REQUEST'],
    ['an event nested 5,000 objects deep', () => post(endpoint, nested('{"a":', '1', '}', 5000), json), 400, 'INVALID_REQUEST'],
    ['a body nested 65 levels deep (the limit is 64)', () => post(endpoint, nested('[', '1', ']', 63), json), 400, 'INVALID_REQUEST'],
    // Lone UTF-16 surrogates: not Unicode, and PostgreSQL refuses them (`text`, and `jsonb`'s \ud800 escape).
    ['a lone surrogate in text', () => post(endpoint, { userId: 'u', text: 'a\ud800' }), 400, 'INVALID_REQUEST'],
    ['a lone surrogate in userId', () => post(endpoint, { userId: 'u\udfff', text: 'add' }), 400, 'INVALID_REQUEST'],
    ['a lone surrogate in messageId', () => post(endpoint, { userId: 'u', messageId: '\ud83d', text: 'add' }), 400, 'INVALID_REQUEST'],
    ['a lone surrogate in an event value', () => post(endpoint, { userId: 'u', event: { type: 'x', note: 'a\ud800b' } }), 400, 'INVALID_REQUEST'],
    ['a lone surrogate in an event key', () => post(endpoint, { userId: 'u', event: { type: 'x', ['k\udc00']: 1 } }), 400, 'INVALID_REQUEST'],
    ['%00 in an admin path id', () => transcriptOf('%00'), 400, 'INVALID_REQUEST'],
    ['%00 in an admin path id (conversation)', () => get(`${app.url}/api/conversations/a%00b`, TEST_ADMIN_TOKEN), 400, 'INVALID_REQUEST'],
    ['an encoded lone surrogate in an admin path id', () => transcriptOf('%ED%A0%80'), 400, 'BAD_REQUEST'],
    ['after out of the integer range', () => transcriptOf('nope', '?after=2147483648'), 400, 'INVALID_REQUEST'],
    ['after that is not a number', () => transcriptOf('nope', '?after=1e3'), 400, 'INVALID_REQUEST'],
    // Errors Fastify and Node raise before a route runs.
    ['a URL with broken percent-encoding', () => transcriptOf('%E0%A4%A'), 400, 'BAD_REQUEST'],
    ['a path parameter over 100 characters', () => transcriptOf('c'.repeat(101)), 414, 'URL_TOO_LONG'],
    [
      'request headers over 16 KB',
      () => post(endpoint, { userId: 'u', text: 'add' }, { ...json, 'x-padding': 'p'.repeat(20_000) }),
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['a malformed HTTP request', () => raw(app.url, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'BAD_REQUEST'],
    [
      'an admin event with an extra field',
      () => post(`${app.url}/api/conversations/nope/events`, { event: { type: 'ping' }, x: 1 }, { ...json, ...admin }),
      400,
      'INVALID_REQUEST',
    ],
  ];

  test.each(cases.map(([name, send, status, code]) => [name, status, code, send] as const))(
    '%s → %i %s',
    async (_name, status, code, send) => {
      const before = await counts();
      const res = await send();
      expect(res.status).toBe(status);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error.code).toBe(code);
      expect(typeof res.body.error.message).toBe('string');
      expect(res.body.error.message.length).toBeGreaterThan(0);
      expect(await counts()).toEqual(before);
    },
  );

  test('the server stays healthy after bad input', async () => {
    const res = await get(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect((await post(endpoint, { userId: 'after-bad', text: 'add' })).status).toBe(200);
  });

  test('a server-side failure is a 500 with an error id that is in the log, and the turn is rolled back', async () => {
    const before = await counts();
    const res = await post(`${app.url}/channels/rest/broken-nlu`, { userId: 'u', text: 'add' });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(res.body.error.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.message).not.toContain('exploded');
    const logged = logs
      .map((line) => JSON.parse(line) as Record<string, any>)
      .find((l) => l.errorId === res.body.error.errorId);
    expect(logged?.level).toBe('error');
    expect(logged?.err?.message).toBe('NLU exploded');
    expect(await counts()).toEqual(before);
  });
});

describe(`admin API (${testDatabaseKind()})`, () => {
  test('lists bots', async () => {
    const res = await get(`${app.url}/api/bots`, TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.items.map((b: { id: string }) => b.id).sort()).toEqual(['broken-nlu', 'counter']);
    expect(res.body.items.find((b: { id: string }) => b.id === 'counter')).toMatchObject({
      version: 1,
      home: 'counter',
      contexts: ['counter'],
    });
  });

  test('reads a conversation: state tree, focus, stacks, pending question, memory', async () => {
    const a = await post(endpoint, { userId: 'judy', text: 'add' });
    await post(endpoint, { userId: 'judy', text: 'add' });
    const res = await get(`${app.url}/api/conversations/${a.body.conversationId}`, TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: a.body.conversationId,
      botId: 'counter',
      channel: 'rest',
      userId: 'judy',
      botVersion: 1,
      status: 'active',
      turns: 2,
    });
    expect(res.body.state.threads).toEqual({ focus: 'counter', sleeping: [], yielding: [], blocking: [] });
    expect(res.body.state.activePath).toEqual(['counter.counting']);
    expect(res.body.state.pendingQuestion).toBe('Count is 2. Say add, remind, notify or done.');
    expect(res.body.state.tree.children[0]).toMatchObject({ id: 'counter', value: 'counting', context: { count: 2 } });
    expect(res.body.memory).toEqual([expect.objectContaining({ scope: 'counter/user/judy', name: 'total', data: 2 })]);
  });

  test('posting an event runs a turn whose replies are pushed: transcript and outbox', async () => {
    const a = await post(endpoint, { userId: 'kim', text: 'add' });
    const id = a.body.conversationId as string;
    const res = await post(
      `${app.url}/api/conversations/${id}/events`,
      { event: { type: 'ping', note: 'admin' }, messageId: 'ev-1' },
      { ...json, ...admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      conversationId: id,
      messageId: 'ev-1',
      replies: [{ type: 'text', text: 'pong admin' }],
    });
    const transcript = await get(`${app.url}/api/conversations/${id}/transcript`, TEST_ADMIN_TOKEN);
    expect(
      transcript.body.items.slice(-2).map((i: { direction: string; text: string }) => [i.direction, i.text]),
    ).toEqual([
      ['in', 'ping'],
      ['out', 'pong admin'],
    ]);
    const outbox = await get(`${app.url}/api/conversations/${id}/outbox`, TEST_ADMIN_TOKEN);
    expect(outbox.body.items).toEqual([
      expect.objectContaining({
        kind: 'reply',
        target: 'rest',
        payload: { type: 'text', text: 'pong admin' },
        messageId: 'ev-1#1',
      }),
    ]);
    const again = await post(
      `${app.url}/api/conversations/${id}/events`,
      { event: { type: 'ping', note: 'admin' }, messageId: 'ev-1' },
      { ...json, ...admin },
    );
    expect(again.body).toEqual(res.body);
    expect((await get(`${app.url}/api/conversations/${id}/transcript`, TEST_ADMIN_TOKEN)).body.items).toHaveLength(4);
  });

  test('an admin event the bot does not declare is refused, naming the declared ones, and changes nothing', async () => {
    const a = await post(endpoint, { userId: 'kit', text: 'add' });
    const id = a.body.conversationId as string;
    const before = await counts();
    const res = await post(`${app.url}/api/conversations/${id}/events`, { event: { type: 'nobody.listens' } }, { ...json, ...admin });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'EVENT_NOT_DECLARED',
      message: "The bot does not handle the external event 'nobody.listens'. It declares: ping, reminder.",
    });
    expect(await counts()).toEqual(before);
  });

  test('a scheduled timer fires once and pushes its message', async () => {
    const a = await post(endpoint, { userId: 'lee', text: 'remind' });
    expect(a.body.replies).toEqual([{ type: 'text', text: 'I will remind you.' }]);
    const id = a.body.conversationId as string;
    const texts = await waitFor(async () => {
      const res = await get(`${app.url}/api/conversations/${id}/transcript`, TEST_ADMIN_TOKEN);
      if (res.status !== 200) throw new Error(res.text);
      const t = (res.body.items as { text: string }[]).map((i) => i.text);
      const [jobs] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".scheduled_jobs WHERE conversation_id = $1`,
        [id],
      );
      return t.includes('Reminder!') && jobs!.n === 0 ? t : undefined;
    });
    expect(texts.filter((t: string) => t === 'Reminder!')).toHaveLength(1);
  });

  test('an outbound call effect is delivered through the outbox', async () => {
    const a = await post(endpoint, { userId: 'mia', text: 'notify' });
    const id = a.body.conversationId as string;
    const items = await waitFor(async () => {
      const res = await get(`${app.url}/api/conversations/${id}/outbox`, TEST_ADMIN_TOKEN);
      // A claim counts the attempt before the failure is recorded: wait for the recorded outcome.
      return res.body.items.length === 1 && res.body.items[0].attempts > 0 && res.body.items[0].lastError
        ? res.body.items
        : undefined;
    });
    // No 'notifier' service is configured in this app: the call stays pending for a retry, with the reason.
    expect(items[0]).toMatchObject({ kind: 'call', target: 'notifier', payload: { text: 'hello' }, status: 'pending' });
    expect(items[0].lastError).toContain("No service 'notifier'");
  });

  test('reset forgets the dialogue state but keeps the transcript', async () => {
    const a = await post(endpoint, { userId: 'ned', text: 'add' });
    const id = a.body.conversationId as string;
    const res = await post(`${app.url}/api/conversations/${id}/reset`, {}, { ...json, ...admin });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ conversationId: id, status: 'reset' });
    expect((await get(`${app.url}/api/conversations/${id}`, TEST_ADMIN_TOKEN)).body.state).toBeNull();
    const next = await post(endpoint, { userId: 'ned', text: 'add' });
    expect(next.body.replies).toEqual([{ type: 'text', text: 'count=1 v1' }]);
    expect((await get(`${app.url}/api/conversations/${id}/transcript`, TEST_ADMIN_TOKEN)).body.items).toHaveLength(4);
  });

  test('metrics in Prometheus text: turns, latency histogram, errors, outbox backlog', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^parley_turns_total\{bot="counter",outcome="handled"\} \d+$/m);
    expect(text).toMatch(/^parley_turn_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^parley_turn_duration_seconds_count \d+$/m);
    expect(text).toMatch(/^parley_errors_total\{code="INVALID_REQUEST"\} \d+$/m);
    expect(text).toMatch(/^parley_outbox_backlog \d+$/m);
  });

  test('turn logs are structured JSON with the conversation id and duration', () => {
    const turns = logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === 'turn');
    expect(turns.length).toBeGreaterThan(0);
    for (const t of turns) {
      expect(typeof t.conversationId).toBe('string');
      expect(typeof t.durationMs).toBe('number');
    }
  });
});

/** Poll `probe` until it returns a value (bounded: fails after `timeoutMs`). */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
