import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PersistenceError } from '../persistence.error';

/** An exclusive owner lock on a data directory (PGlite has none): `<dir>/parley.lock` holding the owner's pid. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Take the lock or fail with DATA_DIR_LOCKED naming the owner. A lock left by a process that no longer runs
 * (killed with -9) is taken over, like PostgreSQL's own `postmaster.pid`.
 */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'parley.lock');
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, mine);
      closeSync(fd);
      return {
        path,
        release: () => {
          try {
            if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner && isAlive(owner)) {
      throw new PersistenceError(
        'DATA_DIR_LOCKED',
        `The embedded database in ${dir} is in use by process ${owner.pid}${owner.host ? ` on ${owner.host}` : ''}. ` +
          'Stop that process, use another PARLEY_DATA_DIR, or set DATABASE_URL so several instances share one PostgreSQL server.',
        { dataDir: dir },
      );
    }
    try {
      unlinkSync(path); // stale: its owner is gone
    } catch {
      // Someone else removed it first; try again.
    }
  }
  throw new PersistenceError('DATA_DIR_LOCKED', `Could not take the lock ${path}.`, { dataDir: dir });
}

function readOwner(path: string): { pid: number; host?: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: typeof parsed.host === 'string' ? parsed.host : undefined } : undefined;
  } catch {
    return undefined; // half-written or unreadable: treat as stale
  }
}

function isAlive(owner: { pid: number; host?: string }): boolean {
  if (owner.host && owner.host !== hostname()) return true; // cannot check another machine: assume it runs
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
