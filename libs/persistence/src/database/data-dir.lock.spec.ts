import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './data-dir.lock';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'parley-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('one owner at a time; released on release()', () => {
    const lock = lockDataDir(dir);
    // A live owner (this test's parent, which certainly runs) holds it:
    writeFileSync(lock.path, JSON.stringify({ pid: process.ppid, host: hostname() }));
    expect(() => lockDataDir(dir)).toThrow(/in use by process/);
    writeFileSync(lock.path, readFileSync(lock.path, 'utf8'));
  });

  test('a lock left by a dead process is taken over', () => {
    writeFileSync(join(dir, 'parley.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(() => readFileSync(lock.path)).toThrow();
  });
});
