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
  poolSize: number;
  migrations: readonly MigrationClass[];
}

/** The open database: TypeORM DataSource, schema-qualified table names, and how to close it all. */
export interface Database {
  readonly dataSource: DataSource;
  readonly tables: Tables;
  readonly embedded: boolean;
  /** Migrations applied by this start (empty when the schema was current). */
  readonly applied: string[];
  close(): Promise<void>;
}

/** Connect (starting the embedded database if no URL is given), then migrate under an advisory lock. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  if (!options.url) embedded = await startEmbeddedPostgres(options.dataDir, options.poolSize);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url ?? embedded!.url,
    schema: options.schema,
    entities,
    synchronize: false,
    migrationsRun: false,
    applicationName: 'parley',
    extra: { max: options.poolSize },
  });
  try {
    await dataSource.initialize();
  } catch (cause) {
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
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    tables: new Tables(options.schema),
    embedded: embedded !== undefined,
    applied,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
