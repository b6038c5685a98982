/** The part of a `pg` client a turn uses. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
  /** A named (prepared) statement. */
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/**
 * A SQL literal for the simple query protocol (which is what lets several statements travel in one round trip).
 * E'…' strings mean the same whatever `standard_conforming_strings` says.
 */
export function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as SQL.`);
    return String(value);
  }
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
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
