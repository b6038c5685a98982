import { Client, Pool, type ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import { entities } from '../entities';
import { PersistenceError } from '../persistence.error';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { runMigrations, type MigrationClass } from './migrate';
import { Tables } from './schema';

export interface DatabaseOptions {
  /** PostgreSQL server URL; unset → embedded PGlite in `dataDir`. */
  url?: string;
  /** Where the embedded database lives (`<dataDir>/pgdata`, locked by `<dataDir>/parley.lock`). */
  dataDir: string;
  schema: string;
  /** Connections for turns (the conversation store's pool). */
  poolSize: number;
  /** Embedded database: close a connection idle this long inside a transaction (it would stall every other one). */
  embeddedIdleInTransactionMs?: number;
  /** Embedded database: PostgreSQL's `shared_buffers` in MB (default 32). */
  embeddedSharedBuffersMb?: number;
  /** How long to wait for a connection (a new one, or a free one from a busy pool) before DATABASE_UNAVAILABLE. */
  connectTimeoutMs?: number;
  /**
   * Told about errors of connections nobody is using at that moment (the server terminated them, restarted, the
   * network dropped). They are logged, never thrown: the pool replaces the connection.
   */
  onConnectionError?: (error: Error) => void;
  migrations: readonly MigrationClass[];
}

/**
 * The open database: a `pg` pool for the turn path (the conversation store), a TypeORM DataSource with a small pool of
 * its own for migrations and the admin and outbox reads, schema-qualified table names, and how to close it all.
 */
export interface Database {
  readonly pool: Pool;
  readonly dataSource: DataSource;
  readonly tables: Tables;
  readonly embedded: boolean;
  /** Embedded database: the directory of its Unix socket (`psql -h <dir> -U postgres` connects, as this user). */
  readonly socketDir?: string;
  /** Migrations applied by this start (empty when the schema was current). */
  readonly applied: string[];
  close(): Promise<void>;
}

/** TypeORM's connections: migrations at start, then admin reads and the outbox worker (not the turn path). */
const SIDE_POOL_SIZE = 3;

/** Connect (starting the embedded database if no URL is given), then migrate under an advisory lock. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const sidePool = SIDE_POOL_SIZE;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  let embedded: EmbeddedPostgres | undefined;
  if (!options.url) {
    embedded = await startEmbeddedPostgres(options.dataDir, {
      maxConnections: options.poolSize + sidePool,
      idleInTransactionMs: options.embeddedIdleInTransactionMs,
      sharedBuffersMb: options.embeddedSharedBuffersMb,
    });
  }
  const url = options.url ?? embedded!.url;
  // An error event without a listener ends the process. `pg` emits one on a pooled connection that the server closes
  // (restart, pg_terminate_backend, a dropped network) while no query runs on it: on the pool for an idle connection,
  // on the connection itself while it is lent, when the pool no longer listens and only the borrower may. A server
  // under the fault test once died of such an event (57P01, no listener); rather than rely on every borrower (TypeORM's
  // query runners among them) listening at the right moments, each connection of both pools is made with a listener
  // of its own, for its whole life.
  const onError = (error: Error) => options.onConnectionError?.(error);
  class ReportingClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', onError);
    }
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    schema: options.schema,
    entities,
    synchronize: false,
    migrationsRun: false,
    applicationName: 'parley',
    extra: { max: sidePool, connectionTimeoutMillis: connectTimeoutMs, Client: ReportingClient },
  });
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize,
    application_name: 'parley',
    connectionTimeoutMillis: connectTimeoutMs,
    Client: ReportingClient,
  });
  pool.on('error', onError);
  try {
    await dataSource.initialize();
  } catch (cause) {
    await pool.end();
    await embedded?.stop();
    throw new PersistenceError(
      'DATABASE_UNAVAILABLE',
      `Cannot connect to PostgreSQL: ${cause instanceof Error ? cause.message : String(cause)}`,
      {},
      { cause },
    );
  }
  let applied: string[];
  try {
    applied = await runMigrations(dataSource, options.schema, options.migrations);
  } catch (error) {
    await dataSource.destroy();
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    pool,
    dataSource,
    tables: new Tables(options.schema),
    embedded: embedded !== undefined,
    socketDir: embedded?.socketDir,
    applied,
    async close() {
      if (!pool.ended) await pool.end();
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
