import { createHash } from 'node:crypto';
import { ChannelError } from '../channel.error';
import { verifyWechatSignature, wechatSignature } from './wechat.signature';

const token = 'parleyToken42';
const now = new Date('2026-12-02T08:00:00Z');
const ts = String(now.getTime() / 1000);
const signed = (timestamp = ts, nonce = '1838294') => ({ signature: wechatSignature(token, timestamp, nonce), timestamp, nonce });

function refusal(query: Record<string, string | undefined>, at = now): string {
  try {
    verifyWechatSignature(token, query, at);
  } catch (error) {
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).code).toBe('SIGNATURE_INVALID');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('WeChat signature', () => {
  test("is the SHA-1 of token, timestamp and nonce sorted as strings (WeChat's documented algorithm)", () => {
    // Sorted: '1409304348' < 'xxxxxx' < 'ztoken' (computed independently here).
    const expected = createHash('sha1').update('1409304348xxxxxxztoken').digest('hex');
    expect(wechatSignature('ztoken', '1409304348', 'xxxxxx')).toBe(expected);
  });

  test('a right signature within 5 minutes is accepted', () => {
    expect(() => verifyWechatSignature(token, signed(), now)).not.toThrow();
    expect(() => verifyWechatSignature(token, signed(String(Number(ts) - 299)), now)).not.toThrow();
  });

  test('a wrong signature, another token, a changed nonce or a missing field is refused', () => {
    expect(refusal({ ...signed(), signature: 'f'.repeat(40) })).toMatch(/does not match/);
    expect(refusal({ ...signed(), signature: wechatSignature('otherToken', ts, '1838294') })).toMatch(/does not match/);
    expect(refusal({ ...signed(), nonce: '1838295' })).toMatch(/does not match/);
    expect(refusal({ ...signed(), signature: 'short' })).toMatch(/does not match/);
    expect(refusal({ timestamp: ts, nonce: '1' })).toMatch(/Missing signature/);
  });

  test('a stale (or future) timestamp is refused even when signed right: no replays', () => {
    expect(refusal(signed(String(Number(ts) - 301)))).toMatch(/more than 300 s/);
    expect(refusal(signed(String(Number(ts) + 301)))).toMatch(/more than 300 s/);
    expect(refusal(signed('not-a-number'))).toMatch(/Unix seconds/);
  });
});
