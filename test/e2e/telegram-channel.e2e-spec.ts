import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBot } from '@parley/machines';
import { conversationIdFor } from '@parley/persistence';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { npmRun } from '../helpers/commands';
import { adminCall, deadLettersOf, post, startInProcess } from '../helpers/in-process-app';
import { telegramImitation, type PlatformCall, type PlatformImitation } from '../helpers/platform-imitations';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';
import { expectWholeTurns } from '../helpers/transcript-checks';

/**
 * Telegram end to end: juice with the real NLU behind `POST /channels/telegram/juice`, its replies sent with
 * `sendMessage` to a loopback server that imitates the Bot API (https://core.telegram.org/bots/api).
 */
const schema = freshSchema('telegram');
const TOKEN = '123456789:AAH-juice-telegram-token_0123456789';
const SECRET = 'juice-telegram-secret-0123456789';
let parley: ParleyApp;
let api: PlatformImitation;
let updates = 1000;
let channelsFile: string;

beforeAll(async () => {
  api = await telegramImitation(TOKEN).start();
  const dir = mkdtempSync(join(tmpdir(), 'parley-telegram-'));
  const file = (channelsFile = join(dir, 'channels.yaml'));
  writeFileSync(file, 'juice:\n  telegram: { botToken: ${TELEGRAM_BOT_TOKEN}, secretToken: ${TELEGRAM_SECRET_TOKEN}, apiBaseUrl: ${TELEGRAM_API} }\n');
  parley = await startInProcess({
    bots: [findBot('juice')!],
    schema,
    env: {
      CHANNELS_FILE: file,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_SECRET_TOKEN: SECRET,
      TELEGRAM_API: api.url,
      // Three tries, quick retries: a dead letter within a test (docs/delivery.md).
      OUTBOX_MAX_ATTEMPTS: '3',
      OUTBOX_BACKOFF_BASE_MS: '50',
      OUTBOX_BACKOFF_CAP_MS: '200',
    },
  });
});

afterAll(async () => {
  await parley?.close();
  await api?.stop();
  await dropSchema(schema);
});

/** A Telegram `Update` with a text message from user `id` in their private chat. */
function textUpdate(id: number, text: string, updateId = ++updates) {
  return { update_id: updateId, message: { message_id: updateId, from: { id, is_bot: false, first_name: 'T' }, chat: { id, type: 'private' }, date: 1700000000, text } };
}

const webhook = (update: unknown, secret: string | null = SECRET) =>
  post(`${parley.url}/channels/telegram/juice`, update, {
    'content-type': 'application/json',
    ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
  });

const admin = (method: string, path: string) => adminCall(parley.url, method, path);
const deadLetters = (conversationId: string, expectSome = true) => deadLettersOf(parley.url, conversationId, expectSome);

const sentTo = (chatId: number): PlatformCall[] => api.accepted.filter((c) => c.path.endsWith('/sendMessage') && c.body.chat_id === chatId);
const textsTo = (chatId: number) => sentTo(chatId).map((c) => c.body.text as string);
const conversation = (userId: number) => conversationIdFor('juice', 'telegram', String(userId));

