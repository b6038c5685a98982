import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryError, InboundRequest, OutboundMessage } from '../channel.adapter';
import { ChannelError } from '../channel.error';
import { split, TelegramAdapter } from './telegram.adapter';
import type { TelegramSettings } from './telegram.settings';

const SECRET = 'a-secret-token-0123456789';
const settings = (apiBaseUrl = 'http://127.0.0.1:9'): TelegramSettings => ({
  botToken: '42:token-token-token-token',
  secretToken: SECRET,
  apiBaseUrl,
  fallbackText: 'Text only, please.',
});

const request = (body: unknown, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET }): InboundRequest => ({
  botId: 'juice',
  method: 'POST',
  headers,
  query: {},
  rawBody: Buffer.from(JSON.stringify(body)),
  receivedAt: new Date(),
});

describe('TelegramAdapter.verify', () => {
  const adapter = new TelegramAdapter('juice', settings(), { fetch });
  test.each([
    ['missing', {}],
    ['wrong, same length', { 'x-telegram-bot-api-secret-token': SECRET.replace(/.$/, 'x') }],
    ['a prefix', { 'x-telegram-bot-api-secret-token': SECRET.slice(0, 10) }],
    ['longer', { 'x-telegram-bot-api-secret-token': `${SECRET}0` }],
  ])('refuses a secret token that is %s', (_why, headers) => {
    expect(() => adapter.verify(request({}, headers))).toThrow(ChannelError);
  });
  test('accepts the secret token', () => {
    expect(() => adapter.verify(request({}))).not.toThrow();
  });
});

describe('TelegramAdapter.parse', () => {
  const adapter = new TelegramAdapter('juice', settings(), { fetch });
  test('a text message in a group: the sender is the user, the group chat the address', () => {
    const update = { update_id: 9, message: { message_id: 1, from: { id: 7, is_bot: false }, chat: { id: -100, type: 'group' }, date: 1, text: 'hi' } };
    expect(adapter.parse(request(update))).toEqual({
      kind: 'turn',
      userId: '7',
      messageId: '9',
      input: { kind: 'message', text: 'hi' },
      delivery: 'push',
      address: { chatId: -100 },
    });
  });
  test('/start becomes startText when one is set (deep-link parameters too), and stays /start otherwise', () => {
    const start = (text: string) => ({ update_id: 3, message: { message_id: 1, from: { id: 7 }, chat: { id: 7, type: 'private' }, date: 1, text } });
    const greeting = new TelegramAdapter('juice', { ...settings(), startText: '你好' }, { fetch });
    for (const text of ['/start', '/start ref-42', '/start@juice_bot']) expect(greeting.parse(request(start(text)))).toMatchObject({ input: { text: '你好' } });
    expect(greeting.parse(request(start('/startle me')))).toMatchObject({ input: { text: '/startle me' } });
    expect(adapter.parse(request(start('/start')))).toMatchObject({ input: { text: '/start' } });
  });

  test('a message without from or chat, or an update without an id, is 400', () => {
    expect(() => adapter.parse(request({ update_id: 1, message: { text: 'hi' } }))).toThrow(/from\.id/);
    expect(() => adapter.parse(request({ update_id: 'one', message: {} }))).toThrow(/update_id/);
    expect(() => adapter.parse(request([1]))).toThrow(ChannelError);
  });
});

describe('split', () => {
  test('cuts at a space or a line break, never inside a surrogate pair, and loses nothing', () => {
    expect(split('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(split('a\nbbbbbbb', 8)).toEqual(['a\nbbbbbb', 'b']);
    const emoji = '🍊'.repeat(5); // 10 UTF-16 units
    const parts = split(emoji, 5);
    expect(parts.join('')).toBe(emoji);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(5);
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});

describe('TelegramAdapter.deliver', () => {
  let server: Server;
  let url = '';
  const answers: { status: number; body: unknown }[] = [];
  const seen: { path: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
        const answer = answers.shift() ?? { status: 200, body: { ok: true, result: {} } };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
    botId: 'juice',
    channel: 'telegram',
    conversationId: 'c1',
    userId: '7',
    messageId: 'm1#1',
    reply: { type: 'text', text: 'Which flavour?', choices: ['apple', 'orange'] },
    address: { chatId: -100 },
    attempt: 1,
    ...over,
  });
  const failure = async (): Promise<DeliveryError> => {
    try {
      await new TelegramAdapter('juice', settings(url), { fetch }).deliver(message());
    } catch (error) {
      return error as DeliveryError;
    }
    throw new Error('delivered');
  };

  test('sendMessage to the chat, choices as a one-time keyboard; without choices the keyboard is removed', async () => {
    const adapter = new TelegramAdapter('juice', settings(url), { fetch });
    await adapter.deliver(message());
    expect(seen.at(-1)).toEqual({
      path: '/bot42:token-token-token-token/sendMessage',
      body: { chat_id: -100, text: 'Which flavour?', reply_markup: { keyboard: [[{ text: 'apple' }], [{ text: 'orange' }]], one_time_keyboard: true, resize_keyboard: true } },
    });
    await adapter.deliver(message({ reply: { type: 'text', text: 'Thanks' }, address: undefined }));
    expect(seen.at(-1)!.body).toEqual({ chat_id: '7', text: 'Thanks', reply_markup: { remove_keyboard: true } });
  });

  test('a reply over 4,096 characters goes out as several messages, the keyboard with the last', async () => {
    const before = seen.length;
    await new TelegramAdapter('juice', settings(url), { fetch }).deliver(message({ reply: { type: 'text', text: `${'x'.repeat(4096)} end`, choices: ['ok'] } }));
    const sent = seen.slice(before).map((s) => s.body);
    expect(sent.map((b) => (b.text as string).length)).toEqual([4096, 3]);
    expect(sent[0]!.reply_markup).toEqual({ remove_keyboard: true });
    expect(sent[1]!.reply_markup).toMatchObject({ keyboard: [[{ text: 'ok' }]] });
  });

  test("429 retry_after → retryAfterMs; chat not found and blocked → permanent; 5xx and no answer → retried", async () => {
    answers.push({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 35', parameters: { retry_after: 35 } } });
    expect(await failure()).toMatchObject({ status: 429, retryAfterMs: 35_000, permanent: false });
    answers.push({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
    expect(await failure()).toMatchObject({ status: 400, permanent: true, message: expect.stringContaining('chat not found') });
    answers.push({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    expect(await failure()).toMatchObject({ status: 403, permanent: true });
    answers.push({ status: 502, body: 'Bad Gateway' });
    expect(await failure()).toMatchObject({ status: 502, permanent: false });
    await expect(new TelegramAdapter('juice', settings(), { fetch }).deliver(message())).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
  });
});
