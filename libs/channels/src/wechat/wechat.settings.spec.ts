import { wechatSettings, WechatSettingsError } from './wechat.settings';

const good = { appId: 'wx0123456789abcdef', appSecret: 's3cret-s3cret', token: 'parleyToken42' };

function problems(raw: unknown): string {
  try {
    wechatSettings(raw, 'bots.juice.wechat');
  } catch (error) {
    expect(error).toBeInstanceOf(WechatSettingsError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('WeChat settings', () => {
  test('the three secrets are enough; the rest has defaults', () => {
    expect(wechatSettings(good)).toEqual({
      ...good,
      apiBaseUrl: 'https://api.weixin.qq.com',
      passiveReplyWindowMs: 4500,
      choiceStyle: 'links',
      unsupportedText: expect.any(String),
    });
    expect(wechatSettings({ ...good, apiBaseUrl: 'http://127.0.0.1:9000/', passiveReplyWindowMs: 200 })).toMatchObject({
      apiBaseUrl: 'http://127.0.0.1:9000',
      passiveReplyWindowMs: 200,
    });
  });

  test('every problem is named at once, with where it is', () => {
    const message = problems({ appId: 'wx1', token: 'a b', passiveReplyWindowMs: 6000, colour: 'red' });
    expect(message).toMatch(/^bots\.juice\.wechat: /);
    expect(message).toMatch(/appSecret .*\(missing\)/);
    expect(message).toMatch(/token must be 3 to 32 letters or digits/);
    expect(message).toMatch(/passiveReplyWindowMs must be an integer from 0 to 4900/);
    expect(message).toMatch(/unknown setting 'colour'/);
    expect(problems('x')).toMatch(/must be a mapping/);
  });

  test('the encrypted modes are refused with what to do', () => {
    expect(problems({ ...good, encodingAESKey: 'k'.repeat(43) })).toMatch(/encrypted modes .* not supported yet: choose '明文模式'/);
    expect(problems({ ...good, encryption: 'safe' })).toMatch(/not supported yet/);
  });
});
