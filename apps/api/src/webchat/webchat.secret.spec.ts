import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app.config';
import { WEBCHAT_SECRET_FILE, webchatSecret } from './webchat.secret';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'parley-webchat-secret-')), 'data');

describe('the web chat secret', () => {
  test('WEBCHAT_SECRET when set (nothing is written)', async () => {
    const dataDir = fresh();
    const config = loadConfig({ WEBCHAT_SECRET: 's'.repeat(40), PARLEY_DATA_DIR: dataDir });
    expect(await webchatSecret(config)).toEqual({ secret: 's'.repeat(40), generated: false });
    expect(() => statSync(dataDir)).toThrow();
  });

  test('else generated once in the data directory (mode 600) and the same at every start', async () => {
    const config = loadConfig({ PARLEY_DATA_DIR: fresh() });
    const first = await webchatSecret(config);
    expect(first.generated).toBe(true);
    expect(first.secret).toMatch(/^[\w-]{43}$/);
    const file = join(config.dataDir, WEBCHAT_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await webchatSecret(config)).toEqual({ secret: first.secret, generated: false });
  });

  test('processes starting at once agree on one secret', async () => {
    const config = loadConfig({ PARLEY_DATA_DIR: fresh() });
    const secrets = await Promise.all(Array.from({ length: 8 }, () => webchatSecret(config)));
    expect(new Set(secrets.map((s) => s.secret)).size).toBe(1);
    expect(readFileSync(join(config.dataDir, WEBCHAT_SECRET_FILE), 'utf8').trim()).toBe(secrets[0]!.secret);
  });

  test('a file without a usable secret stops the start, saying what to do', async () => {
    const config = loadConfig({ PARLEY_DATA_DIR: fresh() });
    await webchatSecret(config);
    writeFileSync(join(config.dataDir, WEBCHAT_SECRET_FILE), 'short\n');
    await expect(webchatSecret(config)).rejects.toThrow(/no usable web chat secret.*delete it/);
  });
});
