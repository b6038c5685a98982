import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryError, type InboundRequest, type OutboundMessage } from '../channel.adapter';
import { ChannelError } from '../channel.error';
import { readableText, SlackAdapter } from './slack.adapter';
import { signSlackRequest, verifySlackSignature } from './slack.signature';

// Slack's documented example (https://api.slack.com/authentication/verifying-requests-from-slack).
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack signatures', () => {
  const at = new Date(DOC_TIMESTAMP * 1000);
  const headers = (signature: string, timestamp = String(DOC_TIMESTAMP)) => ({ 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp });

  test("match Slack's documented example", () => {
    expect(signSlackRequest(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
    expect(() => verifySlackSignature(DOC_SECRET, headers(DOC_SIGNATURE), Buffer.from(DOC_BODY), at)).not.toThrow();
  });

  test.each([
    ['a changed body', headers(DOC_SIGNATURE), `${DOC_BODY}&x=1`, at],
    ['another secret', headers(signSlackRequest('another-secret', DOC_TIMESTAMP, DOC_BODY)), DOC_BODY, at],
    ['a truncated signature', headers(DOC_SIGNATURE.slice(0, -2)), DOC_BODY, at],
    ['no signature', {}, DOC_BODY, at],
    ['a timestamp that is not a number', headers(DOC_SIGNATURE, 'yesterday'), DOC_BODY, at],
    ['five minutes and a second late', headers(DOC_SIGNATURE), DOC_BODY, new Date((DOC_TIMESTAMP + 301) * 1000)],
    ['five minutes and a second early', headers(DOC_SIGNATURE), DOC_BODY, new Date((DOC_TIMESTAMP - 301) * 1000)],
  ])('refuse %s', (_why, given, body, now) => {
    expect(() => verifySlackSignature(DOC_SECRET, given, Buffer.from(body), now)).toThrow(ChannelError);
  });

  test('accept a request just inside five minutes', () => {
    expect(() => verifySlackSignature(DOC_SECRET, headers(DOC_SIGNATURE), Buffer.from(DOC_BODY), new Date((DOC_TIMESTAMP + 300) * 1000))).not.toThrow();
  });
});

describe('readableText', () => {
  test('drops mentions, keeps link labels, decodes entities', () => {
    expect(readableText('<@U123ABC> 我想买果汁 &lt;3 &amp; <https://x.example|the menu>')).toBe('我想买果汁 <3 & the menu');
  });
});

