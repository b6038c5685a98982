import type { Database } from '@parley/persistence';
import type { Pool, PoolClient } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { closeTestDatabase, freshSchema, openTestDatabase, testDatabaseKind, withClient } from '../helpers/test-database';

/**
 * A connection PostgreSQL closes while it is lent out and idle (no query on it) makes `pg` emit 'error' on the
 * connection itself; with no listener, that ends the process. Every connection of both of Parley's pools (the turns'
 * and TypeORM's) must report it to `onConnectionError` instead, whoever borrowed it. PostgreSQL only: the embedded
 * database has no backends to terminate.
 */
const describePostgres = testDatabaseKind() === 'postgres' ? describe : describe.skip;

describePostgres('connections the server closes while lent', () => {
  const schema = freshSchema('connerr');
  const reported: Error[] = [];
  let onReported: (() => void) | undefined;
  let db: Database;

  beforeAll(async () => {
    db = await openTestDatabase(schema, {
      onConnectionError: (error) => {
        reported.push(error);
        onReported?.();
      },
    });
  });

  afterAll(() => closeTestDatabase(db, schema));

  const pools: [string, () => Pool][] = [
    ['the turn pool', () => db.pool],
    ["TypeORM's pool (migrations, admin and outbox reads)", () => (db.dataSource.driver as PostgresDriver).master as Pool],
  ];

  test.each(pools)('%s: the error is reported and the process goes on', async (_name, pool) => {
    const client: PoolClient = await pool().connect();
    const { pid } = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
    const before = reported.length;
    const heard = new Promise<void>((resolve) => (onReported = () => reported.length > before && resolve()));
    await withClient((admin) => admin.query('SELECT pg_terminate_backend($1)', [pid]));
    await heard;
    expect((reported[before] as Error & { code?: string }).code).toBe('57P01');
    client.release(true);
    // The pool still serves.
    const again = await pool().connect();
    expect((await again.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    again.release();
  });
});
