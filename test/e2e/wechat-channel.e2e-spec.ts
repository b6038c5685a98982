import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { findBot } from '@parley/machines';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { FakeWechat } from '../helpers/fake-wechat';
import { startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, query, testDatabaseKind } from '../helpers/test-database';

/**
 * juice served on WeChat (plaintext mode) against a local imitation of WeChat's API: the requests WeChat makes (signed
 * GET echostr check, signed XML POSTs, its retries with the same MsgId) and the API it offers (access_token, the
 * customer-service message). Real NLU, real database, real HTTP; the bot's forecast service is held open by the
 * test to make a turn miss the passive window without sleeping.
 */
const TOKEN = 'parleyWechatToken42';
const schema = freshSchema('wechat');
const dataDir = mkdtempSync(join(tmpdir(), 'parley-wechat-'));
const wechat = new FakeWechat();
const run = randomBytes(3).toString('hex');
let parley: ParleyApp;
let forecasts = 0;
let held: { reached: () => void; release: Promise<void> } | undefined;

/** Hold the forecast service until `open()`; `reached` resolves when a turn is waiting on it. */
function holdForecasts() {
  let open!: () => void;
  let reached!: () => void;
  const wasReached = new Promise<void>((resolve) => (reached = resolve));
  held = { reached, release: new Promise<void>((resolve) => (open = resolve)) };
  return { wasReached, open: () => ((held = undefined), open()) };
}

beforeAll(async () => {
  const apiBaseUrl = await wechat.start();
  const channelsFile = join(dataDir, 'channels.yaml');
  writeFileSync(
    channelsFile,
    `juice:\n  wechat:\n    appId: ${wechat.appId}\n    appSecret: \${WECHAT_APP_SECRET}\n    token: \${WECHAT_TOKEN}\n    apiBaseUrl: ${apiBaseUrl}\n    passiveReplyWindowMs: 1500\n`,
  );
  parley = await startInProcess({
    bots: [findBot('juice')!],
    schema,
    env: { PARLEY_DATA_DIR: dataDir, CHANNELS_FILE: channelsFile, WECHAT_APP_SECRET: wechat.appSecret, WECHAT_TOKEN: TOKEN, OUTBOX_POLL_MS: '50' },
    extra: {
      services: {
        forecast: async (input: unknown) => {
          forecasts++;
          const gate = held;
          if (gate) {
            gate.reached();
            await gate.release;
          }
          const { city } = input as { city?: string };
          return { city, low: 1, high: 9, summary: `${city ?? '?'}晴` };
        },
      },
    },
  });
});

afterAll(async () => {
  await parley?.close();
  await wechat.stop();
  await dropSchema(schema);
});

/** The query string WeChat adds to every request: signature = sha1 of the sorted token, timestamp, nonce. */
function signed(at = Math.floor(Date.now() / 1000), token = TOKEN): string {
  const timestamp = String(at);
  const nonce = String(Math.floor(Math.random() * 1e9));
  const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
}

const url = (query: string) => `${parley.url}/channels/wechat/juice?${query}`;
let msgIds = BigInt(Date.now()) * 1000n;
const nextMsgId = () => String(++msgIds);

function textXml(openId: string, content: string, msgId = nextMsgId()): string {
  return (
    `<xml><ToUserName><![CDATA[gh_juiceshop]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>` +
    `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${content.replace(/]]>/g, ']]]]><![CDATA[>')}]]></Content><MsgId>${msgId}</MsgId></xml>`
  );
}

async function push(xml: string, query = signed()): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url(query), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

const parser = new XMLParser({ parseTagValue: false, trimValues: false });
function passive(text: string): Record<string, string> {
  return (parser.parse(text) as { xml: Record<string, string> }).xml;
}

const user = (name: string) => `o${run}_${name}`;

async function outboxOf(openId: string): Promise<{ status: string; attempts: number; message_id: string }[]> {
  return query(
    `SELECT o.status, o.attempts, o.message_id FROM "${schema}".outbox o JOIN "${schema}".conversations c ON c.id = o.conversation_id
      WHERE c.user_id = $1 AND o.kind = 'reply' ORDER BY o.created_at, o.message_id`,
    [openId],
  );
}

describe(`WeChat Official Account channel (${testDatabaseKind()})`, () => {
  test("the URL check: a signed GET with echostr is answered with the echo; a wrong or stale signature is 401 with Parley's error body", async () => {
    const ok = await fetch(url(`${signed()}&echostr=7781276381294`));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('7781276381294');

    const wrong = await fetch(url(`${signed(undefined, 'someOtherToken')}&echostr=1`));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID', message: expect.stringMatching(/does not match/) } });

    const stale = await fetch(url(`${signed(Math.floor(Date.now() / 1000) - 301)}&echostr=1`));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID', message: expect.stringMatching(/300 s/) } });
  });

  test('a message with a wrong signature runs no turn; malformed XML is 400 INVALID_XML', async () => {
    const openId = user('forger');
    const forged = await push(textXml(openId, '你好'), signed(undefined, 'someOtherToken'));
    expect(forged.status).toBe(401);
    const bad = await push('<xml><ToUserName>x</FromUserName></xml>');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'INVALID_XML' } });
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE user_id = $1`, [openId])).toEqual([]);
  });

  test('a quick turn is answered passively (sender and receiver swapped), its later replies through the customer-service API', async () => {
    const openId = user('quick');
    const res = await push(textXml(openId, '你好'));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/xml/);
    const xml = passive(res.text);
    expect(xml).toMatchObject({ ToUserName: openId, FromUserName: 'gh_juiceshop', MsgType: 'text' });
    expect(xml.Content).toContain('欢迎光临果汁店');
    const outbox = await outboxOf(openId);
    // The first reply went in the response: it has no outbox item; every other reply does, and arrives by the API.
    expect(outbox.map((o) => o.message_id).every((id) => !id.endsWith('#1'))).toBe(true);
    await wechat.until(() => wechat.textsTo(openId).length === outbox.length);
    expect(wechat.textsTo(openId)).not.toContain(xml.Content);
  });

  test('subscribe is the event ext.subscribe: the greeting comes back passively; a repeated event is answered once', async () => {
    const openId = user('follower');
    const event =
      `<xml><ToUserName><![CDATA[gh_juiceshop]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>` +
      `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>`;
    const first = await push(event);
    expect(passive(first.text).Content).toContain('欢迎光临果汁店');
    const again = await push(event);
    expect(passive(again.text).Content).toBe(passive(first.text).Content);
    const inbound = await query(
      `SELECT t.text FROM "${schema}".transcript t JOIN "${schema}".conversations c ON c.id = t.conversation_id WHERE c.user_id = $1 AND t.direction = 'in'`,
      [openId],
    );
    expect(inbound).toEqual([{ text: 'subscribe' }]);
  });

  test('a picture gets the fallback text, no turn', async () => {
    const openId = user('photographer');
    const res = await push(
      `<xml><ToUserName><![CDATA[gh_juiceshop]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>1</CreateTime>` +
        `<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1/x.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>${nextMsgId()}</MsgId></xml>`,
    );
    expect(passive(res.text).Content).toMatch(/只能看懂文字消息/);
    expect(await query(`SELECT 1 FROM "${schema}".conversations WHERE user_id = $1`, [openId])).toEqual([]);
  });
});
