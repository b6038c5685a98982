import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { ChannelError } from '../channel.error';

/** What every message and event WeChat pushes carries. */
interface WechatEnvelope {
  /** The account's original id (`gh_…`): the sender of a passive reply. */
  toUserName: string;
  /** The user's OpenID. */
  fromUserName: string;
  /** Unix seconds. */
  createTime: string;
}

/** A message or event pushed by WeChat (decrypted, in the encrypted modes), as far as Parley reads it. */
export type WechatInbound = WechatEnvelope &
  (
    | { kind: 'text'; msgId: string; content: string }
    /** A voice message; `recognition` is WeChat's transcript when speech recognition is on for the account. */
    | { kind: 'voice'; msgId: string; recognition?: string }
    | { kind: 'event'; event: string; eventKey?: string }
    /** A picture, video, location, link…: answered with the channel's fallback text. */
    | { kind: 'other'; msgType: string; msgId?: string }
  );

const parser = new XMLParser({
  // Every value stays a string: a MsgId is a 64-bit number that a JavaScript number would round.
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: false,
  processEntities: true,
});
const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false });

const invalid = (message: string, field?: string) => new ChannelError('INVALID_XML', message, { channel: 'wechat', field });

/** Why `text` is not well-formed XML Parley accepts (undefined when it is). A DOCTYPE is refused: WeChat sends none, and its entities could expand without bound. */
export function xmlProblem(text: string): string | undefined {
  if (/<!DOCTYPE/i.test(text)) return 'a DOCTYPE is not accepted';
  const result = XMLValidator.validate(text);
  if (result === true) return undefined;
  const { line, col } = result.err;
  const msg = result.err.msg.replace(/\.$/, '');
  // fast-xml-parser reports tags never closed as `Invalid '[ "xml", "a"]' found.`: say it plainly.
  const open = /^Invalid '(\[[^']*\])' found$/.exec(msg);
  const names = open ? openTags(open[1]!) : undefined;
  if (names) return `tags left open: ${names.map((name) => `<${name}>`).join(', ')}`;
  return col === undefined ? msg : `${msg} (line ${line}, column ${col})`;
}

/** The tag names of fast-xml-parser's list of unclosed tags (a JSON array), or undefined if it is not one. */
function openTags(list: string): string[] | undefined {
  try {
    const names: unknown = JSON.parse(list);
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Read a request body WeChat pushed. Malformed XML or a missing field → INVALID_XML (400). */
export function parseWechatXml(body: Buffer | string): WechatInbound {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const problem = xmlProblem(text);
  if (problem) throw invalid(`The body is not well-formed XML: ${problem}.`);
  const root = (parser.parse(text) as { xml?: unknown }).xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw invalid('The body must be a WeChat message: <xml><ToUserName>…</ToUserName>…</xml>.');
  const fields = root as Record<string, unknown>;
  const field = (name: string, required: boolean): string | undefined => {
    const value = fields[name];
    if (value === undefined) {
      if (required) throw invalid(`<${name}> is missing.`, name);
      return undefined;
    }
    if (typeof value !== 'string') throw invalid(`<${name}> must appear once, as text.`, name);
    return value;
  };
  const envelope: WechatEnvelope = {
    toUserName: field('ToUserName', true)!,
    fromUserName: field('FromUserName', true)!,
    createTime: field('CreateTime', true)!,
  };
  if (!/^\d{1,12}$/.test(envelope.createTime)) throw invalid('<CreateTime> must be Unix seconds.', 'CreateTime');
  if (envelope.fromUserName === '') throw invalid('<FromUserName> is empty.', 'FromUserName');
  const msgType = field('MsgType', true)!;
  if (msgType === 'event') {
    const eventKey = field('EventKey', false);
    return { ...envelope, kind: 'event', event: field('Event', true)!, ...(eventKey ? { eventKey } : {}) };
  }
  const msgId = field('MsgId', msgType === 'text' || msgType === 'voice');
  if (msgId !== undefined && !/^\d{1,20}$/.test(msgId)) throw invalid('<MsgId> must be a number.', 'MsgId');
  if (msgType === 'text') return { ...envelope, kind: 'text', msgId: msgId!, content: field('Content', true)! };
  if (msgType === 'voice') {
    const recognition = field('Recognition', false)?.trim();
    return { ...envelope, kind: 'voice', msgId: msgId!, ...(recognition ? { recognition } : {}) };
  }
  return { ...envelope, kind: 'other', msgType, ...(msgId ? { msgId } : {}) };
}

/** The `Encrypt` field of a message sent in an encrypted mode (the rest of the envelope is not trusted). */
export function readEncrypt(body: Buffer | string): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const problem = xmlProblem(text);
  if (problem) throw invalid(`The body is not well-formed XML: ${problem}.`);
  const encrypt = ((parser.parse(text) as { xml?: { Encrypt?: unknown } }).xml ?? {}).Encrypt;
  if (typeof encrypt !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(encrypt)) throw invalid('<Encrypt> is missing or not base64 (encrypt_type=aes).', 'Encrypt');
  return encrypt;
}

/** The answer in an encrypted mode: the encrypted passive reply and its signature. */
export function encryptedReplyXml(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return builder.build({
    xml: { Encrypt: { '#cdata': encrypt }, MsgSignature: { '#cdata': signature }, TimeStamp: timestamp, Nonce: { '#cdata': nonce } },
  });
}

/**
 * A passive text reply: the XML WeChat takes as the answer to the message it pushed (sender and receiver swapped).
 * Text goes in CDATA (split where it contains `]]>`), so any character, emoji included, goes through as is.
 */
export function passiveTextXml(inbound: { toUserName: string; fromUserName: string }, text: string, now: Date): string {
  return builder.build({
    xml: {
      ToUserName: { '#cdata': inbound.fromUserName },
      FromUserName: { '#cdata': inbound.toUserName },
      CreateTime: Math.floor(now.getTime() / 1000),
      MsgType: { '#cdata': 'text' },
      Content: { '#cdata': text },
    },
  });
}
