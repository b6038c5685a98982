import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '@parley/persistence';
import { closeTestDatabase, freshSchema, openTestDatabase, query, testDatabaseKind } from '../helpers/test-database';

/**
 * The schema stays shardable by conversation (docs/scaling.md): after every migration, each table is distributed by
 * `conversation_id`, or is one of the documented exceptions below. A new table without the column fails here until it
 * gets one or is documented (with the reason) in docs/scaling.md and listed here. Every primary key and unique index of
 * a distributed table includes its distribution column (Citus can only enforce uniqueness within a shard).
 */
const EXCEPTIONS: Record<string, { column: string } | { reference: true }> = {
  // The conversation row itself: its id is the conversation id every other table carries.
  conversations: { column: 'id' },
  // Memory is keyed by its scope (a user's, a conversation's, a custom one): distributed by scope_key.
  memories: { column: 'scope_key' },
  // TypeORM's record of applied migrations: a reference table (a copy on every node).
  migrations: { reference: true },
  // Event webhook subscriptions: a few rows read by every instance, a reference table.
  webhook_subscriptions: { reference: true },
  // Identity links (a channel's user joined to another channel's): small, read by (bot, channel, user), a reference table.
  identity_links: { reference: true },
};

const schema = freshSchema('dist');
let db: Database;

beforeAll(async () => {
  db = await openTestDatabase(schema, { poolSize: 1 });
});

afterAll(() => closeTestDatabase(db, schema));

/** What keeps the schema from being distributed by conversation: tables without the column, unique keys without it. */
async function shardingProblems(): Promise<{ problems: string[]; distribution: Map<string, string | undefined> }> {
  const columns = await query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
    [schema],
  );
  const tables = new Map<string, Set<string>>();
  for (const { table_name, column_name } of columns) {
    if (!tables.has(table_name)) tables.set(table_name, new Set());
    tables.get(table_name)!.add(column_name);
  }
  const problems: string[] = [];
  // Table → distribution column (undefined: a reference table).
  const distribution = new Map<string, string | undefined>();
  for (const [table, cols] of tables) {
    const exception = EXCEPTIONS[table];
    if (exception && 'reference' in exception) {
      distribution.set(table, undefined);
      continue;
    }
    const column = exception ? exception.column : 'conversation_id';
    if (cols.has(column)) distribution.set(table, column);
    else problems.push(`table ${table} has no ${column}`);
  }
  // Citus enforces a unique index only if it contains the distribution column.
  const indexes = await query<{ table: string; index: string; columns: string[] }>(
    `SELECT t.relname AS table, i.relname AS index, array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (x.indkey)
      WHERE n.nspname = $1 AND x.indisunique
      GROUP BY t.relname, i.relname`,
    [schema],
  );
  for (const ix of indexes) {
    const column = distribution.get(ix.table);
    if (column && !ix.columns.includes(column)) problems.push(`unique index ${ix.index} of ${ix.table} (${ix.columns.join(', ')}) lacks ${column}`);
  }
  return { problems, distribution };
}

describe(`every table can be distributed by conversation (${testDatabaseKind()})`, () => {
  test('after every migration, each table has conversation_id or is a documented exception, and its unique keys include it', async () => {
    const { problems, distribution } = await shardingProblems();
    expect(problems).toEqual([]);
    expect(distribution.size).toBeGreaterThanOrEqual(6);

    // docs/scaling.md names every table with its distribution column (or as a reference table).
    const doc = readFileSync(join(__dirname, '../../docs/scaling.md'), 'utf8');
    for (const [table, column] of distribution) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${table}\` |`));
      expect({ table, documented: row !== undefined }).toEqual({ table, documented: true });
      expect(row).toContain(column ? `\`${column}\`` : 'reference');
    }
  });

  test('a new table without conversation_id, or a unique key without it, is reported', async () => {
    await query(`CREATE TABLE "${schema}".stray (id text PRIMARY KEY)`);
    await query(`CREATE UNIQUE INDEX outbox_by_message ON "${schema}".outbox (message_id)`);
    try {
      const { problems } = await shardingProblems();
      expect(problems.sort()).toEqual([
        'table stray has no conversation_id',
        'unique index outbox_by_message of outbox (message_id) lacks conversation_id',
      ]);
    } finally {
      await query(`DROP TABLE "${schema}".stray`);
      await query(`DROP INDEX "${schema}".outbox_by_message`);
    }
  });
});
