import { XMLParser } from 'fast-xml-parser';
import { ChannelError } from '../channel.error';
import { parseWechatXml, passiveTextXml } from './wechat.xml';

const message = (fields: string) =>
  `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1764662400</CreateTime>${fields}</xml>`;

function invalid(xml: string): ChannelError {
  try {
    parseWechatXml(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).code).toBe('INVALID_XML');
    return error as ChannelError;
  }
  throw new Error('parsed');
}

describe('WeChat XML', () => {
  test('a text message: CDATA, emoji, entities; the 64-bit MsgId stays exact', () => {
    const text = '我要一杯橙汁 🍊👍🏽 & <b>not html</b>';
    const parsed = parseWechatXml(
      message(`<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>9223372036854775807</MsgId>`),
    );
    expect(parsed).toEqual({ toUserName: 'gh_account', fromUserName: 'oUser1', createTime: '1764662400', kind: 'text', msgId: '9223372036854775807', content: text });
    expect(parseWechatXml(message('<MsgType>text</MsgType><Content>a &amp; b</Content><MsgId>1</MsgId>'))).toMatchObject({ content: 'a & b' });
  });

  test('events, voice with and without recognition, other message types', () => {
    expect(parseWechatXml(message('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_42]]></EventKey>'))).toMatchObject({
      kind: 'event',
      event: 'subscribe',
      eventKey: 'qrscene_42',
    });
    expect(parseWechatXml(message('<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[天气怎么样]]></Recognition><MsgId>7</MsgId>'))).toMatchObject({
      kind: 'voice',
      recognition: '天气怎么样',
    });
    expect(parseWechatXml(message('<MsgType>voice</MsgType><MediaId>m</MediaId><MsgId>7</MsgId>'))).not.toHaveProperty('recognition');
    expect(parseWechatXml(message('<MsgType>image</MsgType><PicUrl>http://x</PicUrl><MediaId>m</MediaId><MsgId>8</MsgId>'))).toMatchObject({ kind: 'other', msgType: 'image', msgId: '8' });
  });

  test('malformed XML, a DOCTYPE, a missing or repeated field, a bad MsgId → INVALID_XML naming the problem', () => {
    expect(invalid('<xml><ToUserName>a</FromUserName></xml>').message).toMatch(/not well-formed/);
    expect(invalid('not xml at all <').message).toMatch(/not well-formed/);
    expect(invalid('<xml><a>').message).toBe('The body is not well-formed XML: tags left open: <xml>, <a>.');
    expect(invalid('').message).toBe('The body is not well-formed XML: Start tag expected.');
    expect(invalid('<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>').message).toMatch(/DOCTYPE/);
    expect(invalid('<other/>').message).toMatch(/must be a WeChat message/);
    expect(invalid(message('<MsgType>text</MsgType><MsgId>1</MsgId>')).context.field).toBe('Content');
    expect(invalid(message('<MsgType>text</MsgType><Content>a</Content><Content>b</Content><MsgId>1</MsgId>')).message).toMatch(/once/);
    expect(invalid(message('<MsgType>text</MsgType><Content>a</Content><MsgId>12a</MsgId>')).context.field).toBe('MsgId');
  });

  test('a passive reply swaps sender and receiver and round-trips any text, "]]>" and emoji included', () => {
    const text = `${'长'.repeat(600)} 🍉🧃 ]]> <xml> &amp; end`;
    const xml = passiveTextXml({ toUserName: 'gh_account', fromUserName: 'oUser1' }, text, new Date(1764662400_000));
    const read = new XMLParser({ parseTagValue: false, trimValues: false }).parse(xml) as { xml: Record<string, string> };
    expect(read.xml).toEqual({ ToUserName: 'oUser1', FromUserName: 'gh_account', CreateTime: '1764662400', MsgType: 'text', Content: text });
  });
});
