import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { findBot } from '@parley/machines';
import { forecast } from '../../machines/juice/forecast.service';
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
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const schema = freshSchema('wechat');
const dataDir = mkdtempSync(join(tmpdir(), 'parley-wechat-'));
const wechat = new FakeWechat();
const run = randomBytes(3).toString('hex');
let parley: ParleyApp;
/** `delivery.dead_lettered` events, received by a loopback webhook receiver subscribed in the configuration. */
const deadLetters: { messageId: string; attempts: number; error: string }[] = [];
let deadLetterWaiters: (() => void)[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    const event = JSON.parse(body) as { type: string; data: { delivery?: { messageId: string; attempts: number; error: string } } };
    if (event.type === 'delivery.dead_lettered' && event.data.delivery) deadLetters.push(event.data.delivery);
    res.writeHead(204).end();
    for (const wake of deadLetterWaiters) wake();
    deadLetterWaiters = [];
  });
});
async function deadLetter(messageId: string) {
  for (;;) {
    const found = deadLetters.find((d) => d.messageId === messageId);
    if (found) return found;
    await new Promise<void>((resolve) => deadLetterWaiters.push(resolve));
  }
}
let forecasts = 0;
let held: { waiting: number; reached: () => void; release: Promise<void> } | undefined;

/** Hold the forecast service until `open()`; `wasReached` resolves when `turns` turns are waiting on it. */
function holdForecasts(turns = 1) {
  let open!: () => void;
  let reached!: () => void;
  const wasReached = new Promise<void>((resolve) => (reached = resolve));
  const gate = { waiting: 0, reached: () => (++gate.waiting >= turns ? reached() : undefined), release: new Promise<void>((resolve) => (open = resolve)) };
  held = gate;
  return { wasReached, open: () => ((held = undefined), open()) };
}

