import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBot } from '@parley/machines';
import { conversationIdFor } from '@parley/persistence';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { adminCall, deadLettersOf, post, startInProcess } from '../helpers/in-process-app';
import { slackImitation, type PlatformCall, type PlatformImitation } from '../helpers/platform-imitations';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';
import { expectWholeTurns } from '../helpers/transcript-checks';

/**
 * Slack end to end: juice with the real NLU behind `POST /channels/slack/juice` (the Events API Request URL), its
 * replies posted with `chat.postMessage` to a loopback server that imitates Slack's Web API. Requests are signed here
 * with node:crypto from Slack's documented recipe, independently of the adapter's own signing helper.
 */
const schema = freshSchema('slack');
const TOKEN = 'xoxb-1111-2222-juiceslacktoken';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BOT_USER = 'UJUICEBOT';
let parley: ParleyApp;
let api: PlatformImitation;
const logs: string[] = [];
let events = 0;
/** While set, the weather service waits for it: a turn that takes as long as the test wants. */
let forecastGate: Promise<void> | undefined;

beforeAll(async () => {
  api = await slackImitation(TOKEN).start();
  const dir = mkdtempSync(join(tmpdir(), 'parley-slack-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(file, 'juice:\n  slack:\n    botToken: ${SLACK_BOT_TOKEN}\n    signingSecret: ${SLACK_SIGNING_SECRET}\n    apiBaseUrl: ${SLACK_API}\n');
  parley = await startInProcess({
    bots: [findBot('juice')!],
    schema,
    logs,
    env: {
      CHANNELS_FILE: file,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API: api.url,
      // Three tries, quick retries: a dead letter within a test (docs/delivery.md).
      OUTBOX_MAX_ATTEMPTS: '3',
      OUTBOX_BACKOFF_BASE_MS: '50',
      OUTBOX_BACKOFF_CAP_MS: '200',
    },
    extra: {
      services: {
        forecast: async (input: { city: string; date: string }) => {
          await forecastGate;
          return { ...input, sky: '晴', low: 10, high: 18 };
        },
      },
    },
  });
});

afterAll(async () => {
  await parley?.close();
  await api?.stop();
  await dropSchema(schema);
});

/** An `event_callback` envelope carrying one event (https://api.slack.com/apis/events-api#callback-field). */
function envelope(event: Record<string, unknown>, eventId = `Ev${String(++events).padStart(8, '0')}`) {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700000000,
    authorizations: [{ team_id: 'T0001', user_id: BOT_USER, is_bot: true }],
    event: { event_ts: '1700000000.000100', ...event },
  };
}

/** A direct message from `user` in their conversation with the app. */
const dm = (user: string, text: string, extra: Record<string, unknown> = {}) =>
  envelope({ type: 'message', channel: `D${user}`, channel_type: 'im', user, text, ts: `1700000000.${String(++events).padStart(6, '0')}`, ...extra });

function signed(body: string, at = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${at}:${body}`).digest('hex')}`;
  return { 'content-type': 'application/json', 'x-slack-request-timestamp': String(at), 'x-slack-signature': signature };
}

const send = (payload: unknown, headers?: (body: string) => Record<string, string>) => {
  const body = JSON.stringify(payload);
  return post(`${parley.url}/channels/slack/juice`, body, (headers ?? signed)(body));
};

const admin = (method: string, path: string) => adminCall(parley.url, method, path);
const deadLetters = (conversationId: string, expectSome = true) => deadLettersOf(parley.url, conversationId, expectSome);

const postedTo = (channel: string): PlatformCall[] => api.accepted.filter((c) => c.path === '/chat.postMessage' && c.body.channel === channel);
const updatedIn = (channel: string): PlatformCall[] => api.accepted.filter((c) => c.path === '/chat.update' && c.body.channel === channel);
/** The buttons of a posted message (its actions block), by label. */
const buttonsOf = (call: PlatformCall): string[] =>
  ((call.body.blocks as { type: string; elements?: { text: { text: string } }[] }[] | undefined) ?? [])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements!.map((button) => button.text.text));
const buttonOf = (call: PlatformCall, label: string) => {
  const actions = (call.body.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).find((b) => b.type === 'actions')!;
  const button = actions.elements!.find((b) => b.text.text === label)!;
  return { action_id: button.action_id, value: button.value, text: button.text };
};
/** An interaction as Slack posts it to the Interactivity Request URL: a form with one `payload` field. */
const formOf = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const clickWith = (payload: unknown) => {
  const body = formOf(payload);
  return post(`${parley.url}/channels/slack/juice`, body, { ...signed(body), 'content-type': 'application/x-www-form-urlencoded' });
};
const textsTo = (channel: string) => postedTo(channel).map((c) => c.body.text as string);
const conversation = (user: string) => conversationIdFor('juice', 'slack', user);

