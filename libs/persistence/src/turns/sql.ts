import { randomUUID } from 'node:crypto';
import { escapeLiteral } from 'pg';

/** The part of a `pg` client a turn uses. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
  /** A named (prepared) statement. */
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/**
 * A SQL literal for the simple query protocol (which is what lets several statements travel in one round trip):
 * strings through `pg`'s own `escapeLiteral`, which writes an E'…' string when there is a backslash, so a literal
 * means the same whatever `standard_conforming_strings` says.
 */
export function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as SQL.`);
    return String(value);
  }
  return escapeLiteral(value);
}

/** Replace `$1`, `$2`, … by literals. The SQL itself holds no other `$` (no dollar quoting). */
export function inline(sql: string, params: readonly (string | number | null)[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`No parameter $${n}.`);
    return literal(params[index]!);
  });
}

/** Rows of the last statement of a (possibly multi-statement) result. */
export function lastRows<T>(result: unknown): T[] {
  const last = Array.isArray(result) ? (result[result.length - 1] as { rows: T[] }) : (result as { rows: T[] });
  return last.rows;
}

/** Rows of the i-th statement of a multi-statement result. */
export function rowsAt<T>(result: unknown, i: number): T[] {
  return (Array.isArray(result) ? (result[i] as { rows: T[] }) : (result as { rows: T[] })).rows;
}

/**
 * The name of a prepared statement, one per distinct SQL text and connection: the embedded database serves every
 * connection (of every process using it) from one session, where the same name on two connections would collide.
 * Pass the same string object each time (a constant): its hash is then computed once.
 */
export function preparedName(text: string, client: SqlClient): string {
  let statement = statementNumbers.get(text);
  if (statement === undefined) statementNumbers.set(text, (statement = statementNumbers.size + 1));
  let connection = connectionNumbers.get(client);
  if (connection === undefined) connectionNumbers.set(client, (connection = ++connections));
  return `parley_${processTag}_${statement}_${connection}`;
}
const processTag = randomUUID().slice(0, 8);
const statementNumbers = new Map<string, number>();
const connectionNumbers = new WeakMap<SqlClient, number>();
let connections = 0;