beforeAll(async () => {
  const apiBaseUrl = await wechat.start();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhooks = JSON.stringify([
    {
      id: 'deadletters',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`,
      events: ['delivery.dead_lettered'],
      secret: `whsec_${randomBytes(32).toString('base64')}`,
    },
  ]);
  const channelsFile = join(dataDir, 'channels.yaml');
  writeFileSync(
    channelsFile,
    `juice:\n  wechat:\n    appId: ${wechat.appId}\n    appSecret: \${WECHAT_APP_SECRET}\n    token: \${WECHAT_TOKEN}\n    apiBaseUrl: ${apiBaseUrl}\n    passiveReplyWindowMs: 3000\n    encodingAESKey: \${WECHAT_AES_KEY}\n`,
  );
  parley = await startInProcess({
    bots: [findBot('juice')!],
    schema,
    env: { PARLEY_DATA_DIR: dataDir, CHANNELS_FILE: channelsFile, WECHAT_APP_SECRET: wechat.appSecret, WECHAT_TOKEN: TOKEN, WECHAT_AES_KEY: AES_KEY, OUTBOX_POLL_MS: '50',
      OUTBOX_MAX_ATTEMPTS: '4', OUTBOX_BACKOFF_BASE_MS: '200', WEBHOOKS: webhooks },
    extra: {
      services: {
        forecast: async (input: unknown) => {
          forecasts++;
          const gate = held;
          if (gate) {
            gate.reached();
            await gate.release;
          }
          return forecast(input as { city: string; date: string });
        },
      },
    },
  });
});

afterAll(async () => {
  await parley?.close();
  await wechat.stop();
  await new Promise((resolve) => receiver.close(resolve));
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

  test('subscribe is the event ext.subscribe: the greeting comes back passively; a repeated event is answered once; an undeclared unsubscribe is acknowledged', async () => {
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
    // juice does not declare unsubscribe: acknowledged ("success", so WeChat does not retry), nothing runs.
    const unsubscribe = await push(event.replace('[subscribe]', '[unsubscribe]'));
    expect(unsubscribe).toMatchObject({ status: 200, text: 'success' });
    expect(await query(`SELECT t.text FROM "${schema}".transcript t JOIN "${schema}".conversations c ON c.id = t.conversation_id WHERE c.user_id = $1 AND t.direction = 'in'`, [openId])).toHaveLength(1);
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

  /**
   * The user's texts once the customer-service API got all of them: the re-asked question that ends a forecast shows
   * the turn was written; then every pushed reply item of the user must arrive (the outbox sends a conversation's
   * items side by side, so not necessarily in order).
   */
  const allPushed = async (openId: string) => {
    await wechat.until(() => wechat.textsTo(openId).some((text) => text.includes('还有其它问题吗')));
    const items = (await outboxOf(openId)).length;
    await wechat.until(() => wechat.textsTo(openId).length >= items);
    return wechat.textsTo(openId);
  };

  test('a turn that misses the window: "success" at once, then its replies through the customer-service API, each once', async () => {
    const openId = user('slow');
    const gate = holdForecasts();
    const calls = forecasts;
    const pending = push(textXml(openId, '长沙明天天气怎么样'));
    await gate.wasReached;
    const res = await pending; // answered when the 3 s window ends, the turn still waiting
    expect(res).toMatchObject({ status: 200, text: 'success' });
    gate.open();
    const texts = await allPushed(openId);
    expect(texts.join('\n')).toMatch(/长沙[\s\S]*明天[\s\S]*度/);
    expect(forecasts).toBe(calls + 1);
    const outbox = await outboxOf(openId);
    expect(outbox.map((o) => o.message_id)[0]).toMatch(/#1$/); // all pushed, the first reply included
    expect(texts).toHaveLength(outbox.length);
  });

  test('WeChat retrying while the first delivery\'s turn runs: one turn; both answered "success"; the replies pushed once', async () => {
    const openId = user('retried');
    const xml = textXml(openId, '北京明天天气怎么样');
    const gate = holdForecasts();
    const calls = forecasts;
    const first = push(xml);
    await gate.wasReached;
    const retry = push(xml); // same MsgId, a new signature, while the turn waits
    expect((await Promise.all([first, retry])).map((r) => r.text)).toEqual(['success', 'success']);
    gate.open();
    const texts = await allPushed(openId);
    expect(forecasts).toBe(calls + 1);
    // A third try after the turn was written: the store's dedupe record answers it; the first reply was pushed, so "success".
    expect((await push(xml)).text).toBe('success');
    expect(await outboxOf(openId)).toHaveLength(texts.length);
    const inbound = await query(
      `SELECT count(*)::int AS n FROM "${schema}".transcript t JOIN "${schema}".conversations c ON c.id = t.conversation_id WHERE c.user_id = $1 AND t.direction = 'in'`,
      [openId],
    );
    expect(inbound).toEqual([{ n: 1 }]);
    expect(wechat.textsTo(openId)).toEqual(texts);
  });

  test('a retry of a message answered passively gets the same passive reply (WeChat retries only what got no answer)', async () => {
    const openId = user('passive-retry');
    const xml = textXml(openId, '上海明天天气怎么样');
    const gate = holdForecasts();
    const first = push(xml);
    await gate.wasReached;
    const retry = push(xml);
    gate.open(); // in the window: the turn is written in time
    const [a, b] = await Promise.all([first, retry]);
    expect(passive(a.text).Content).toMatch(/上海/);
    expect(passive(b.text).Content).toBe(passive(a.text).Content);
    expect(passive((await push(xml)).text).Content).toBe(passive(a.text).Content);
    // Only the replies after the first were pushed.
    const outbox = await outboxOf(openId);
    expect(outbox.every((o) => !o.message_id.endsWith('#1'))).toBe(true);
    await wechat.until(() => wechat.textsTo(openId).length === outbox.length);
    expect(wechat.textsTo(openId)).not.toContain(passive(a.text).Content);
  });

  test('the API down: the outbox retries the customer-service message until WeChat takes it, once', async () => {
    const openId = user('outage');
    wechat.outage = { status: 503 };
    const failedBefore = wechat.log.filter((l) => l.kind === 'send' && l.status === 503).length;
    const gate = holdForecasts();
    const pending = push(textXml(openId, '广州明天天气怎么样'));
    await gate.wasReached;
    expect((await pending).text).toBe('success');
    gate.open();
    await wechat.until(() => wechat.log.filter((l) => l.kind === 'send' && l.status === 503).length >= failedBefore + 2);
    expect(wechat.textsTo(openId)).toEqual([]);
    wechat.outage = undefined;
    const texts = await allPushed(openId);
    const outbox = await outboxOf(openId);
    expect(Math.max(...outbox.map((o) => o.attempts))).toBeGreaterThanOrEqual(2);
    expect(texts).toHaveLength(outbox.length);
    expect(new Set(texts).size).toBe(texts.length);
  });

  test('an access_token WeChat revoked (errcode 40001): a new one is fetched and the message sent', async () => {
    const openId = user('revoked');
    await push(textXml(openId, '你好')); // makes sure a token is held
    await wechat.until(() => wechat.tokensIssued > 0);
    wechat.revokeTokens();
    const issued = wechat.tokensIssued;
    const gate = holdForecasts();
    const pending = push(textXml(openId, '深圳明天天气怎么样'));
    await gate.wasReached;
    expect((await pending).text).toBe('success');
    gate.open();
    await allPushed(openId);
    expect(wechat.tokensIssued).toBe(issued + 1);
    expect(wechat.log.some((l) => l.kind === 'send' && l.errcode === 40001)).toBe(true);
  });

  test('20 users at once, passively and through the API: each gets exactly their replies', async () => {
    const cities = ['杭州', '成都', '武汉', '南京', '西安', '重庆', '天津', '苏州', '郑州', '东莞', '青岛', '沈阳', '宁波', '昆明', '合肥', '佛山', '无锡', '厦门', '济南', '福州'];
    const users = cities.map((_, i) => user(`crowd${i}`));
    // Passive: 20 greetings, each addressed to its sender.
    const greetings = await Promise.all(users.map((openId) => push(textXml(openId, '你好'))));
    greetings.forEach((res, i) => expect(passive(res.text)).toMatchObject({ ToUserName: users[i], Content: expect.stringContaining('欢迎光临') }));
    // Pushed: 20 forecasts held until all 20 turns wait, so all miss the window together.
    const gate = holdForecasts(cities.length);
    const pending = users.map((openId, i) => push(textXml(openId, `${cities[i]}后天天气怎么样`)));
    await gate.wasReached;
    expect((await Promise.all(pending)).map((r) => r.text)).toEqual(users.map(() => 'success'));
    gate.open();
    const texts = await Promise.all(users.map(allPushed));
    texts.forEach((mine, i) => {
      const said = mine.join('\n');
      expect(said).toContain(cities[i]);
      for (const other of cities) if (other !== cities[i]) expect(said).not.toContain(other);
    });
    const outboxes = await Promise.all(users.map(outboxOf));
    await wechat.until(() => users.every((openId, i) => wechat.textsTo(openId).length === outboxes[i]!.length));
  });

  test('text with CDATA, emoji and 2,000 characters goes in and is kept exactly', async () => {
    const openId = user('writer');
    const content = `我要 🍊🍉 ]]> <b>&amp;</b> ${'长'.repeat(1980)}`;
    const res = await push(textXml(openId, content));
    expect(res.status).toBe(200);
    expect(passive(res.text).ToUserName).toBe(openId);
    const inbound = await query<{ text: string }>(
      `SELECT t.text FROM "${schema}".transcript t JOIN "${schema}".conversations c ON c.id = t.conversation_id WHERE c.user_id = $1 AND t.direction = 'in'`,
      [openId],
    );
    expect(inbound).toEqual([{ text: content }]);
  });

  /** WeChat's safe mode, written here from its documentation (not Parley's code): AES-256-CBC, 32-byte PKCS#7. */
  const aes = {
    key: Buffer.from(`${AES_KEY}=`, 'base64'),
    encrypt(message: string): string {
      const text = Buffer.from(message, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(text.length);
      const plain = Buffer.concat([randomBytes(16), length, text, Buffer.from(wechat.appId)]);
      const pad = 32 - (plain.length % 32);
      const cipher = createCipheriv('aes-256-cbc', aes.key, aes.key.subarray(0, 16)).setAutoPadding(false);
      return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
    },
    decrypt(encrypted: string): { message: string; appId: string } {
      const decipher = createDecipheriv('aes-256-cbc', aes.key, aes.key.subarray(0, 16)).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
      const body = plain.subarray(16, plain.length - plain[plain.length - 1]!);
      const length = body.readUInt32BE(0);
      return { message: body.subarray(4, 4 + length).toString('utf8'), appId: body.subarray(4 + length).toString('utf8') };
    },
    sign: (...parts: string[]) => createHash('sha1').update([TOKEN, ...parts].sort().join('')).digest('hex'),
  };

  test('safe mode (安全模式): an encrypted message is decrypted and answered with an encrypted passive reply', async () => {
    const openId = user('encrypted');
    const encrypt = aes.encrypt(textXml(openId, '你好'));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '5551212';
    const body = `<xml><ToUserName><![CDATA[gh_juiceshop]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const query = (msgSignature: string) =>
      `signature=${aes.sign(timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&openid=${openId}&encrypt_type=aes&msg_signature=${msgSignature}`;

    const forged = await push(body, query(aes.sign(timestamp, nonce, aes.encrypt('<xml/>'))));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text)).toMatchObject({ error: { code: 'SIGNATURE_INVALID', message: expect.stringMatching(/msg_signature/) } });

    const res = await push(body, query(aes.sign(timestamp, nonce, encrypt)));
    expect(res.status).toBe(200);
    const outer = passive(res.text);
    expect(outer.MsgSignature).toBe(aes.sign(outer.TimeStamp!, outer.Nonce!, outer.Encrypt!));
    const inner = aes.decrypt(outer.Encrypt!);
    expect(inner.appId).toBe(wechat.appId);
    expect(passive(inner.message)).toMatchObject({ ToUserName: openId, FromUserName: 'gh_juiceshop', Content: expect.stringContaining('欢迎光临果汁店') });
  });

  test('a user who unfollowed (errcode 43004): the reply is a dead letter at once, the next one still goes', async () => {
    const openId = user('gone');
    const msgId = nextMsgId();
    const gate = holdForecasts();
    const pending = push(textXml(openId, '南京明天天气怎么样', msgId));
    await gate.wasReached;
    expect((await pending).text).toBe('success');
    wechat.answers.push({ errcode: 43004, errmsg: 'require subscribe' });
    gate.open();
    const dead = await deadLetter(`${msgId}#1`);
    expect(dead).toMatchObject({ attempts: 1, error: expect.stringMatching(/43004/) });
    await wechat.until(() => wechat.textsTo(openId).some((text) => text.includes('还有其它问题吗')));
  });

  test('the API down for good: retried OUTBOX_MAX_ATTEMPTS times, then a dead letter (and the delivery.dead_lettered event)', async () => {
    const openId = user('down-for-good');
    const msgId = nextMsgId();
    const gate = holdForecasts();
    const pending = push(textXml(openId, '西安明天天气怎么样', msgId));
    await gate.wasReached;
    expect((await pending).text).toBe('success');
    wechat.outage = { status: 502 };
    const failedBefore = wechat.log.filter((l) => l.status === 502).length;
    gate.open();
    const dead = await deadLetter(`${msgId}#1`);
    expect(dead).toMatchObject({ attempts: 4, error: expect.stringMatching(/HTTP 502/) });
    expect(wechat.log.filter((l) => l.status === 502).length - failedBefore).toBeGreaterThanOrEqual(4);
    wechat.outage = undefined;
    await wechat.until(() => wechat.textsTo(openId).some((text) => text.includes('还有其它问题吗')));
    expect((await outboxOf(openId)).find((o) => o.message_id === `${msgId}#1`)?.status).toBe('dead');
  });
});
