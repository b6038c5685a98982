import { DeliveryError } from '../channel.adapter';
import { FakeWechat } from '../../../../test/helpers/fake-wechat';
import { WechatApi } from './wechat.api';

let wechat: FakeWechat;
let baseUrl: string;
let clock = 0;
const api = (secret = wechat.appSecret) => new WechatApi({ appId: wechat.appId, appSecret: secret, apiBaseUrl: baseUrl, now: () => new Date(clock) });

beforeEach(async () => {
  wechat = new FakeWechat();
  baseUrl = await wechat.start();
  clock = 1_000_000;
});
afterEach(() => wechat.stop());

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('WeChat API client (against a local imitation)', () => {
  test('one token for many sends, fetched once for concurrent senders, renewed before it expires', async () => {
    const client = api();
    await Promise.all(['a', 'b', 'c'].map((text) => client.sendText('oUser', text)));
    expect(wechat.tokensIssued).toBe(1);
    expect(wechat.textsTo('oUser').sort()).toEqual(['a', 'b', 'c']);
    clock += (7200 - 301) * 1000; // still more than 5 minutes left
    await client.sendText('oUser', 'd');
    expect(wechat.tokensIssued).toBe(1);
    clock += 2000; // within 5 minutes of expiry: renewed
    await client.sendText('oUser', 'e');
    expect(wechat.tokensIssued).toBe(2);
  });

  test('errcode 40001 (token revoked) → a new token and the send again, once', async () => {
    const client = api();
    await client.sendText('oUser', 'first');
    wechat.revokeTokens();
    await client.sendText('oUser', 'second');
    expect(wechat.tokensIssued).toBe(2);
    expect(wechat.textsTo('oUser')).toEqual(['first', 'second']);
    expect(wechat.log.filter((l) => l.kind === 'send').map((l) => l.errcode)).toEqual([0, 40001, 0]);
  });

  test('busy (-1), rate limits (45047) and HTTP errors are retryable; unsubscribed (43004) and 48 h passed (45015) are not', async () => {
    const client = api();
    wechat.answers.push({ errcode: -1, errmsg: 'system error' });
    expect((await failure(client.sendText('oUser', 'x'))).permanent).toBe(false);
    wechat.answers.push({ errcode: 45047, errmsg: 'out of response count limit' });
    expect((await failure(client.sendText('oUser', 'x'))).permanent).toBe(false);
    wechat.answers.push({ status: 503 });
    const down = await failure(client.sendText('oUser', 'x'));
    expect(down).toMatchObject({ permanent: false, status: 503 });
    wechat.answers.push({ errcode: 43004, errmsg: 'require subscribe' });
    const gone = await failure(client.sendText('oUser', 'x'));
    expect(gone.permanent).toBe(true);
    expect(gone.message).toMatch(/43004/);
    wechat.answers.push({ errcode: 45015, errmsg: 'response out of time limit' });
    expect((await failure(client.sendText('oUser', 'x'))).permanent).toBe(true);
    expect(wechat.sent).toEqual([]);
  });

  test('a wrong AppSecret says so, without putting the secret or the token in the message', async () => {
    const error = await failure(api('wrong-secret').sendText('oUser', 'x'));
    expect(error.message).toMatch(/40125.*appSecret is not valid/);
    expect(error.message).not.toMatch(/wrong-secret/);
  });

  test('nothing listening → a retryable failure naming the endpoint', async () => {
    await wechat.stop();
    const error = await failure(api().sendText('oUser', 'x'));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/\/cgi-bin\/token did not answer/);
  });
});
