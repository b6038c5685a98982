import { ChannelError } from '../channel.error';
import { WechatCrypto } from './wechat.crypto';

// The test vector of WeChat's own sample code (WXBizMsgCryptTest): key, AppID, the 16 "random" bytes and the result.
const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const appId = 'wxb11529c136998cb6';
const random = Buffer.from('aaaabbbbccccdddd', 'utf8');
const sample = { plain: '我是中文abcd123', encrypted: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==' };

describe('WeChat message encryption (compatible and safe modes)', () => {
  const crypto = new WechatCrypto(encodingAESKey, appId, 'pamtest');

  test("encrypts and decrypts WeChat's sample exactly", () => {
    expect(crypto.encrypt(sample.plain, random)).toBe(sample.encrypted);
    expect(crypto.decrypt(sample.encrypted)).toBe(sample.plain);
  });

  test('any message round-trips (emoji, XML, lengths across block boundaries)', () => {
    for (const n of [0, 1, 15, 16, 31, 32, 33, 1000]) {
      const message = `<xml><Content><![CDATA[${'🍊'.repeat(n)}]]></Content></xml>`;
      expect(crypto.decrypt(crypto.encrypt(message))).toBe(message);
    }
  });

  test('a message for another AppID, or not made with this key, is refused', () => {
    const other = new WechatCrypto(encodingAESKey, 'wxotherappid000000', 'pamtest');
    expect(() => crypto.decrypt(other.encrypt('hi'))).toThrow(/not for this account's AppID/);
    const otherKey = new WechatCrypto('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg', appId, 'pamtest');
    expect(() => crypto.decrypt(otherKey.encrypt('hi'))).toThrow(ChannelError);
    expect(() => crypto.decrypt('not base64 at all')).toThrow(ChannelError);
  });

  test('msg_signature: the SHA-1 of token, timestamp, nonce and Encrypt, sorted; a wrong one is refused', () => {
    const encrypted = crypto.encrypt('hi');
    const msg_signature = crypto.signature('1409304348', 'xxxxxx', encrypted);
    expect(() => crypto.verify({ msg_signature, timestamp: '1409304348', nonce: 'xxxxxx' }, encrypted)).not.toThrow();
    expect(() => crypto.verify({ msg_signature, timestamp: '1409304348', nonce: 'yyyyyy' }, encrypted)).toThrow(/msg_signature/);
    expect(() => crypto.verify({ timestamp: '1409304348', nonce: 'xxxxxx' }, encrypted)).toThrow(/msg_signature/);
  });
});
