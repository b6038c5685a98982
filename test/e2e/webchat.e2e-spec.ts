import { findBot } from '@parley/machines';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

const schema = freshSchema('webchat');
const WEBCHAT_SECRET = 'a-web-chat-secret-for-the-tests-0123456789';
let app: ParleyApp;

beforeAll(async () => {
  app = await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema, env: { WEBCHAT_SECRET } });
});

afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

interface ChatEvent {
  event: string;
  data: any;
}

/** A page's live stream (`GET /webchat/:botId/events`), read as Server-Sent Events; `next` waits for an event. */
class EventStream {
  readonly events: ChatEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: { test: (e: ChatEvent) => boolean; resolve: (e: ChatEvent) => void }[] = [];
  private seen = 0;

  static async open(url: string, token: string): Promise<EventStream> {
    const stream = new EventStream();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: stream.controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    void stream.read(response.body!.pipeThrough(new TextDecoderStream()).getReader());
    await stream.next((e) => e.event === 'ready');
    return stream;
  }

  /** The first event after those already taken that passes `test` (events before it are skipped). */
  next(test: (e: ChatEvent) => boolean, timeoutMs = 10_000): Promise<ChatEvent> {
    for (; this.seen < this.events.length; ) {
      const event = this.events[this.seen++]!;
      if (test(event)) return Promise.resolve(event);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  close(): void {
    this.controller.abort();
  }

  private async read(reader: ReadableStreamDefaultReader<string>): Promise<void> {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) this.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  private push(event: ChatEvent): void {
    this.events.push(event);
    const waiter = this.waiters[0];
    if (waiter && this.seen === this.events.length - 1) {
      this.seen++;
      if (waiter.test(event)) {
        this.waiters.shift();
        waiter.resolve(event);
      }
    }
  }
}

async function session(base = app.url): Promise<{ token: string; conversationId: string }> {
  // As the page asks: a POST with no body.
  const res = await fetch(`${base}/webchat/counter/session`, { method: 'POST' });
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; conversationId: string };
}

function send(token: string, body: unknown, base = app.url) {
  return post(`${base}/channels/webchat/counter`, body, { 'content-type': 'application/json', authorization: `Bearer ${token}` });
}

async function history(token: string, after?: number) {
  const res = await fetch(`${app.url}/webchat/counter/history${after === undefined ? '' : `?after=${after}`}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}

describe(`web chat over HTTP (${testDatabaseKind()})`, () => {
  test('the page, its assets and the widget are served by Parley itself', async () => {
    const page = await fetch(`${app.url}/webchat/counter`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
    const html = await page.text();
    expect(html).toContain('data-bot="counter"');
    expect(html).toContain('<script src="assets/chat.js"></script>');
    for (const [path, type] of [
      ['/webchat/assets/chat.js', 'text/javascript'],
      ['/webchat/assets/chat.css', 'text/css'],
      ['/webchat/widget.js', 'text/javascript'],
    ] as const) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect((await res.text()).length).toBeGreaterThan(500);
    }
    const missing = await get(`${app.url}/webchat/assets/other.js`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  test('an unknown bot is a 404 with the error body, on every route', async () => {
    for (const res of [
      await get(`${app.url}/webchat/nobot`),
      await post(`${app.url}/webchat/nobot/session`, {}),
      await get(`${app.url}/webchat/nobot/history`),
      await get(`${app.url}/webchat/nobot/events`),
      await post(`${app.url}/channels/webchat/nobot`, { text: 'hi' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'BOT_NOT_FOUND' });
    }
  });

  test('a message runs a turn and is answered with the replies; the history shows both', async () => {
    const { token, conversationId } = await session();
    expect(token).toMatch(/^v1\.wc_[\w-]{22}\.[\w-]{43}$/);
    const res = await send(token, { text: 'add', messageId: 'm-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ messageId: 'm-1', replies: [{ messageId: 'm-1#1', from: 'bot', text: 'count=1 v1' }] });
    // Sent again (a retry after a lost response): answered once, the same.
    expect((await send(token, { text: 'add', messageId: 'm-1' })).body).toEqual(res.body);
    const { status, body } = await history(token);
    expect(status).toBe(200);
    expect(body).toEqual({
      conversationId,
      messages: [
        { seq: 1, messageId: 'm-1', from: 'user', text: 'add' },
        { seq: 2, messageId: 'm-1#1', from: 'bot', text: 'count=1 v1' },
      ],
    });
    expect((await history(token, 1)).body.messages.map((m: { seq: number }) => m.seq)).toEqual([2]);
    const [row] = await query<{ channel: string }>(`SELECT channel FROM "${schema}".conversations WHERE id = $1`, [conversationId]);
    expect(row?.channel).toBe('webchat');
  });

  test('bad input: 4xx with the error body, and nothing written', async () => {
    const { token, conversationId } = await session();
    const [version, user, signature] = token.split('.');
    const otherUser = (await session()).token.split('.')[1];
    const cases: [string, Promise<Awaited<ReturnType<typeof send>>>, number, string][] = [
      ['no token', post(`${app.url}/channels/webchat/counter`, { text: 'add' }), 401, 'SIGNATURE_INVALID'],
      ['a tampered signature', send(`${version}.${user}.${signature!.slice(0, -4)}AAAA`, { text: 'add' }), 401, 'SIGNATURE_INVALID'],
      ["another user's id with this signature", send(`${version}.${otherUser}.${signature}`, { text: 'add' }), 401, 'SIGNATURE_INVALID'],
      ['bad JSON', send(token, '{"text": "add"'), 400, 'INVALID_JSON'],
      ['no text', send(token, {}), 400, 'INVALID_REQUEST'],
      ['empty text', send(token, { text: '   ' }), 400, 'INVALID_REQUEST'],
      ['text too long', send(token, { text: 'a'.repeat(4097) }), 400, 'TEXT_TOO_LONG'],
      ['a user id in the body', send(token, { text: 'add', userId: 'someone' }), 400, 'INVALID_REQUEST'],
      ['not JSON', send(token, 'add'), 400, 'INVALID_JSON'],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect({ name, status: res.status, code: res.body?.error?.code }).toEqual({ name, status, code });
      expect(res.body.error.message).toEqual(expect.any(String));
    }
    const form = await post(`${app.url}/channels/webchat/counter`, 'text=add', { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` });
    expect(form.status).toBe(415);
    const tampered = await history(`${version}.${user}.${signature!.slice(0, -4)}AAAA`);
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('SIGNATURE_INVALID');
    const events = await get(`${app.url}/webchat/counter/events`);
    expect(events.status).toBe(401);
    expect((await history(token, -1 as number)).status).toBe(400);
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE id = $1`, [conversationId])).toEqual([]);
  });

  test("the stream brings a scheduled message without the page sending anything, and the outbox counts it delivered", async () => {
    const { token, conversationId } = await session();
    const stream = await EventStream.open(`${app.url}/webchat/counter/events`, token);
    try {
      expect(stream.events[0]).toEqual({ event: 'ready', data: { conversationId } });
      const res = await send(token, { text: 'remind', messageId: 'r-1' });
      expect(res.body.replies).toEqual([{ messageId: 'r-1#1', from: 'bot', text: 'I will remind you.' }]);
      // Nothing more is sent: the timer fires (300 ms), its turn pushes, the outbox delivers to this stream.
      const push = await stream.next((e) => e.event === 'message' && e.data.text === 'Reminder!');
      expect(push.data).toEqual({ messageId: expect.stringMatching(/^job-.+#1$/), from: 'bot', text: 'Reminder!' });
      const outbox = await get(`${app.url}/api/conversations/${conversationId}/outbox`, TEST_ADMIN_TOKEN);
      expect(outbox.body.items).toEqual([expect.objectContaining({ messageId: push.data.messageId, status: 'delivered' })]);
      // The transcript is the mailbox: the pushed message is in the history too, with the same id.
      const { body } = await history(token);
      expect(body.messages.at(-1)).toMatchObject({ messageId: push.data.messageId, from: 'bot', text: 'Reminder!' });
    } finally {
      stream.close();
    }
  });

  test("an external event's push (admin API) reaches the open page live", async () => {
    const { token, conversationId } = await session();
    await send(token, { text: 'add' });
    const stream = await EventStream.open(`${app.url}/webchat/counter/events`, token);
    try {
      const res = await post(`${app.url}/api/conversations/${conversationId}/events`, { event: { type: 'ping', note: 'from outside' } }, {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      });
      expect(res.status).toBe(200);
      const push = await stream.next((e) => e.event === 'message');
      expect(push.data).toMatchObject({ from: 'bot', text: 'pong from outside' });
    } finally {
      stream.close();
    }
  });

  test('a push while no page is open is delivered to the mailbox (not retried, not dead), and shown when the page opens', async () => {
    const { token, conversationId } = await session();
    await send(token, { text: 'remind' });
    // No stream: wait for the outbox to settle the timer's push.
    let items: { status: string; attempts: number; messageId: string }[] = [];
    for (const started = Date.now(); Date.now() - started < 10_000; await new Promise((r) => setTimeout(r, 100))) {
      items = (await get(`${app.url}/api/conversations/${conversationId}/outbox`, TEST_ADMIN_TOKEN)).body.items;
      if (items.some((i) => i.status !== 'pending')) break;
    }
    expect(items).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    const { body } = await history(token);
    expect(body.messages.map((m: { text: string }) => m.text)).toEqual(['remind', 'I will remind you.', 'Reminder!']);
  });

  test("two tabs share the conversation: what one says shows in the other, and a reload continues it", async () => {
    const { token, conversationId } = await session();
    const [tabA, tabB] = [await EventStream.open(`${app.url}/webchat/counter/events`, token), await EventStream.open(`${app.url}/webchat/counter/events`, token)];
    try {
      await send(token, { text: 'add', messageId: 'a-1' });
      for (const tab of [tabA, tabB]) {
        expect((await tab.next((e) => e.event === 'message')).data).toEqual({ messageId: 'a-1', from: 'user', text: 'add' });
        expect((await tab.next((e) => e.event === 'message')).data).toEqual({ messageId: 'a-1#1', from: 'bot', text: 'count=1 v1' });
      }
    } finally {
      tabA.close();
      tabB.close();
    }
    // A reload: the same token, the same conversation, the count goes on.
    const res = await send(token, { text: 'add', messageId: 'a-2' });
    expect(res.body.replies[0].text).toBe('count=2 v1');
    const { body } = await history(token);
    expect(body.conversationId).toBe(conversationId);
    expect(body.messages.map((m: { messageId: string }) => m.messageId)).toEqual(['a-1', 'a-1#1', 'a-2', 'a-2#1']);
    // Another browser (a new session) has a conversation of its own.
    const other = await session();
    expect(other.conversationId).not.toBe(conversationId);
    expect((await send(other.token, { text: 'add' })).body.replies[0].text).toBe('count=1 v1');
  });

  (testDatabaseKind() === 'postgres' ? test : test.skip)(
    'a push delivered by another instance reaches the page open on this one (LISTEN/NOTIFY)',
    async () => {
      // This instance's outbox only runs for its own turns (the poll is 10 minutes away): the other one delivers.
      const quiet = await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema, env: { WEBCHAT_SECRET, OUTBOX_POLL_MS: '600000', SCHEDULER_POLL_MS: '600000' } });
      try {
        const { token, conversationId } = await session(quiet.url);
        await send(token, { text: 'add' }, quiet.url);
        const stream = await EventStream.open(`${quiet.url}/webchat/counter/events`, token);
        try {
          await post(`${app.url}/api/conversations/${conversationId}/events`, { event: { type: 'ping', note: 'across' } }, {
            'content-type': 'application/json',
            authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          });
          expect((await stream.next((e) => e.event === 'message')).data).toMatchObject({ from: 'bot', text: 'pong across' });
        } finally {
          stream.close();
        }
      } finally {
        await quiet.close();
      }
    },
  );
});

describe(`web chat and a handoff to a human (juice, real NLU, ${testDatabaseKind()})`, () => {
  const juiceSchema = freshSchema('webchat_handoff');
  let shop: ParleyApp;

  beforeAll(async () => {
    shop = await startInProcess({ bots: [findBot('juice')!], schema: juiceSchema, env: { WEBCHAT_SECRET } });
  });
  afterAll(async () => {
    await shop?.close();
    await dropSchema(juiceSchema);
  });

  test('held, the page gets no replies; returned by the admin API, the bot asks again on the open page, with its buttons', async () => {
    const created = await fetch(`${shop.url}/webchat/juice/session`, { method: 'POST' });
    const { token, conversationId } = (await created.json()) as { token: string; conversationId: string };
    const say = (text: string) => post(`${shop.url}/channels/webchat/juice`, { text }, { 'content-type': 'application/json', authorization: `Bearer ${token}` });
    expect((await say('我想买果汁')).body.replies.at(-1)).toMatchObject({ text: expect.stringContaining('什么口味'), choices: ['苹果', '橙子', '西瓜'] });
    await say('苹果');
    expect((await say('转人工')).body.replies.map((r: { text: string }) => r.text)).toEqual(['好的, 正在为您转人工客服, 请稍候。']);
    const stream = await EventStream.open(`${shop.url}/webchat/juice/events`, token);
    try {
      const held = await say('不加冰');
      expect(held.status).toBe(200);
      expect(held.body.replies).toEqual([]);
      const returned = await post(`${shop.url}/api/conversations/${conversationId}/handoff/return`, {}, {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      });
      expect(returned.status).toBe(200);
      // Two pushes of one turn: `<id>#1`, `<id>#2` (the page puts them in that order, however the outbox sends them).
      const pushed = [
        await stream.next((e) => e.event === 'message' && e.data.from === 'bot'),
        await stream.next((e) => e.event === 'message' && e.data.from === 'bot'),
      ].map((e) => e.data as { messageId: string; text: string; choices?: string[] });
      pushed.sort((a, b) => a.messageId.localeCompare(b.messageId));
      expect(pushed[0]!.messageId.replace(/#1$/, '#2')).toBe(pushed[1]!.messageId);
      expect(pushed).toEqual([
        expect.objectContaining({ text: '客服已经处理完毕, 我们继续点单。' }),
        expect.objectContaining({ text: '要加冰吗?', choices: ['加冰', '不加冰'] }),
      ]);
    } finally {
      stream.close();
    }
    // A reload shows the question's buttons again.
    const history = await fetch(`${shop.url}/webchat/juice/history`, { headers: { authorization: `Bearer ${token}` } });
    const { messages } = (await history.json()) as { messages: { text: string; choices?: string[] }[] };
    expect(messages.at(-1)).toMatchObject({ text: '要加冰吗?', choices: ['加冰', '不加冰'] });
  });
});
