import { join } from 'node:path';
import { lockDataDir } from './data-dir.lock';

/** A running embedded PostgreSQL (PGlite behind a loopback socket) that the ordinary `pg` driver connects to. */
export interface EmbeddedPostgres {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Start PGlite on `<dataDir>/pgdata` behind `PGLiteSocketServer` on 127.0.0.1 (random port), after taking the data
 * directory's exclusive lock. The socket server runs one transaction at a time: fine for one instance; several
 * instances need a PostgreSQL server (`DATABASE_URL`).
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections = 10): Promise<EmbeddedPostgres> {
  const lock = lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const pgdata = join(dataDir, 'pgdata');
    const db = await PGlite.create({ dataDir: pgdata });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
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
