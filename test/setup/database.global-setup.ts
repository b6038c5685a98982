import { PgliteServer } from '../../libs/persistence/src/database/pglite.server';

// The e2e tests' database. With DATABASE_URL (CI: real PostgreSQL) the tests use it; without it, or with
// PARLEY_TEST_DB=embedded, this starts PGlite behind Parley's own wire-protocol server here, in Jest's parent
// process (PGlite inside a Jest worker crashes the run), and hands its URL to the workers and the server processes
// they spawn.
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL && process.env.PARLEY_TEST_DB !== 'embedded') {
    process.env.PARLEY_TEST_DB = 'postgres';
    return;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: 'memory://' });
  const server = new PgliteServer(db, { host: '127.0.0.1', port: 0, maxConnections: 200 });
  const { host, port } = await server.start();
  process.env.DATABASE_URL = `postgres://postgres@${host}:${port}/postgres`;
  process.env.PARLEY_TEST_DB = 'embedded';
  (globalThis as { __PARLEY_PGLITE__?: unknown }).__PARLEY_PGLITE__ = { db, server };
}
