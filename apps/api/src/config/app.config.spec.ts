import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from './app.config';

describe('loadConfig', () => {
  test('WORKERS: one per core on PostgreSQL, one on the embedded database, which cannot have more', () => {
    const url = 'postgres://app@db:5432/parley';
    expect(loadConfig({ DATABASE_URL: url }).workers).toBe(availableParallelism());
    expect(loadConfig({ DATABASE_URL: url, WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({}).workers).toBe(1);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/WORKERS=2 needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: url, WORKERS: '0' })).toThrow(ConfigError);
  });

  test('CACHE_MAX_MB: 64 by default, 0 for no cache', () => {
    expect(loadConfig({}).cacheMaxMb).toBe(64);
    expect(loadConfig({ CACHE_MAX_MB: '0' }).cacheMaxMb).toBe(0);
    expect(() => loadConfig({ CACHE_MAX_MB: '-1' })).toThrow(/CACHE_MAX_MB/);
  });

  test('IDENTITY_CACHE_MS: 2000 by default, 0 to resolve every time', () => {
    expect(loadConfig({}).identityCacheMs).toBe(2000);
    expect(loadConfig({ IDENTITY_CACHE_MS: '0' }).identityCacheMs).toBe(0);
    expect(() => loadConfig({ IDENTITY_CACHE_MS: 'soon' })).toThrow(/IDENTITY_CACHE_MS/);
  });

  test('BRAINS: a URL, or a URL and a timeout bounded by the turn time limit', () => {
    expect(loadConfig({}).brains).toEqual({});
    const config = loadConfig({
      TURN_TIME_LIMIT_MS: '5000',
      BRAINS: JSON.stringify({ faq: 'http://127.0.0.1:4010/', legacy: { url: 'https://bot.example/api', timeoutMs: 1200 } }),
    });
    expect(config.brains).toEqual({
      faq: { url: 'http://127.0.0.1:4010/', timeoutMs: 3000 },
      legacy: { url: 'https://bot.example/api', timeoutMs: 1200 },
    });
    expect(loadConfig({ TURN_TIME_LIMIT_MS: '1000', BRAINS: '{"faq": "http://127.0.0.1:1/"}' }).brains.faq?.timeoutMs).toBe(1000);
  });

  test.each([
    ['not json', 'BRAINS must be a JSON object'],
    ['{"Faq": "http://x/"}', "'Faq' is not a brain name"],
    ['{"faq": "ftp://x/"}', "the url of 'faq' must be an http:// or https:// URL"],
    ['{"faq": {"url": "http://x/", "timeoutMs": 60000}}', "the timeoutMs of 'faq' must be an integer from 10 to TURN_TIME_LIMIT_MS (10000)"],
    ['{"faq": {"url": "http://x/", "timeout": 100}}', "'faq' has unknown field(s) timeout"],
  ])('BRAINS %s is refused at start-up: %s', (raw, message) => {
    expect(() => loadConfig({ BRAINS: raw })).toThrow(expect.objectContaining({ message: expect.stringContaining(message) }));
  });

  test('defaults: port 3000, embedded database in ./.parley, a generated admin token', () => {
    const config = loadConfig({}, '/srv/parley');
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, dataDir: '/srv/parley/.parley', databaseSchema: 'public' });
    expect(config.adminTokenGenerated).toBe(true);
    expect(config.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('reads PORT, DATABASE_URL and ADMIN_TOKEN', () => {
    const config = loadConfig({ PORT: '0', DATABASE_URL: 'postgres://app@db:5432/parley', ADMIN_TOKEN: 'a-long-enough-token' });
    expect(config).toMatchObject({ port: 0, databaseUrl: 'postgres://app@db:5432/parley', adminToken: 'a-long-enough-token', adminTokenGenerated: false });
  });

  test('HTTP limits, the connect timeout and REST secrets have defaults and can be set', () => {
    expect(loadConfig({})).toMatchObject({
      httpRequestTimeoutMs: 10_000,
      httpIdleTimeoutMs: 60_000,
      httpKeepAliveTimeoutMs: 5_000,
      httpMaxConnections: 1024,
      dbConnectTimeoutMs: 5000,
      embeddedIdleInTransactionMs: 60_000,
      embeddedSharedBuffersMb: 32,
      restChannelSecrets: {},
    });
    const config = loadConfig({
      HTTP_REQUEST_TIMEOUT_MS: '2000',
      HTTP_MAX_CONNECTIONS: '50',
      DB_CONNECT_TIMEOUT_MS: '800',
      EMBEDDED_SHARED_BUFFERS_MB: '128',
      REST_CHANNEL_SECRETS: '{"juice":"0123456789abcdef"}',
    });
    expect(config).toMatchObject({ httpRequestTimeoutMs: 2000, httpMaxConnections: 50, dbConnectTimeoutMs: 800, embeddedSharedBuffersMb: 128 });
    expect(config.restChannelSecrets).toEqual({ juice: '0123456789abcdef' });
  });

  test('the web chat: every bot, a secret generated later, embeddable anywhere; or as configured', () => {
    expect(loadConfig({})).toMatchObject({ webchatSecret: undefined, webchatBots: undefined, webchatFrameAncestors: '*' });
    const config = loadConfig({
      WEBCHAT_SECRET: 'x'.repeat(32),
      WEBCHAT_BOTS: 'juice, pizza',
      WEBCHAT_FRAME_ANCESTORS: "'self' https://shop.example",
    });
    expect(config).toMatchObject({ webchatSecret: 'x'.repeat(32), webchatBots: ['juice', 'pizza'], webchatFrameAncestors: "'self' https://shop.example" });
    expect(loadConfig({ WEBCHAT_BOTS: 'none' }).webchatBots).toEqual([]);
  });

  test.each([
    [{ REST_CHANNEL_SECRETS: 'juice=secret' }, /REST_CHANNEL_SECRETS must be a JSON object/],
    [{ REST_CHANNEL_SECRETS: '{"juice":"short"}' }, /secret of 'juice' must be a string of at least 16/],
    [{ TURN_TIME_LIMIT_MS: '90000' }, /HTTP_IDLE_TIMEOUT_MS \(60000\) must be longer than TURN_TIME_LIMIT_MS/],
    [{ TURN_TIME_LIMIT_MS: '20000', EMBEDDED_IDLE_IN_TRANSACTION_MS: '15000' }, /EMBEDDED_IDLE_IN_TRANSACTION_MS/],
    [{ HTTP_MAX_CONNECTIONS: '0' }, /HTTP_MAX_CONNECTIONS must be an integer/],
    [{ EMBEDDED_SHARED_BUFFERS_MB: '0' }, /EMBEDDED_SHARED_BUFFERS_MB must be an integer/],
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /must start with postgres/],
    [{ DATABASE_URL: 'postgres://127.0.0.1/test' }, /needs a user name/],
    [{ ADMIN_TOKEN: 'short' }, /at least 16/],
    [{ DATABASE_SCHEMA: 'Robert"); drop' }, /DATABASE_SCHEMA/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ WEBCHAT_SECRET: 'too-short' }, /WEBCHAT_SECRET must be at least 32/],
    [{ WEBCHAT_BOTS: 'juice, pizza shop' }, /WEBCHAT_BOTS must list bot ids/],
    [{ WEBCHAT_FRAME_ANCESTORS: "'self'; script-src *" }, /WEBCHAT_FRAME_ANCESTORS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
