import type { QueryRunner } from 'typeorm';

/** The quoted schema the migration runs in (`DATABASE_SCHEMA`, default `public`), from the DataSource options. */
export function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}
