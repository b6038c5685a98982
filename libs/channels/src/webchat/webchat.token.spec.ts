import { createHmac } from 'node:crypto';
import { ChannelError } from '../channel.error';
import { bearerToken, newWebchatUserId, signWebchatToken, verifyWebchatToken } from './webchat.token';

const secret = 'a-web-chat-secret-of-at-least-32-chars';
const userId = 'wc_AAAAAAAAAAAAAAAAAAAAAA';

function refusal(run: () => unknown): ChannelError {
  try {
    run();
  } catch (error) {
    if (error instanceof ChannelError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('web chat tokens', () => {
  test('a token is v1.<userId>.<base64url HMAC-SHA256 of the bot and the user>, and verifies to its user', () => {
    const token = signWebchatToken(secret, 'juice', userId);
    const expected = createHmac('sha256', secret).update(`parley-webchat.v1\njuice\n${userId}`).digest('base64url');
    expect(token).toBe(`v1.${userId}.${expected}`);
    expect(verifyWebchatToken(secret, 'juice', token)).toBe(userId);
  });

  test('new user ids are random and 128 bits long', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newWebchatUserId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^wc_[A-Za-z0-9_-]{22}$/);
    const id = [...ids][0]!;
    expect(verifyWebchatToken(secret, 'pizza', signWebchatToken(secret, 'pizza', id))).toBe(id);
  });

  const token = signWebchatToken(secret, 'juice', userId);
  const [, , signature] = token.split('.');
  const otherUser = 'wc_BBBBBBBBBBBBBBBBBBBBBB';
  test.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['another user with this signature (a forged user id)', `v1.${otherUser}.${signature}`],
    ['a signature made with another secret', signWebchatToken('another-secret-of-at-least-32-chars!!', 'juice', userId)],
    ["another bot's token", signWebchatToken(secret, 'pizza', userId)],
    ['one character of the signature changed', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')],
    ['a truncated signature', token.slice(0, -2)],
    ['an unknown version', token.replace(/^v1/, 'v2')],
    ['an extra part', `${token}.x`],
    ['a user id the server does not issue', `v1.alice.${signature}`],
    ['garbage', 'not a token at all'],
  ])('refused with SIGNATURE_INVALID: %s', (_name, given) => {
    const error = refusal(() => verifyWebchatToken(secret, 'juice', given));
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.message).toMatch(/POST \/webchat\/<botId>\/session/);
  });

  test('only ids the server issues are signed', () => {
    expect(() => signWebchatToken(secret, 'juice', 'alice')).toThrow(/Not a web chat user id/);
  });

  test('the bearer token of an Authorization header', () => {
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer  ${token} `)).toBe(token);
    expect(bearerToken([`Bearer ${token}`])).toBe(token);
    expect(bearerToken(token)).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