describe(`Slack channel (${testDatabaseKind()})`, () => {
  test('url_verification is answered with its challenge', async () => {
    const res = await send({ token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  test("a platform the bot has not configured is 404 ROUTE_NOT_FOUND; an unknown bot is 404 BOT_NOT_FOUND", async () => {
    const telegram = await post(`${parley.url}/channels/telegram/juice`, { update_id: 1 });
    expect([telegram.status, telegram.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    const unknown = await post(`${parley.url}/channels/slack/nobot`, dm('U1', 'hi'));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'BOT_NOT_FOUND']);
  });

  test('a missing, wrong or expired signature is 401 SIGNATURE_INVALID and runs nothing', async () => {
    const payload = dm('UMALLORY', '我想买果汁');
    const now = Math.floor(Date.now() / 1000);
    const cases: ((body: string) => Record<string, string>)[] = [
      () => ({ 'content-type': 'application/json' }),
      (body) => signed(body, now, 'another-apps-signing-secret-0000'),
      (body) => ({ ...signed(body), 'x-slack-signature': signed(`${body} `)['x-slack-signature']! }),
      (body) => signed(body, now - 6 * 60),
      (body) => signed(body, now + 6 * 60),
    ];
    for (const headers of cases) {
      const res = await send(payload, headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE id = $1`, [conversation('UMALLORY')])).toEqual([]);
  });

  test('a direct message is acknowledged at once and answered with chat.postMessage; choices as buttons, listed in the text', async () => {
    const res = await send(dm('UANN', '我想买果汁'));
    expect(res.status).toBe(200);
    await api.waitFor(() => postedTo('DUANN').length === 1);
    const [call] = postedTo('DUANN');
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.body.thread_ts).toBeUndefined();
    expect(call!.body.text).toContain('什么口味');
    expect(call!.body.text).toMatch(/• 苹果\n• 橙子\n• 西瓜/);
    expect(buttonsOf(call!)).toEqual(['苹果', '橙子', '西瓜']);
  });

  test("a click on a choice button answers the question (once, however often Slack sends it) and replaces the buttons with the answer; other interactions are ignored", async () => {
    await send(dm('UDAN', '我想买果汁'));
    await api.waitFor(() => postedTo('DUDAN').length === 1);
    const question = postedTo('DUDAN')[0]!;
    const { ts } = question.response as { ts: string };
    const orange = buttonOf(question, '橙子');
    const payload = {
      type: 'block_actions',
      trigger_id: `${++events}.1.click`,
      team: { id: 'T0001' },
      user: { id: 'UDAN', username: 'dan' },
      api_app_id: 'A0001',
      container: { type: 'message', message_ts: ts, channel_id: 'DUDAN', is_ephemeral: false },
      channel: { id: 'DUDAN', name: 'directmessage' },
      // Slack sends the clicked message as it shows it: its text and blocks.
      message: { type: 'message', ts, text: question.body.text, blocks: question.body.blocks },
      actions: [{ ...orange, block_id: 'parley_choices', type: 'button', action_ts: '1700000002.000100' }],
    };
    const clicks = await Promise.all([clickWith(payload), clickWith(payload)]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await api.waitFor(() => postedTo('DUDAN').length === 2 && updatedIn('DUDAN').length === 1);
    expect(postedTo('DUDAN')[1]!.body.text).toContain('要加冰吗');
    // The question keeps its text; its buttons are gone, a line with the answer in their place.
    const [section] = question.body.blocks as unknown[];
    expect(updatedIn('DUDAN')[0]!.body).toEqual({
      channel: 'DUDAN',
      ts,
      text: question.body.text,
      blocks: [section, { type: 'context', block_id: 'parley_answer', elements: [{ type: 'plain_text', text: '✓ 橙子', emoji: true }] }],
    });
    expect(buttonsOf(postedTo('DUDAN')[1]!)).toEqual(['加冰', '不加冰']);
    expect(await expectWholeTurns(schema, conversation('UDAN'))).toHaveLength(4); // two turns, two lines each

    // Another app's button, a modal submitted: acknowledged, nothing runs. Unsigned: refused.
    const other = await clickWith({ ...payload, trigger_id: 'other.1', actions: [{ action_id: 'approve', value: 'yes' }] });
    const modal = await clickWith({ type: 'view_submission', user: { id: 'UDAN' }, view: { id: 'V1' } });
    expect([other.status, modal.status]).toEqual([200, 200]);
    const unsigned = await post(`${parley.url}/channels/slack/juice`, formOf({ ...payload, trigger_id: 'forged.1' }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect([unsigned.status, unsigned.body.error.code]).toEqual([401, 'SIGNATURE_INVALID']);
    expect(await expectWholeTurns(schema, conversation('UDAN'))).toHaveLength(4); // two turns, two lines each
    expect(postedTo('DUDAN')).toHaveLength(2);
    expect(updatedIn('DUDAN')).toHaveLength(1);
    // A form anywhere else is still 415.
    const rest = await post(`${parley.url}/channels/rest/juice`, 'userId=u&text=hi', { 'content-type': 'application/x-www-form-urlencoded' });
    expect([rest.status, rest.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  test('when Slack refuses to update the clicked message, the answer still counts: the refusal is logged, not retried', async () => {
    await send(dm('UFAY', '我想买果汁'));
    await api.waitFor(() => postedTo('DUFAY').length === 1);
    const question = postedTo('DUFAY')[0]!;
    const payload = {
      type: 'block_actions',
      trigger_id: `${++events}.1.click`,
      user: { id: 'UFAY' },
      channel: { id: 'DUFAY' },
      // A message Slack no longer has (deleted meanwhile): chat.update answers message_not_found.
      message: { type: 'message', ts: '1600000000.000001', text: question.body.text, blocks: question.body.blocks },
      actions: [{ ...buttonOf(question, '苹果'), block_id: 'parley_choices', type: 'button', action_ts: '1700000003.000100' }],
    };
    expect((await clickWith(payload)).status).toBe(200);
    await api.waitFor(() => postedTo('DUFAY').length === 2 && updatedIn('DUFAY').length === 1);
    expect(updatedIn('DUFAY')[0]!.response).toEqual({ ok: false, error: 'message_not_found' });
    expect(postedTo('DUFAY')[1]!.body.text).toContain('要加冰吗');
    expect(await expectWholeTurns(schema, conversation('UFAY'))).toHaveLength(4);
    // Not retried: a later turn of the conversation makes no second attempt. (By the time that turn's reply is posted,
    // the refusal, answered before the message was even sent, has long been logged.)
    await send(dm('UFAY', '不加冰'));
    await api.waitFor(() => postedTo('DUFAY').length === 3);
    expect(updatedIn('DUFAY')).toHaveLength(1);
    const warning = logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'platform follow-up after a turn failed (not retried)');
    expect(warning).toMatchObject({ level: 'warn', channel: 'slack', messageId: `action:${payload.trigger_id}` });
    expect(JSON.stringify(warning)).toContain('message_not_found');
  });

  test('a mention in a channel is answered in its thread; a message in a thread stays in that thread', async () => {
    const ts = '1700000100.000200';
    await send(envelope({ type: 'app_mention', channel: 'CGENERAL', user: 'UBEN', text: `<@${BOT_USER}> 我想买果汁`, ts }));
    await api.waitFor(() => postedTo('CGENERAL').length === 1);
    expect(postedTo('CGENERAL')[0]!.body).toMatchObject({ thread_ts: ts, text: expect.stringContaining('什么口味') });
    await send(envelope({ type: 'app_mention', channel: 'CGENERAL', user: 'UBEN', text: `<@${BOT_USER}> 苹果`, ts: '1700000101.000300', thread_ts: ts }));
    await api.waitFor(() => postedTo('CGENERAL').length === 2);
    expect(postedTo('CGENERAL')[1]!.body).toMatchObject({ thread_ts: ts, text: expect.stringContaining('加冰') });
  });

  test('a redelivery (X-Slack-Retry-Num, same event_id, even at the same moment) runs one turn and posts one reply', async () => {
    const payload = dm('UCAROL', '我想买果汁');
    const retry = (n: number) => (b: string) => ({ ...signed(b), 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' });
    const answers = await Promise.all([send(payload), send(payload, retry(1)), send(payload, retry(2))]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await send(dm('UCAROL', '橙子'));
    await api.waitFor(() => postedTo('DUCAROL').length >= 2);
    expect(textsTo('DUCAROL')).toEqual([expect.stringContaining('什么口味'), expect.stringContaining('加冰')]);
    expect(await expectWholeTurns(schema, conversation('UCAROL'))).toHaveLength(4);
  });

  test("the bot's own messages, other bots' messages and edits are ignored", async () => {
    const ignored = [
      dm(BOT_USER, '什么口味?'),
      dm('UDAVE', 'from a bot', { bot_id: 'B0002' }),
      dm('UDAVE', 'from a bot', { subtype: 'bot_message' }),
      dm('UDAVE', 'edited', { subtype: 'message_changed' }),
      envelope({ type: 'message', channel: 'CGENERAL', channel_type: 'channel', user: 'UDAVE', text: '我想买果汁', ts: '1700000200.000100' }),
    ];
    for (const payload of ignored) expect((await send(payload)).status).toBe(200);
    const rows = await query(`SELECT user_id FROM "${schema}".conversations WHERE user_id IN ($1, $2)`, [BOT_USER, 'UDAVE']);
    expect(rows).toEqual([]);
  });

  test('Slack down, then rate limiting (429 Retry-After): the reply is retried and arrives once, no sooner than asked', async () => {
    api.trouble(1, { kind: 'down' });
    api.trouble(1, { kind: 'status', status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } });
    await send(dm('UERIN', '我想买果汁'));
    await api.waitFor(() => postedTo('DUERIN').length === 1);
    const tries = api.received.filter((c) => c.body.channel === 'DUERIN');
    expect(tries).toHaveLength(3);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(950);
    expect(textsTo('DUERIN')).toEqual([expect.stringContaining('什么口味')]);
  });

  test('Slack down for good: three tries, then a dead letter; replayed once it is back, nothing lost', async () => {
    api.trouble(3, { kind: 'status', status: 503, body: 'Service Unavailable' });
    await send(dm('UFRANK', '我想买果汁'));
    await api.waitFor(() => api.received.filter((c) => c.body.channel === 'DUFRANK').length === 3);
    const dead = await deadLetters(conversation('UFRANK'));
    expect(dead).toEqual([expect.objectContaining({ attempts: 3, lastError: expect.stringContaining('503') })]);
    expect((await admin('POST', `/api/deliveries/dead/${dead[0]!.id as string}/replay`)).status).toBe(200);
    await api.waitFor(() => postedTo('DUFRANK').length === 1);
    expect(textsTo('DUFRANK')).toEqual([expect.stringContaining('什么口味')]);
    expect(await deadLetters(conversation('UFRANK'), false)).toEqual([]);
  });

  test("Slack's channel_not_found is permanent: a dead letter at once, and the conversation's next reply still goes", async () => {
    api.trouble(1, { kind: 'status', status: 200, body: { ok: false, error: 'channel_not_found' } });
    await send(dm('UGINA', '我想买果汁'));
    await api.waitFor(() => api.received.filter((c) => c.body.channel === 'DUGINA').length === 1);
    expect(await deadLetters(conversation('UGINA'))).toEqual([
      expect.objectContaining({ attempts: 1, lastError: expect.stringContaining('channel_not_found') }),
    ]);
    await send(dm('UGINA', '苹果'));
    await api.waitFor(() => postedTo('DUGINA').length === 1);
    expect(textsTo('DUGINA')).toEqual([expect.stringContaining('加冰')]);
  });

  test('a turn slower than Slack\'s 3 seconds is acknowledged in time, and its reply posted when it is done', async () => {
    let open!: () => void;
    forecastGate = new Promise<void>((resolve) => (open = resolve));
    const started = Date.now();
    const res = await send(dm('USLOW', '长沙明天天气怎么样'));
    const waited = Date.now() - started;
    expect(res.status).toBe(200);
    expect(waited).toBeLessThan(3000);
    expect(postedTo('DUSLOW')).toEqual([]);
    open();
    forecastGate = undefined;
    // The forecast, then "anything else?": two replies, in order.
    await api.waitFor(() => postedTo('DUSLOW').length === 2);
    expect(textsTo('DUSLOW')).toEqual([expect.stringContaining('长沙明天晴'), expect.stringContaining('还有')]);
  });

  test('20 users at once: each gets exactly their own replies, in order', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `UCROWD${i}`);
    await Promise.all(
      users.map(async (user) => {
        await send(dm(user, '我想买果汁'));
        await api.waitFor(() => postedTo(`D${user}`).length === 1, 60_000, `the first reply to ${user}`);
        await send(dm(user, '西瓜'));
        await api.waitFor(() => postedTo(`D${user}`).length === 2, 60_000, `the second reply to ${user}`);
      }),
    );
    for (const user of users) expect(textsTo(`D${user}`)).toEqual([expect.stringContaining('什么口味'), expect.stringContaining('加冰')]);
  });
});
