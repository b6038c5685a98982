import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBot } from '@parley/machines';
import { conversationIdFor, type PostgresConversationStore } from '@parley/persistence';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { eventually } from '../helpers/receiver';
import { slackImitation, telegramImitation, type PlatformImitation } from '../helpers/platform-imitations';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

/**
 * Identity links: a juice customer who joined the membership on Telegram is a member on Slack once the two accounts
 * are linked through the admin API (user-scoped memory `customer` is shared), and no longer once unlinked.
 */
const schema = freshSchema('links');
const TELEGRAM_TOKEN = '123456789:AAH-juice-telegram-token_0123456789';
const TELEGRAM_SECRET = 'juice-telegram-secret-0123456789';
const SLACK_TOKEN = 'xoxb-1111-2222-juiceslacktoken';
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
let parley: ParleyApp;
let telegram: PlatformImitation;
let slack: PlatformImitation;
let ids = 0;

beforeAll(async () => {
  telegram = await telegramImitation(TELEGRAM_TOKEN).start();
  slack = await slackImitation(SLACK_TOKEN).start();
  const file = join(mkdtempSync(join(tmpdir(), 'parley-links-')), 'channels.yaml');
  writeFileSync(
    file,
    [
      'juice:',
      `  telegram: { botToken: \${TG_TOKEN}, secretToken: \${TG_SECRET}, apiBaseUrl: ${telegram.url} }`,
      `  slack: { botToken: \${SLACK_TOKEN}, signingSecret: \${SLACK_SECRET}, apiBaseUrl: ${slack.url} }`,
      '',
    ].join('\n'),
  );
  parley = await startInProcess({
    bots: [findBot('juice')!],
    schema,
    env: { CHANNELS_FILE: file, TG_TOKEN: TELEGRAM_TOKEN, TG_SECRET: TELEGRAM_SECRET, SLACK_TOKEN, SLACK_SECRET },
  });
});

afterAll(async () => {
  await parley?.close();
  await telegram?.stop();
  await slack?.stop();
  await dropSchema(schema);
});

/** The replies a conversation's turns have given so far (the webhook answers after the turn committed them). */
async function repliesSoFar(channel: string, userId: string): Promise<number> {
  const rows = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}".transcript WHERE conversation_id = $1 AND direction = 'out'`,
    [conversationIdFor('juice', channel, userId)],
  );
  return rows[0]!.n;
}

/** Say `text` on Telegram as user `id`; resolves with the replies that turn sent. */
async function onTelegram(id: number, text: string): Promise<string> {
  const before = telegram.accepted.filter((c) => c.body.chat_id === id).length;
  const update = { update_id: ++ids, message: { message_id: ids, from: { id, is_bot: false }, chat: { id, type: 'private' }, date: 1, text } };
  const res = await post(`${parley.url}/channels/telegram/juice`, update, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET });
  expect(res.status).toBe(200);
  const replies = await repliesSoFar('telegram', String(id));
  await telegram.waitFor(() => telegram.accepted.filter((c) => c.body.chat_id === id).length === replies);
  return telegram.accepted
    .filter((c) => c.body.chat_id === id)
    .slice(before)
    .map((c) => c.body.text as string)
    .join('\n');
}

