import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type DatabaseOptions } from '@parley/persistence';
import { Client } from 'pg';
import { migrations } from '../../migrations';

/** The database the e2e tests use: real PostgreSQL from DATABASE_URL, or the embedded one the global setup started. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the e2e tests through jest (its global setup provides one).');
  return url;
}

/** Which kind of database this run uses, for test names. */
export function testDatabaseKind(): 'postgres' | 'embedded' {
  return process.env.PARLEY_TEST_DB === 'embedded' ? 'embedded' : 'postgres';
}

/** A fresh schema per test file keeps files isolated on one server; drop it afterwards. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Parley's database in `schema` (a `freshSchema`) of the run's database, every migration applied unless told otherwise. */
export function openTestDatabase(schema: string, options: Partial<DatabaseOptions> = {}): Promise<Database> {
  return openDatabase({ url: testDatabaseUrl(), dataDir: '.parley-unused', schema, poolSize: 2, migrations, ...options });
}

/** Close a database of `openTestDatabase` (if it was opened) and drop its schema. */
export async function closeTestDatabase(db: Database | undefined, schema: string): Promise<void> {
  await db?.close();
  await dropSchema(schema);
}

export async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Run a query in the test's schema (tables are schema-qualified by the caller with `"${schema}".table`). */
export async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(async (client) => (await client.query(sql, params)).rows as T[]);
}
