import { XMLParser } from 'fast-xml-parser';
import { FakeWechat } from '../../../../test/helpers/fake-wechat';
import { DeliveryError, type InboundRequest, type InboundTurn, type OutboundMessage } from '../channel.adapter';
import { SettingsReader } from '../settings/settings.reader';
import { WechatChannelAdapter } from './wechat.adapter';
import { readWechatSettings } from './wechat.settings';
import { wechatSignature } from './wechat.signature';

let wechat: FakeWechat;
let adapter: WechatChannelAdapter;
const token = 'adapterToken';

beforeEach(async () => {
  wechat = new FakeWechat();
  const apiBaseUrl = await wechat.start();
  const reader = new SettingsReader({ appId: wechat.appId, appSecret: wechat.appSecret, token, apiBaseUrl, choiceStyle: 'list' }, 'bot.wechat', {});
  adapter = new WechatChannelAdapter(readWechatSettings(reader));
  expect(reader.problems).toEqual([]);
});
afterEach(() => wechat.stop());

function request(body: string, method = 'POST', extra: Record<string, string> = {}): InboundRequest {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    botId: 'bot',
    method,
    headers: { 'content-type': 'text/xml' },
    query: { signature: wechatSignature(token, timestamp, '99'), timestamp, nonce: '99', ...extra },
    rawBody: Buffer.from(body, 'utf8'),
    receivedAt: new Date(),
  };
}
const envelope = (inner: string) =>
  `<xml><ToUserName><![CDATA[gh_acc]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName><CreateTime>1764662400</CreateTime>${inner}</xml>`;
const message = (reply: OutboundMessage['reply'], messageId = 'm1#2'): OutboundMessage => ({
  botId: 'bot',
  channel: 'wechat',
  conversationId: 'c',
  userId: 'oU',
  messageId,
  reply,
  address: { openId: 'oU', account: 'gh_acc' },
  attempt: 1,
});

describe('WeChat adapter', () => {
  test('a text message is a pushed turn with a passive window; subscribe an event; unsubscribe is heard, never answered', () => {
    const text = adapter.parse(request(envelope('<MsgType>text</MsgType><Content>你好</Content><MsgId>42</MsgId>'))) as InboundTurn;
    expect(text).toMatchObject({ kind: 'turn', userId: 'oU', messageId: '42', input: { kind: 'message', text: '你好' }, delivery: 'push' });
    expect(text.passive?.windowMs).toBe(4500);
    const subscribe = adapter.parse(request(envelope('<MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_7</EventKey>')));
    expect(subscribe).toMatchObject({ messageId: 'oU:1764662400:subscribe', input: { kind: 'event', event: { type: 'subscribe', scene: '7' } } });
    const unsubscribe = adapter.parse(request(envelope('<MsgType>event</MsgType><Event>unsubscribe</Event>'))) as InboundTurn;
    expect(unsubscribe).toMatchObject({ input: { kind: 'event', event: { type: 'unsubscribe' } }, delivery: 'response' });
    expect(adapter.respond(unsubscribe, [{ type: 'text', text: 'bye' }])).toMatchObject({ body: 'success' });
    expect(adapter.parse(request(envelope('<MsgType>event</MsgType><Event>VIEW</Event>')))).toMatchObject({ kind: 'ignore', response: { body: 'success' } });
  });

  test('the passive reply: one message, choices included; none when the first reply needs more than one message', () => {
    const turn = adapter.parse(request(envelope('<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>'))) as InboundTurn;
    const res = adapter.respond(turn, [{ type: 'text', text: '要哪种?', choices: ['苹果', '橙子'] }]);
    expect(res.contentType).toMatch(/xml/);
    const xml = (new XMLParser({ parseTagValue: false }).parse(res.body as string) as { xml: Record<string, string> }).xml;
    expect(xml).toMatchObject({ ToUserName: 'oU', FromUserName: 'gh_acc', Content: '要哪种?\n1. 苹果\n2. 橙子' });
    expect(adapter.respond(turn, [])).toMatchObject({ body: 'success' });
    expect(turn.passive!.accepts([{ type: 'text', text: 'short' }, { type: 'text', text: 'second' }])).toBe(1);
    expect(turn.passive!.accepts([{ type: 'text', text: '长'.repeat(700) }])).toBe(0);
  });

  test('a 2,000-character reply is pushed in parts; a retry after a failed part resumes after the parts sent', async () => {
    const text = '今天的果汁很新鲜, 欢迎品尝。'.repeat(134).slice(0, 2000);
    // The second part fails once with WeChat busy (queued as the first part is answered, before the second is sent).
    const sendOnce = adapter.deliver(message({ type: 'text', text }));
    await wechat.until(() => wechat.sent.length === 1);
    wechat.answers.push({ errcode: -1, errmsg: 'system error' });
    const failed = await sendOnce.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(DeliveryError);
    expect(wechat.sent).toHaveLength(1);
    await adapter.deliver({ ...message({ type: 'text', text }), attempt: 2 });
    const parts = wechat.textsTo('oU');
    expect(parts).toHaveLength(3);
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(2048);
  });

  test('the echostr check is answered as text; a GET without echostr is refused', () => {
    expect(adapter.parse(request('', 'GET', { echostr: 'abc123' }))).toEqual({
      kind: 'answer',
      response: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'abc123' },
    });
    expect(() => adapter.parse(request('', 'GET'))).toThrow(/echostr/);
  });
});