/** Say `text` on Slack as user `user` in a direct message; resolves with the replies that turn posted. */
async function onSlack(user: string, text: string): Promise<string> {
  const channel = `D${user}`;
  const before = slack.accepted.filter((c) => c.body.channel === channel).length;
  const body = JSON.stringify({
    type: 'event_callback',
    event_id: `Ev${++ids}`,
    team_id: 'T1',
    authorizations: [{ user_id: 'UBOT' }],
    event: { type: 'message', channel_type: 'im', channel, user, text, ts: `1700000000.${ids}` },
  });
  const at = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${at}:${body}`).digest('hex')}`;
  const res = await post(`${parley.url}/channels/slack/juice`, body, {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(at),
    'x-slack-signature': signature,
  });
  expect(res.status).toBe(200);
  const replies = await repliesSoFar('slack', user);
  await slack.waitFor(() => slack.accepted.filter((c) => c.body.channel === channel).length === replies);
  return slack.accepted
    .filter((c) => c.body.channel === channel)
    .slice(before)
    .map((c) => c.body.text as string)
    .join('\n');
}

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${parley.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

/** Order an apple juice at room temperature in a cup: the member price and no membership offer, or the offer. */
async function orderOnSlack(user: string): Promise<string> {
  expect(await onSlack(user, '我想要苹果汁, 常温哈')).toContain('杯装还是碗装');
  return onSlack(user, '杯装');
}

describe(`identity links (${testDatabaseKind()})`, () => {
  test('membership taken on Telegram is seen on Slack once linked, and not after the link is deleted', async () => {
    const lilei = 880001;
    expect(await onTelegram(lilei, '我要办会员')).toContain('怎么称呼');
    expect(await onTelegram(lilei, '李雷')).toContain('手机号');
    expect(await onTelegram(lilei, '13800138000')).toContain('会员办理成功');

    // Not linked yet: Slack's user is a new customer, offered the membership.
    expect(await orderOnSlack('ULILEI')).toContain('要办理吗');
    expect(await onSlack('ULILEI', '不用了')).toContain('请付15元');
    expect(await onSlack('ULILEI', '付款')).toContain('支付成功');

    const linked = await admin('POST', '/api/users/links', { botId: 'juice', a: { channel: 'telegram', userId: String(lilei) }, b: { channel: 'slack', userId: 'ULILEI' } });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ botId: 'juice', user: { channel: 'slack', userId: 'ULILEI' }, identity: { channel: 'telegram', userId: String(lilei) } });
    // Linking again is harmless; so is linking the other way round.
    expect((await admin('POST', '/api/users/links', { botId: 'juice', a: { channel: 'telegram', userId: String(lilei) }, b: { channel: 'slack', userId: 'ULILEI' } })).status).toBe(200);
    expect((await admin('POST', '/api/users/links', { botId: 'juice', a: { channel: 'slack', userId: 'ULILEI' }, b: { channel: 'telegram', userId: String(lilei) } })).status).toBe(200);

    // Linked: the member price, no offer.
    const member = await orderOnSlack('ULILEI');
    expect(member).toContain('请付12元');
    expect(member).not.toContain('要办理吗');
    expect(await onSlack('ULILEI', '付款')).toContain('支付成功');
    // The order Slack made is the customer's (shared memory): Telegram offers it as the last order.
    expect(await onTelegram(lilei, '我想买果汁')).toContain('还和上次一样吗');

    const listed = await admin('GET', '/api/users/links?botId=juice&channel=telegram&userId=880001');
    expect(listed.body.items).toEqual([expect.objectContaining({ user: { channel: 'slack', userId: 'ULILEI' } })]);

    // A timer turn keys user memory the same way: the claim of a due timer carries the linked identity's user id (one
    // statement, no lookup on a second connection while the claim's transaction is open). The job is inserted in the
    // claiming transaction, so the scheduler cannot take it first, and rolled back with it.
    const claimed = async (userId: string) => {
      const conversationId = conversationIdFor('juice', userId === String(lilei) ? 'telegram' : 'slack', userId);
      let due: unknown;
      await (parley.runtime.store as unknown as PostgresConversationStore)
        .transaction(async (tx) => {
          await tx.query(
            `INSERT INTO "${schema}".scheduled_jobs (conversation_id, id, run_at, event) VALUES ($1, gen_random_uuid(), now() - interval '1 hour', '{"type":"probe"}')`,
            [conversationId],
          );
          due = await tx.claimDueTimer();
          throw new Error('roll back');
        })
        .catch((error: unknown) => {
          if (!(error instanceof Error) || error.message !== 'roll back') throw error;
        });
      return due;
    };
    expect(await claimed('ULILEI')).toEqual(expect.objectContaining({ conversationId: conversationIdFor('juice', 'slack', 'ULILEI'), memoryUserId: String(lilei) }));
    expect(await claimed(String(lilei))).not.toHaveProperty('memoryUserId');

    const deleted = await admin('DELETE', '/api/users/links?botId=juice&channel=slack&userId=ULILEI');
    expect(deleted.status).toBe(200);
    expect(await orderOnSlack('ULILEI')).toContain('要办理吗');
    expect((await admin('GET', '/api/users/links?botId=juice')).body.items).toEqual([]);
  });

  test('links never chain: a user linked elsewhere, or an identity others joined, is a 409; bad input a 400', async () => {
    const link = (a: [string, string], b: [string, string]) =>
      admin('POST', '/api/users/links', { botId: 'juice', a: { channel: a[0], userId: a[1] }, b: { channel: b[0], userId: b[1] } });
    expect((await link(['telegram', '1'], ['slack', 'U1'])).status).toBe(201);
    // A third account joins the same identity, through either member.
    const third = await link(['slack', 'U1'], ['rest', 'web-1']);
    expect(third.status).toBe(201);
    expect(third.body.identity).toEqual({ channel: 'telegram', userId: '1' });
    const elsewhere = await link(['telegram', '2'], ['slack', 'U1']);
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe('IDENTITY_LINK_CONFLICT');
    expect(elsewhere.body.error.message).toContain("already linked to telegram user '1'");
    const identity = await link(['telegram', '2'], ['telegram', '1']);
    expect(identity.status).toBe(409);
    expect(identity.body.error.message).toContain('is the identity 2 other user(s) are linked to');

    for (const body of [
      { botId: 'juice', a: { channel: 'telegram', userId: '1' } },
      { botId: 'juice', a: { channel: 'Telegram!', userId: '1' }, b: { channel: 'slack', userId: 'U9' } },
      { botId: 'juice', a: { channel: 'telegram', userId: '' }, b: { channel: 'slack', userId: 'U9' } },
      { botId: 'juice', a: { channel: 'slack', userId: 'U9' }, b: { channel: 'slack', userId: 'U9' } },
      { botId: 'juice', a: { channel: 'telegram', userId: '1' }, b: { channel: 'slack', userId: 'U9' }, extra: 1 },
    ]) {
      const res = await admin('POST', '/api/users/links', body);
      expect([res.status, res.body.error.code]).toEqual([400, expect.stringMatching(/INVALID_REQUEST|BAD_REQUEST/)]);
    }
    expect((await admin('POST', '/api/users/links', { botId: 'nope', a: { channel: 'telegram', userId: '1' }, b: { channel: 'slack', userId: 'U9' } })).status).toBe(404);
    const missing = await admin('DELETE', '/api/users/links?botId=juice&channel=telegram&userId=1');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'IDENTITY_LINK_NOT_FOUND']);
    expect((await fetch(`${parley.url}/api/users/links?botId=juice`)).status).toBe(401);
    expect(await query(`SELECT channel, user_id, identity_user_id FROM "${schema}".identity_links WHERE identity_user_id = '1' ORDER BY channel`)).toEqual([
      { channel: 'rest', user_id: 'web-1', identity_user_id: '1' },
      { channel: 'slack', user_id: 'U1', identity_user_id: '1' },
    ]);
  });

  // Two instances on one PostgreSQL (the embedded database belongs to one process).
  (testDatabaseKind() === 'postgres' ? test : test.skip)(
    'a link made or deleted on one instance is in force on another at once, however long that one trusts what it resolved',
    async () => {
      // The other instance would trust a resolved identity for ten minutes: only the change it hears of can end that.
      const other = await startInProcess({ bots: [findBot('juice')!], schema, env: { IDENTITY_CACHE_MS: '600000' } });
      try {
        const juice = other.runtime.bots.get('juice');
        const hanmei = { channel: 'slack', userId: 'UHANMEI' };
        const resolved = () => other.runtime.identities.memoryUserId(juice, hanmei);
        expect(await resolved()).toBe('UHANMEI'); // now trusted there for ten minutes
        const linked = await admin('POST', '/api/users/links', { botId: 'juice', a: { channel: 'telegram', userId: '990001' }, b: hanmei });
        expect(linked.status).toBe(201);
        await eventually(async () => ((await resolved()) === '990001' ? true : undefined));
        expect((await admin('DELETE', '/api/users/links?botId=juice&channel=slack&userId=UHANMEI')).status).toBe(200);
        await eventually(async () => ((await resolved()) === 'UHANMEI' ? true : undefined));
      } finally {
        await other.close();
      }
    },
  );
});
