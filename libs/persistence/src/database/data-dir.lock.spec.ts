import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lockDataDir } from './data-dir.lock';

const ROOT = resolve(__dirname, '../../../..');

/** Start `n` processes that try to take the lock of `dir` at the same instant; what each got (they hold it). */
async function race(dir: string, n: number): Promise<{ results: string[]; end(): Promise<void> }> {
  const goAt = Date.now() + 1500 + n * 30;
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['-r', join(ROOT, 'scripts/register-ts.js'), join(ROOT, 'test/fixtures/lock-contender.ts')], {
      env: { PATH: process.env.PATH, PARLEY_LOCK_DIR: dir, PARLEY_GO_AT: String(goAt) },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const results = await Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolveLine) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolveLine(out.trim());
          });
          child.once('exit', () => resolveLine(out.trim() || 'exited'));
        }),
    ),
  );
  return {
    results,
    end: async () => {
      await Promise.all(children.map((child) => new Promise((done) => (child.stdin.end(), child.once('exit', done)))));
    },
  };
}

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

  // Each start is a process of its own, as in real life; all try at the same instant.
  test.each([
    ['on a free directory', false],
    ['over a stale lock left by a dead process', true],
  ])('50 starts racing %s: exactly one owner, every other start refused', async (_name, stale) => {
    for (let round = 0; round < (stale ? 2 : 1); round++) {
      const own = mkdtempSync(join(tmpdir(), 'parley-race-'));
      if (stale) writeFileSync(join(own, 'parley.lock'), JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname() }));
      const { results, end } = await race(own, 50);
      try {
        expect(results.filter((r) => r === 'owner')).toHaveLength(1);
        expect(results.filter((r) => r === 'locked')).toHaveLength(49);
      } finally {
        await end();
        rmSync(own, { recursive: true, force: true });
      }
    }
  }, 120_000);

  test('a takeover marker left by a process that died while taking over is taken over too', () => {
    const stale = JSON.stringify({ pid: 2 ** 22 + 777, host: hostname() });
    writeFileSync(join(dir, 'parley.lock'), stale);
    const marker = `parley.lock.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
    writeFileSync(join(dir, marker), JSON.stringify({ pid: 2 ** 22 + 778, host: hostname() }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['parley.lock']);
  });

  test('a lock left by a dead process is taken over', () => {
    writeFileSync(join(dir, 'parley.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(() => readFileSync(lock.path)).toThrow();
  });
});
