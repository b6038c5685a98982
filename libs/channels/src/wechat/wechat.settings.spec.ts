import { SettingsReader } from '../settings/settings.reader';
import { readWechatSettings } from './wechat.settings';

const env = { WECHAT_APP_SECRET: 's3cret-s3cret', WECHAT_TOKEN: 'parleyToken42' };
const good = { appId: 'wx0123456789abcdef', appSecret: '${WECHAT_APP_SECRET}', token: '${WECHAT_TOKEN}' };

function read(values: Record<string, unknown>, vars: Record<string, string> = env) {
  const reader = new SettingsReader(values, 'juice.wechat', vars);
  const settings = readWechatSettings(reader);
  reader.done();
  return { settings, problems: reader.problems };
}

describe('WeChat settings', () => {
  test('AppID, AppSecret and Token are enough (secrets from the environment); the rest has defaults', () => {
    const { settings, problems } = read(good);
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      appId: 'wx0123456789abcdef',
      appSecret: 's3cret-s3cret',
      token: 'parleyToken42',
      apiBaseUrl: 'https://api.weixin.qq.com',
      passiveReplyWindowMs: 4500,
      choiceStyle: 'links',
      unsupportedText: expect.any(String),
    });
    expect(read({ ...good, apiBaseUrl: 'http://127.0.0.1:9000/', passiveReplyWindowMs: 200, choiceStyle: 'list' }).settings).toMatchObject({
      apiBaseUrl: 'http://127.0.0.1:9000',
      passiveReplyWindowMs: 200,
      choiceStyle: 'list',
    });
  });

  test('every problem is named, with where it is: a missing variable, a bad token, a window past 5 s, an unknown key', () => {
    const { problems } = read({ ...good, token: 'a b', passiveReplyWindowMs: 6000, colour: 'red' }, { WECHAT_TOKEN: 'x' });
    expect(problems).toEqual([
      expect.stringMatching(/^juice\.wechat\.appSecret needs the environment variable WECHAT_APP_SECRET/),
      expect.stringMatching(/^juice\.wechat\.token does not look right: expected 3 to 32 letters or digits/),
      expect.stringMatching(/^juice\.wechat\.passiveReplyWindowMs must be an integer from 0 to 4900/),
      expect.stringMatching(/^juice\.wechat\.colour is not a setting of this channel/),
    ]);
  });

  test('an EncodingAESKey (compatible and safe modes) is 43 letters and digits', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    expect(read({ ...good, encodingAESKey: '${WECHAT_AES_KEY}' }, { ...env, WECHAT_AES_KEY: key }).settings.encodingAESKey).toBe(key);
    expect(read(good).settings).not.toHaveProperty('encodingAESKey');
    expect(read({ ...good, encodingAESKey: 'short' }).problems).toEqual([expect.stringMatching(/^juice\.wechat\.encodingAESKey does not look right: expected .*43 letters and digits/)]);
  });
});
