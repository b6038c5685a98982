import type { DataSource, MigrationInterface } from 'typeorm';
import { PersistenceError } from '../persistence.error';
import { Tables } from './schema';

export type MigrationClass = new () => MigrationInterface;

/**
 * Apply pending migrations in one transaction under a transaction-scoped advisory lock, so instances starting
 * together run them once. Uses TypeORM's `migrations` table layout, so `typeorm migration:show` still works.
 * Returns the names applied now.
 */
export async function runMigrations(dataSource: DataSource, schema: string, migrations: readonly MigrationClass[]): Promise<string[]> {
  const t = new Tables(schema);
  const runner = dataSource.createQueryRunner();
  const applied: string[] = [];
  let current: string | undefined;
  try {
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`parley.migrations.${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await runner.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (id SERIAL PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)`,
    );
    const done = new Set(((await runner.query(`SELECT name FROM ${t.migrations}`)) as { name: string }[]).map((r) => r.name));
    for (const Migration of migrations) {
      const migration = new Migration();
      const name = migration.name ?? Migration.name;
      if (done.has(name)) continue;
      current = name;
      await migration.up(runner);
      const timestamp = Number(/(\d{13})$/.exec(name)?.[1] ?? 0);
      await runner.query(`INSERT INTO ${t.migrations} (timestamp, name) VALUES ($1, $2)`, [timestamp, name]);
      applied.push(name);
    }
    await runner.commitTransaction();
    return applied;
  } catch (cause) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw new PersistenceError(
      'MIGRATION_FAILED',
      `Database migration ${current ?? ''} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { migration: current },
      { cause },
    );
  } finally {
    await runner.release();
  }
}
