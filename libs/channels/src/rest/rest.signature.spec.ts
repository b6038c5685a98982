import { createHmac } from 'node:crypto';
import { ChannelError } from '../channel.error';
import { signRestRequest, verifyRestSignature } from './rest.signature';

const secret = 'a-shared-secret-of-32-characters';
const body = Buffer.from('{"userId":"u1","text":"hi"}');
const now = new Date('2026-12-01T10:00:00Z');
const at = Math.floor(now.getTime() / 1000);
const signed = (timestamp = at, signature = signRestRequest(secret, timestamp, body)) => ({
  'x-parley-timestamp': String(timestamp),
  'x-parley-signature': signature,
});

describe('REST request signatures', () => {
  test('the signature is HMAC-SHA256 of "<timestamp>.<body>", hex, after v1=', () => {
    const expected = createHmac('sha256', secret).update(`${at}.${body.toString()}`).digest('hex');
    expect(signRestRequest(secret, at, body)).toBe(`v1=${expected}`);
    expect(() => verifyRestSignature(secret, signed(), body, now)).not.toThrow();
  });

  test.each([
    ['no headers', {}],
    ['no signature', { 'x-parley-timestamp': String(at) }],
    ['a timestamp that is not a number', { ...signed(), 'x-parley-timestamp': 'yesterday' }],
    ['a timestamp 6 minutes old (a replay)', signed(at - 360)],
    ['a timestamp 6 minutes ahead', signed(at + 360)],
    ['another secret', signed(at, signRestRequest('another-secret-of-32-characters!', at, body))],
    ['a signature of another body', signed(at, signRestRequest(secret, at, '{"userId":"u2","text":"hi"}'))],
    ['a truncated signature', signed(at, signRestRequest(secret, at, body).slice(0, 20))],
  ])('refused: %s', (_name, headers) => {
    expect(() => verifyRestSignature(secret, headers as Record<string, string>, body, now)).toThrow(ChannelError);
    try {
      verifyRestSignature(secret, headers, body, now);
    } catch (error) {
      expect((error as ChannelError).code).toBe('SIGNATURE_INVALID');
    }
  });

  test('a timestamp within 5 minutes is fine', () => {
    expect(() => verifyRestSignature(secret, signed(at - 299), body, now)).not.toThrow();
  });
});
