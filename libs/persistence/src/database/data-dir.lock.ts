import { createHash, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PersistenceError } from '../persistence.error';

/** An exclusive owner lock on a data directory (PGlite has none): `<dir>/parley.lock` holding the owner's pid. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Take the lock or fail with DATA_DIR_LOCKED naming the owner. Safe when many processes start at the same moment:
 * - the lock file appears whole or not at all: written to a file of its own, then hard-linked into place (`link`
 *   fails when the name exists, atomically; an empty, half-written lock is never seen);
 * - a lock left by a process that no longer runs (killed with -9) is taken over like PostgreSQL's `postmaster.pid`,
 *   but by one process only: the one that creates the takeover marker named after that stale lock's content. It
 *   checks that the lock still says the same before it removes it, and no one else can remove it meanwhile. A marker
 *   left by a process that died during a takeover is itself taken over the same way.
 */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'parley.lock');
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (createWhole(path, mine)) {
      return {
        path,
        release: () => {
          if (readText(path) === mine) unlinkQuietly(path);
        },
      };
    }
    const text = readText(path);
    if (text === undefined) continue; // removed meanwhile: try again
    const owner = ownerOf(text);
    if (owner && isAlive(owner)) {
      throw new PersistenceError(
        'DATA_DIR_LOCKED',
        `The embedded database in ${dir} is in use by process ${owner.pid}${owner.host ? ` on ${owner.host}` : ''}. ` +
          'Stop that process, use another PARLEY_DATA_DIR, or set DATABASE_URL so several instances share one PostgreSQL server.',
        { dataDir: dir },
      );
    }
    removeStale(path, text, mine, 0);
  }
  throw new PersistenceError('DATA_DIR_LOCKED', `Could not take the lock ${path}.`, { dataDir: dir });
}

/** Remove the stale file at `path` if it still says `stale`, as the one process holding its takeover marker. */
function removeStale(path: string, stale: string, mine: string, depth: number): void {
  if (depth > 5) return;
  const marker = `${path}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
  if (createWhole(marker, mine)) {
    try {
      if (readText(path) === stale) unlinkQuietly(path);
    } finally {
      unlinkQuietly(marker);
    }
    return;
  }
  // Another process is taking it over; if that process died doing so, take its marker over first.
  const holder = readText(marker);
  const owner = holder === undefined ? undefined : ownerOf(holder);
  if (holder !== undefined && !(owner && isAlive(owner))) removeStale(marker, holder, mine, depth + 1);
}

/** Create `path` with `text` in it, whole, only if it does not exist. */
function createWhole(path: string, text: string): boolean {
  const draft = `${path}.${process.pid}.${randomUUID()}`;
  writeFileSync(draft, text, { flag: 'wx' });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(draft);
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function ownerOf(text: string): { pid: number; host?: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: typeof parsed.host === 'string' ? parsed.host : undefined } : undefined;
  } catch {
    return undefined; // not a lock Parley wrote: treat as stale
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
