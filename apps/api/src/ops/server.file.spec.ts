import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app.config';
import { databaseLabel, readServerFile, removeServerFile, SERVER_FILE, writeServerFile, type ServerFile } from './server.file';

describe('the server address file', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-server-file-')), 'data');
  const config = loadConfig({ PARLEY_DATA_DIR: dataDir });
  const entry: ServerFile = {
    url: 'http://127.0.0.1:3000',
    pid: 4242,
    adminToken: 'secret-token-0123456789',
    database: databaseLabel(config),
    startedAt: '2026-01-01T00:00:00.000Z',
  };

  test('is written readable by its owner only, in a directory only its owner can enter, and read back', async () => {
    await writeServerFile(config, entry);
    expect(statSync(join(dataDir, SERVER_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(await readServerFile(config)).toEqual(entry);
  });

  test('is removed only by the process that wrote it', async () => {
    await writeServerFile(config, entry);
    await removeServerFile(config, 1);
    expect(await readServerFile(config)).toEqual(entry);
    await removeServerFile(config, 4242);
    expect(await readServerFile(config)).toBeUndefined();
  });

  test('a damaged file reads as no server', async () => {
    writeFileSync(join(dataDir, SERVER_FILE), '{"url": "http://127.0.0.1:1"');
    expect(await readServerFile(config)).toBeUndefined();
    writeFileSync(join(dataDir, SERVER_FILE), '{"url": "http://127.0.0.1:1"}');
    expect(await readServerFile(config)).toBeUndefined();
  });

  test('names the database without its password, with the schema, so a client can tell it is the same one', () => {
    const a = loadConfig({ DATABASE_URL: 'postgres://ann:pw@db:5432/parley', DATABASE_SCHEMA: 'one' });
    const b = loadConfig({ DATABASE_URL: 'postgres://ann:other@db:5432/parley', DATABASE_SCHEMA: 'two' });
    expect(databaseLabel(a)).toBe('postgres://ann@db:5432/parley schema one');
    expect(databaseLabel(a)).not.toBe(databaseLabel(b));
    expect(databaseLabel(config)).toBe(`embedded ${dataDir}`);
    expect(readFileSync(join(dataDir, SERVER_FILE), 'utf8')).not.toContain('pw');
  });
});
