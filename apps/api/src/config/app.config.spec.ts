import { ConfigError, loadConfig } from './app.config';

describe('loadConfig', () => {
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

  test.each([
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /must start with postgres/],
    [{ DATABASE_URL: 'postgres://127.0.0.1/test' }, /needs a user name/],
    [{ ADMIN_TOKEN: 'short' }, /at least 16/],
    [{ DATABASE_SCHEMA: 'Robert"); drop' }, /DATABASE_SCHEMA/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