describe('SlackAdapter.deliver', () => {
  let server: Server;
  let url = '';
  let next: { status: number; body: unknown; headers?: Record<string, string> } = { status: 200, body: { ok: true } };
  const seen: { auth?: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown> });
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(JSON.stringify(next.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const adapter = () => new SlackAdapter('juice', { botToken: 'xoxb-1-2-abcdefghij', signingSecret: DOC_SECRET, apiBaseUrl: url }, { fetch });
  const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
    botId: 'juice',
    channel: 'slack',
    conversationId: 'c1',
    userId: 'U1',
    messageId: 'm1#1',
    reply: { type: 'text', text: 'Size?', choices: ['S & M', '<L>'] },
    address: { channel: 'C1', threadTs: '1700000000.000100' },
    attempt: 1,
    ...over,
  });
  const failure = async (over?: Partial<OutboundMessage>) => {
    try {
      await adapter().deliver(message(over));
    } catch (error) {
      return error as DeliveryError;
    }
    throw new Error('delivered');
  };

  test('posts in the thread, with the bearer token; choices as buttons, listed in the notification text, escaped there', async () => {
    next = { status: 200, body: { ok: true, ts: '1' } };
    await adapter().deliver(message());
    expect(seen.at(-1)).toEqual({
      auth: 'Bearer xoxb-1-2-abcdefghij',
      body: {
        channel: 'C1',
        thread_ts: '1700000000.000100',
        text: 'Size?\n• S &amp; M\n• &lt;L&gt;',
        blocks: [
          { type: 'section', text: { type: 'plain_text', text: 'Size?', emoji: true } },
          {
            type: 'actions',
            block_id: 'parley_choices',
            elements: [
              { type: 'button', action_id: 'parley_choice_0', text: { type: 'plain_text', text: 'S & M', emoji: true }, value: 'S & M' },
              { type: 'button', action_id: 'parley_choice_1', text: { type: 'plain_text', text: '<L>', emoji: true }, value: '<L>' },
            ],
          },
        ],
      },
    });
  });

  test('no buttons for a reply without choices, or with more than Slack shows; a long label is cut, its value kept', async () => {
    next = { status: 200, body: { ok: true } };
    await adapter().deliver(message({ reply: { type: 'text', text: 'Done.' } }));
    expect(seen.at(-1)!.body).toEqual({ channel: 'C1', thread_ts: '1700000000.000100', text: 'Done.' });
    const many = Array.from({ length: 26 }, (_, i) => `c${i}`);
    await adapter().deliver(message({ reply: { type: 'text', text: 'Pick', choices: many } }));
    expect(seen.at(-1)!.body.blocks).toBeUndefined();
    expect(seen.at(-1)!.body.text).toContain('• c25');
    const long = '很'.repeat(80);
    await adapter().deliver(message({ reply: { type: 'text', text: 'Pick', choices: [long] } }));
    const [button] = (seen.at(-1)!.body.blocks as { elements?: { text: { text: string }; value: string }[] }[])[1]!.elements!;
    expect(button!.text.text).toBe(`${'很'.repeat(74)}…`);
    expect(button!.value).toBe(long);
    // Characters outside the BMP count twice, and are never cut in half.
    await adapter().deliver(message({ reply: { type: 'text', text: 'Pick', choices: ['🍊'.repeat(40)] } }));
    const [emoji] = (seen.at(-1)!.body.blocks as { elements?: { text: { text: string } }[] }[])[1]!.elements!;
    expect(emoji!.text.text).toBe(`${'🍊'.repeat(37)}…`);
  });

  test("without an address, posts to the user's direct conversation", async () => {
    next = { status: 200, body: { ok: true } };
    await adapter().deliver(message({ address: undefined }));
    expect(seen.at(-1)!.body).toMatchObject({ channel: 'U1' });
    expect(seen.at(-1)!.body.thread_ts).toBeUndefined();
  });

  test('429 Retry-After → retryAfterMs; transient errors retried; the rest permanent', async () => {
    next = { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '7' } };
    expect(await failure()).toMatchObject({ status: 429, retryAfterMs: 7000, permanent: false });
    next = { status: 200, body: { ok: false, error: 'internal_error' } };
    expect(await failure()).toMatchObject({ permanent: false });
    next = { status: 503, body: 'unavailable' };
    expect(await failure()).toMatchObject({ permanent: false, status: 503 });
    for (const error of ['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'msg_too_long']) {
      next = { status: 200, body: { ok: false, error } };
      const refused = await failure();
      expect(refused).toBeInstanceOf(DeliveryError);
      expect(refused).toMatchObject({ permanent: true, message: expect.stringContaining(error) });
    }
  });

  test('Slack unreachable → retried', async () => {
    const down = new SlackAdapter('juice', { botToken: 'xoxb-1-2-abcdefghij', signingSecret: DOC_SECRET, apiBaseUrl: 'http://127.0.0.1:9' }, { fetch });
    await expect(down.deliver(message())).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
  });
});

