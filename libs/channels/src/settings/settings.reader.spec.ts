import { SettingsReader } from './settings.reader';

describe('SettingsReader', () => {
  const read = (values: Record<string, unknown>, env: Record<string, string> = {}) => new SettingsReader(values, 'bot.chan', env);

  test('resolves ${NAME} inside a value and collects every problem, each naming its setting', () => {
    const reader = read(
      { url: 'https://${HOST}/api', mode: 'loud', retries: '${RETRIES}', size: 0, token: '${MISSING}', extra: 1 },
      { HOST: 'example.test', RETRIES: '3' },
    );
    expect(reader.url('url', 'https://default')).toBe('https://example.test/api');
    expect(reader.oneOf('mode', ['quiet', 'normal'] as const, 'normal')).toBe('normal');
    expect(reader.integer('retries', 1, 0, 10)).toBe(3);
    expect(reader.integer('size', 5, 1, 10)).toBe(5);
    expect(reader.secret('token')).toBe('');
    reader.done();
    expect(reader.problems).toEqual([
      'bot.chan.mode must be one of quiet, normal (got "loud")',
      'bot.chan.size must be an integer from 1 to 10 (got 0)',
      'bot.chan.token needs the environment variable MISSING, which is not set (set it, or disable the channel with enabled: false)',
      'bot.chan.extra is not a setting of this channel (known: url, mode, retries, size, token)',
    ]);
  });

  test('an absent optional setting takes its default; `enabled` is always known', () => {
    const reader = read({ enabled: true });
    expect(reader.string('greeting', 'hi')).toBe('hi');
    expect(reader.integer('n', 7, 0, 9)).toBe(7);
    reader.done();
    expect(reader.problems).toEqual([]);
  });

  test('a ${…} that cannot be a variable name is refused', () => {
    const reader = read({ token: '${not a name}' });
    reader.secret('token');
    expect(reader.problems[0]).toMatch(/names an environment variable that cannot exist: \$\{not a name\}/);
  });
});