describe(`Telegram channel (${testDatabaseKind()})`, () => {
  test('a missing or wrong secret token is 401 SIGNATURE_INVALID and runs nothing', async () => {
    for (const secret of [null, 'juice-telegram-secret-0123456788', 'short']) {
      const res = await webhook(textUpdate(7001, '我想买果汁'), secret);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE id = $1`, [conversation(7001)])).toEqual([]);
  });

  test("a message is a turn; its reply is a sendMessage with the question's choices as a reply keyboard", async () => {
    const res = await webhook(textUpdate(7002, '我想买果汁'));
    expect(res.status).toBe(200);
    await api.waitFor(() => sentTo(7002).length === 1);
    const [call] = sentTo(7002);
    expect(call!.body.text).toContain('什么口味');
    const keyboard = (call!.body.reply_markup as { keyboard: { text: string }[][] }).keyboard.map((row) => row[0]!.text);
    expect(keyboard).toEqual(expect.arrayContaining(['苹果', '橙子', '西瓜']));
    // A keyboard button sends its text back as a message.
    await webhook(textUpdate(7002, '苹果'));
    await api.waitFor(() => sentTo(7002).length === 2);
    expect(sentTo(7002)[1]!.body.text).toContain('加冰');
  });

  test('a redelivered update (same update_id, even at the same moment) runs one turn and sends one reply', async () => {
    const update = textUpdate(7003, '我想买果汁');
    const answers = await Promise.all([webhook(update), webhook(update), webhook(update)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await api.waitFor(() => sentTo(7003).length >= 1);
    // A later message's reply proves the outbox has gone past the first one: no second copy came.
    await webhook(textUpdate(7003, '橙子'));
    await api.waitFor(() => sentTo(7003).length >= 2);
    expect(textsTo(7003)).toEqual([expect.stringContaining('什么口味'), expect.stringContaining('加冰')]);
    expect(await expectWholeTurns(schema, conversation(7003))).toHaveLength(4);
  });

  test('a sticker or a photo is answered at once with the fallback text, in the webhook response; no turn', async () => {
    const sticker = { update_id: ++updates, message: { message_id: 1, from: { id: 7004, is_bot: false }, chat: { id: 7004, type: 'private' }, date: 1, sticker: { file_id: 'x', emoji: '🍊' } } };
    const res = await webhook(sticker);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: 'sendMessage', chat_id: 7004, text: expect.stringContaining('only read text') });
    const photo = { update_id: ++updates, message: { message_id: 2, from: { id: 7004, is_bot: false }, chat: { id: 7004, type: 'private' }, date: 1, photo: [{ file_id: 'p' }], caption: '' } };
    expect((await webhook(photo)).body.method).toBe('sendMessage');
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE id = $1`, [conversation(7004)])).toEqual([]);
  });

  test('an edited message or a message from a bot is acknowledged and ignored', async () => {
    const edited = { update_id: ++updates, edited_message: { message_id: 3, from: { id: 7005 }, chat: { id: 7005, type: 'private' }, date: 1, text: 'x' } };
    expect((await webhook(edited)).status).toBe(200);
    expect((await webhook({ ...textUpdate(7005, 'hi'), message: { ...textUpdate(7005, 'hi').message, from: { id: 7005, is_bot: true } } })).status).toBe(200);
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE id = $1`, [conversation(7005)])).toEqual([]);
  });

  test('a body that is not an Update is 400 with Parley\'s error body', async () => {
    const res = await webhook({ message: { text: 'no update id' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
  });

  test('the Bot API down: the reply is retried until it is accepted, nothing lost', async () => {
    api.trouble(2, { kind: 'down' });
    await webhook(textUpdate(7006, '我想买果汁'));
    await api.waitFor(() => sentTo(7006).length === 1);
    const tries = api.received.filter((c) => c.body.chat_id === 7006);
    expect(tries.length).toBe(3);
    expect(textsTo(7006)).toEqual([expect.stringContaining('什么口味')]);
  });

  test('the Bot API down for good: three tries, then a dead letter; replayed once it is back, nothing lost', async () => {
    api.trouble(3, { kind: 'down' });
    await webhook(textUpdate(7008, '我想买果汁'));
    await api.waitFor(() => api.received.filter((c) => c.body.chat_id === 7008).length === 3);
    const dead = await deadLetters(conversation(7008));
    expect(dead).toEqual([expect.objectContaining({ attempts: 3, lastError: expect.stringContaining('could not be reached') })]);
    expect(sentTo(7008)).toEqual([]);
    const replayed = await admin('POST', `/api/deliveries/dead/${dead[0]!.id as string}/replay`);
    expect(replayed.status).toBe(200);
    await api.waitFor(() => sentTo(7008).length === 1);
    expect(textsTo(7008)).toEqual([expect.stringContaining('什么口味')]);
    expect(await deadLetters(conversation(7008), false)).toEqual([]);
  });

  test('a user who blocked the bot: a dead letter at the first refusal (403 is permanent), and the next reply still goes', async () => {
    api.trouble(1, { kind: 'status', status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    await webhook(textUpdate(7009, '我想买果汁'));
    await api.waitFor(() => api.received.filter((c) => c.body.chat_id === 7009).length === 1);
    expect(await deadLetters(conversation(7009))).toEqual([
      expect.objectContaining({ attempts: 1, lastError: expect.stringContaining('bot was blocked by the user') }),
    ]);
    await webhook(textUpdate(7009, '苹果'));
    await api.waitFor(() => sentTo(7009).length === 1);
    expect(textsTo(7009)).toEqual([expect.stringContaining('加冰')]);
  });

  test("a 429 is retried no sooner than Telegram's retry_after", async () => {
    api.trouble(1, {
      kind: 'status',
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
    });
    await webhook(textUpdate(7007, '我想买果汁'));
    await api.waitFor(() => sentTo(7007).length === 1);
    const tries = api.received.filter((c) => c.body.chat_id === 7007);
    expect(tries).toHaveLength(2);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950);
  });

  test('npm run telegram:webhook registers the webhook with the secret token (setWebhook)', async () => {
    const env = { CHANNELS_FILE: channelsFile, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_SECRET_TOKEN: SECRET, TELEGRAM_API: api.url, LOG_LEVEL: 'silent' };
    const url = 'https://bots.example.com/channels/telegram/juice';
    const done = await npmRun('telegram:webhook', ['juice', '--url', url, '--drop-pending-updates'], env);
    expect(done).toMatchObject({ code: 0, stdout: expect.stringContaining(`Telegram now POSTs juice's updates to ${url}`) });
    const calls = api.accepted.filter((c) => c.path === `/bot${TOKEN}/setWebhook`);
    expect(calls.map((c) => c.body)).toEqual([{ url, secret_token: SECRET, allowed_updates: ['message'], drop_pending_updates: true }]);
    // Refused before any call: not https, no such channel, a missing secret.
    const notHttps = await npmRun('telegram:webhook', ['juice', '--url', 'http://bots.example.com/x'], env);
    expect([notHttps.code, notHttps.stderr]).toEqual([2, expect.stringContaining('must be an https URL')]);
    const noChannel = await npmRun('telegram:webhook', ['pizza', '--url', url], env);
    expect([noChannel.code, noChannel.stderr]).toEqual([2, expect.stringContaining("No telegram channel for 'pizza'")]);
    const noSecret = await npmRun('telegram:webhook', ['juice', '--url', url], { ...env, TELEGRAM_SECRET_TOKEN: '' });
    expect([noSecret.code, noSecret.stderr]).toEqual([2, expect.stringContaining('TELEGRAM_SECRET_TOKEN')]);
    expect(api.received.filter((c) => c.path.endsWith('/setWebhook'))).toHaveLength(1);
  });

  test('20 users at once: each gets exactly their own replies, in order', async () => {
    const users = Array.from({ length: 20 }, (_, i) => 7100 + i);
    await Promise.all(
      users.map(async (id) => {
        await webhook(textUpdate(id, '我想买果汁'));
        await api.waitFor(() => sentTo(id).length === 1, 60_000, `the first reply to ${id}`);
        await webhook(textUpdate(id, '西瓜'));
        await api.waitFor(() => sentTo(id).length === 2, 60_000, `the second reply to ${id}`);
      }),
    );
    for (const id of users) expect(textsTo(id)).toEqual([expect.stringContaining('什么口味'), expect.stringContaining('加冰')]);
  });
});
