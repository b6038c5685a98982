import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './data-dir.lock';
import { PgliteServer } from './pglite.server';

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
  options: { maxConnections?: number; idleInTransactionMs?: number } = {},
): Promise<EmbeddedPostgres> {
  const lock = lockDataDir(dataDir);
  // mkdtemp makes the directory 0700; a short path under the temp dir keeps within the socket path limit (108 bytes).
  const socketDir = mkdtempSync(join(tmpdir(), 'parley-db-'));
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const pgdata = join(dataDir, 'pgdata');
    const db = await PGlite.create({ dataDir: pgdata });
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
