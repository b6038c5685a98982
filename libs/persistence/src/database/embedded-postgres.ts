import { join } from 'node:path';
import { lockDataDir } from './data-dir.lock';
import { PgliteServer } from './pglite.server';

/** A running embedded PostgreSQL (PGlite behind a loopback socket) that the ordinary `pg` driver connects to. */
export interface EmbeddedPostgres {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Start PGlite on `<dataDir>/pgdata` behind a loopback wire-protocol server (random port), after taking the data
 * directory's exclusive lock. PGlite runs one transaction at a time: fine for one instance; several instances need a
 * PostgreSQL server (`DATABASE_URL`).
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections = 10): Promise<EmbeddedPostgres> {
  const lock = lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const pgdata = join(dataDir, 'pgdata');
    const db = await PGlite.create({ dataDir: pgdata });
    const server = new PgliteServer(db, { host: '127.0.0.1', port: 0, maxConnections });
    const { host, port } = await server.start();
    return {
      url: `postgres://postgres@${host}:${port}/postgres`,
      dataDir: pgdata,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
