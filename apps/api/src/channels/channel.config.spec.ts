import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/app.config';

const TELEGRAM_TOKEN = '123456789:AAH-telegram-token-for-tests_0123';
const SECRET = 'telegram-secret-token-0123456789';
const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijkl', SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5' };

function channelsFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-channels-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(file, yaml);
  return file;
}

const BOTH = `
juice:
  telegram: { botToken: \${TELEGRAM_BOT_TOKEN}, secretToken: \${TELEGRAM_SECRET_TOKEN}, apiBaseUrl: http://127.0.0.1:9/ }
  slack: { botToken: \${SLACK_BOT_TOKEN}, signingSecret: \${SLACK_SIGNING_SECRET} }
`;

function loadConfigError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('the channels file (CHANNELS_FILE)', () => {
  test('enables each bot\'s channels with ${NAME} read from the environment', () => {
    const config = loadConfig({ CHANNELS_FILE: channelsFile(BOTH), TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN: SECRET, ...SLACK });
    expect(config.channels.map((c) => [c.botId, c.channel])).toEqual([
      ['juice', 'telegram'],
      ['juice', 'slack'],
    ]);
    expect(config.channels[0]!.settings).toMatchObject({ botToken: TELEGRAM_TOKEN, secretToken: SECRET, apiBaseUrl: 'http://127.0.0.1:9' });
    expect(config.channels[1]!.settings).toMatchObject({ botToken: SLACK.SLACK_BOT_TOKEN, apiBaseUrl: 'https://slack.com/api' });
  });

  test("a variable's value is taken as it is: a '#' or ', ' in a secret does not change the file", () => {
    const file = channelsFile('juice:\n  slack: { botToken: ${SLACK_BOT_TOKEN}, signingSecret: "${PART}${PART}" } # comment ${NOT_READ}\n');
    const config = loadConfig({ CHANNELS_FILE: file, SLACK_BOT_TOKEN: SLACK.SLACK_BOT_TOKEN, PART: 'abcdefgh12345678' });
    expect(config.channels[0]!.settings).toMatchObject({ signingSecret: 'abcdefgh12345678abcdefgh12345678' });
    const hostile = loadConfigError({ CHANNELS_FILE: file, SLACK_BOT_TOKEN: 'xoxb-1-2, enabled: false #', PART: 'abcdefgh12345678' });
    expect(hostile).toMatch(/juice\.slack\.botToken does not look right/);
  });

  test('no CHANNELS_FILE: no platform channels', () => {
    expect(loadConfig({}).channels).toEqual([]);
  });

  test('an enabled channel whose secret is not set stops start-up with the variable\'s name', () => {
    const file = channelsFile(BOTH);
    const env = { CHANNELS_FILE: file, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, ...SLACK };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/juice\.telegram\.secretToken needs the environment variable TELEGRAM_SECRET_TOKEN, which is not set/);
  });

  test('a disabled channel needs none of its variables', () => {
    const file = channelsFile(`juice:\n  telegram: { enabled: false, botToken: \${TELEGRAM_BOT_TOKEN}, secretToken: \${NOPE} }\n  slack: { botToken: \${SLACK_BOT_TOKEN}, signingSecret: \${SLACK_SIGNING_SECRET} }\n`);
    expect(loadConfig({ CHANNELS_FILE: file, ...SLACK }).channels.map((c) => c.channel)).toEqual(['slack']);
  });

  test.each([
    ['juice:\n  whatsapp: { token: x }\n', /juice\.whatsapp: unknown channel 'whatsapp' \(known: telegram, slack/],
    [`juice:\n  telegram: { botToken: ${TELEGRAM_TOKEN}, secretToken: ${SECRET}, sekretToken: x }\n`, /juice\.telegram\.sekretToken is not a setting of this channel \(known: botToken, secretToken/],
    [`juice:\n  telegram: { secretToken: ${SECRET} }\n`, /juice\.telegram\.botToken is required \(e\.g\. botToken: \$\{TELEGRAM_BOT_TOKEN\}\)/],
    [`juice:\n  telegram: { botToken: not-a-token, secretToken: ${SECRET} }\n`, /juice\.telegram\.botToken does not look right/],
    [`juice:\n  telegram: { botToken: ${TELEGRAM_TOKEN}, secretToken: short }\n`, /juice\.telegram\.secretToken does not look right: expected 16 to 256/],
    [`juice:\n  telegram: { botToken: ${TELEGRAM_TOKEN}, secretToken: ${SECRET}, apiBaseUrl: ftp://x }\n`, /apiBaseUrl must be an http\(s\) URL/],
    [`juice:\n  telegram: { botToken: ${TELEGRAM_TOKEN}, secretToken: ${SECRET}, enabled: maybe }\n`, /juice\.telegram\.enabled must be true or false/],
    [`juice:\n  slack: { botToken: [a, b], signingSecret: x }\n`, /juice\.slack\.botToken must be a string \(got a list\)/],
    ['juice: [telegram]\n', /juice must map channel names to settings/],
    ['- juice\n', /must map bot ids to their channels/],
    ['juice:\n  telegram: { botToken: "\n', /is not valid YAML/],
  ])('refuses %j', (yaml, message) => {
    const env = { CHANNELS_FILE: channelsFile(yaml) };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('a file that does not exist is named', () => {
    expect(() => loadConfig({ CHANNELS_FILE: '/nowhere/channels.yaml' })).toThrow(/CHANNELS_FILE \/nowhere\/channels\.yaml does not exist/);
  });

  test('every problem is listed at once', () => {
    const file = channelsFile('juice:\n  telegram: { botToken: ${A}, secretToken: ${B} }\n  slack: { botToken: ${C} }\n');
    let message = '';
    try {
      loadConfig({ CHANNELS_FILE: file });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['A', 'B', 'C']) expect(message).toContain(`the environment variable ${name},`);
    expect(message).toContain('juice.slack.signingSecret is required');
  });
});