describe('SlackAdapter.parse', () => {
  const adapter = new SlackAdapter('juice', { botToken: 'xoxb-1-2-abcdefghij', signingSecret: DOC_SECRET, apiBaseUrl: 'http://127.0.0.1:9' }, { fetch });
  const request = (body: unknown): InboundRequest => ({
    botId: 'juice',
    method: 'POST',
    headers: {},
    query: {},
    rawBody: Buffer.from(JSON.stringify(body)),
    receivedAt: new Date(),
  });
  const callback = (event: Record<string, unknown>) => ({ type: 'event_callback', event_id: 'Ev9', authorizations: [{ user_id: 'UBOT' }], event });

  test('a direct message: the event id dedupes, the channel is the address (no thread)', () => {
    expect(adapter.parse(request(callback({ type: 'message', channel_type: 'im', channel: 'D1', user: 'U1', text: 'hi', ts: '1.1' })))).toEqual({
      kind: 'turn',
      userId: 'U1',
      messageId: 'Ev9',
      input: { kind: 'message', text: 'hi' },
      delivery: 'push',
      acknowledgeWithinMs: 2500,
      address: { channel: 'D1' },
    });
  });

  const click = (payload: unknown, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }): InboundRequest => ({
    ...request({}),
    headers,
    rawBody: Buffer.from(new URLSearchParams({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }).toString()),
  });
  const blockActions = (over: Record<string, unknown> = {}) => ({
    type: 'block_actions',
    trigger_id: '1234.5678.abcd',
    user: { id: 'U1' },
    channel: { id: 'C1' },
    container: { type: 'message', channel_id: 'C1', message_ts: '1700000000.000200', thread_ts: '1700000000.000100' },
    message: { ts: '1700000000.000200', thread_ts: '1700000000.000100' },
    actions: [{ action_id: 'parley_choice_1', block_id: 'parley_choices', value: '橙子', action_ts: '1700000001.000300' }],
    ...over,
  });

  test("a click on a choice button is the user's message, in the thread of the message that had it", () => {
    expect(adapter.parse(click(blockActions()))).toEqual({
      kind: 'turn',
      userId: 'U1',
      messageId: 'action:1234.5678.abcd',
      input: { kind: 'message', text: '橙子' },
      delivery: 'push',
      acknowledgeWithinMs: 2500,
      address: { channel: 'C1', threadTs: '1700000000.000100' },
    });
    // A button on a message at the top of a direct conversation: answered there.
    expect(adapter.parse(click(blockActions({ channel: { id: 'D1' }, container: { channel_id: 'D1' }, message: { ts: '1.2' } })))).toMatchObject({
      address: { channel: 'D1' },
    });
  });

  test('once the click is written, the clicked message keeps its text and its buttons become the answer (chat.update)', async () => {
    const calls: { url: string; body: unknown }[] = [];
    const recording = new SlackAdapter(
      'juice',
      { botToken: 'xoxb-1-2-abcdefghij', signingSecret: DOC_SECRET, apiBaseUrl: 'http://127.0.0.1:9/api' },
      {
        fetch: (url, init) => {
          calls.push({ url: url as string, body: JSON.parse(init?.body as string) });
          return Promise.resolve(Response.json({ ok: true }));
        },
      },
    );
    const section = { type: 'section', block_id: 'Xy1', text: { type: 'plain_text', text: '要加冰吗?', emoji: true } };
    const buttons = { type: 'actions', block_id: 'parley_choices', elements: [{ type: 'button', action_id: 'parley_choice_0', value: '加冰' }] };
    const text = '要加冰吗?\n• 加冰\n• 不加冰';
    const turn = recording.parse(click(blockActions({ message: { ts: '1700000000.000200', text, blocks: [section, buttons] } })));
    if (turn.kind !== 'turn' || !turn.afterCommit) throw new Error('expected a turn with a follow-up');
    expect(calls).toEqual([]); // nothing before the host says the turn is written
    await turn.afterCommit();
    expect(calls).toEqual([
      {
        url: 'http://127.0.0.1:9/api/chat.update',
        body: {
          channel: 'C1',
          ts: '1700000000.000200',
          text,
          blocks: [section, { type: 'context', block_id: 'parley_answer', elements: [{ type: 'plain_text', text: '✓ 橙子', emoji: true }] }],
        },
      },
    ]);
    // A copy of the message without Parley's buttons (or without blocks): nothing to replace.
    expect(recording.parse(click(blockActions()))).not.toHaveProperty('afterCommit');
    expect(recording.parse(click(blockActions({ message: { ts: '1.2', blocks: [section] } })))).not.toHaveProperty('afterCommit');
  });

  test("other apps' buttons and other interactions are ignored; a malformed interaction is 400", () => {
    expect(adapter.parse(click(blockActions({ actions: [{ action_id: 'approve', value: 'yes' }] })))).toMatchObject({ kind: 'ignore' });
    expect(adapter.parse(click({ type: 'view_submission', user: { id: 'U1' } }))).toMatchObject({ kind: 'ignore' });
    expect(() => adapter.parse(click('{not json'))).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
    expect(() => adapter.parse(click(blockActions({ user: undefined })))).toThrow(/needs 'user.id'/);
    expect(() => adapter.parse(click(blockActions({ actions: [{ action_id: 'parley_choice_0', value: '' }] })))).toThrow(ChannelError);
    expect(() => adapter.parse({ ...click({}), rawBody: Buffer.from('text=hi') })).toThrow(/needs a 'payload' field/);
  });

  test('a mention with nothing but the mention is ignored; a malformed envelope is 400', () => {
    expect(adapter.parse(request(callback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT>', ts: '1.1' })))).toMatchObject({ kind: 'ignore' });
    expect(() => adapter.parse(request({ type: 'event_callback', event: {} }))).toThrow(ChannelError);
    expect(() => adapter.parse(request(callback({ type: 'app_mention', text: 'hi' })))).toThrow(/needs 'user', 'channel' and 'ts'/);
  });
});
