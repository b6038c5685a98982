import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lockDataDir } from './data-dir.lock';
import { PgliteServer } from './pglite.server';

const DEFAULT_SHARED_BUFFERS_MB = 32;

/** A running embedded PostgreSQL (PGlite behind a loopback socket) that the ordinary `pg` driver connects to. */
export interface EmbeddedPostgres {
  readonly url: string;
  readonly dataDir: string;
  /** The directory of the Unix socket the server listens on (nothing else listens). */
  readonly socketDir: string;
  stop(): Promise<void>;
}

/**
 * Start PGlite on `<dataDir>/pgdata`, after taking the data directory's exclusive lock, behind a wire-protocol server
 * on a Unix socket in a fresh directory only this user can enter (mode 0700, the socket 0600): no TCP port, and no
 * other user can read transcripts or hold a transaction open. A connection of this user that stops in the middle of a
 * transaction is closed after `idleInTransactionMs` (PGlite runs one transaction at a time; several instances need a
 * PostgreSQL server, `DATABASE_URL`).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { maxConnections?: number; idleInTransactionMs?: number; sharedBuffersMb?: number } = {},
): Promise<EmbeddedPostgres> {
  const lock = lockDataDir(dataDir);
  // mkdtemp makes the directory 0700; a short path under the temp dir keeps within the socket path limit (108 bytes).
  const socketDir = mkdtempSync(join(tmpdir(), 'parley-db-'));
  try {
    const pgdata = join(dataDir, 'pgdata');
    if (!existsSync(pgdata)) await initializeDataDir(dataDir, pgdata);
    const { PGlite } = await import('@electric-sql/pglite');
    // PGlite's PostgreSQL takes its shared buffers in the process's own memory as it starts: 100 MB more resident at
    // PostgreSQL's default of 128 MB than at 32 MB. The operating system's cache still holds the data files.
    const db = await PGlite.create({ dataDir: pgdata, postgresqlconf: [`shared_buffers=${options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB}MB`] });
    const server = new PgliteServer(db, { socketDir, maxConnections: options.maxConnections ?? 10, idleInTransactionMs: options.idleInTransactionMs });
    const { host, port } = await server.start();
    return {
      url: `postgres://postgres@localhost:${port}/postgres?host=${encodeURIComponent(host)}`,
      dataDir: pgdata,
      socketDir,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          rmSync(socketDir, { recursive: true, force: true });
          lock.release();
        }
      },
    };
  } catch (error) {
    rmSync(socketDir, { recursive: true, force: true });
    lock.release();
    throw error;
  }
}

// Run in a child process: create the data directory with PGlite, which runs initdb, and close it.
const INITIALIZE = `const [pglite, dir] = process.argv.slice(1);
require(pglite).PGlite.create({ dataDir: dir }).then((db) => db.close()).then(
  () => process.exit(0),
  (error) => { console.error(error && error.stack ? error.stack : String(error)); process.exit(1); },
);`;

/**
 * Create a new data directory in a short-lived process. PGlite creates one by running initdb and a second PostgreSQL
 * instance inside the calling process, and that process keeps their memory: a server that created its data directory
 * held ~900 MB resident, one that opened an existing one ~400 MB. The directory is built next to its place and renamed
 * into it once complete, so an interrupted creation leaves no half-made `pgdata` (the leftover is removed next time;
 * the caller holds the data directory's lock).
 */
async function initializeDataDir(dataDir: string, pgdata: string): Promise<void> {
  const staging = join(dataDir, 'pgdata.creating');
  rmSync(staging, { recursive: true, force: true });
  try {
    await promisify(execFile)(process.execPath, ['-e', INITIALIZE, require.resolve('@electric-sql/pglite'), staging], { maxBuffer: 16 * 1024 * 1024 });
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    const output = (cause as { stderr?: string }).stderr?.trim();
    throw new Error(`Creating the embedded database in ${pgdata} failed${output ? `: ${output}` : '.'}`, { cause });
  }
  renameSync(staging, pgdata);
}
