import type { Json, MemoryAddress, MemoryPort } from '@parley/dialogue-core';
import type { Tables } from '../database/schema';

/** One string per memory record address: for maps and sets of records. */
export function memoryAddressKey(address: { scope: string; name: string }): string {
  return `${address.scope}\u0000${address.name}`;
}

/** SQL that reads memory records for a JSON list of `{scope, name}` addresses ($1). */
export function memorySelect(t: Tables): string {
  return `SELECT m.scope_key AS scope, m.name, m.data FROM ${t.memories} m
          JOIN jsonb_to_recordset($1::jsonb) AS a(scope text, name text) ON m.scope_key = a.scope AND m.name = a.name`;
}

/**
 * The memory port of one turn: answers the addresses prefetched after the conversation lock from memory, and
 * anything else (custom scopes such as city + date) from the turn's own connection, inside its transaction.
 */
export class TransactionMemory implements MemoryPort {
  private readonly known = new Map<string, Json | undefined>();

  constructor(
    private readonly runner: { query<T>(sql: string, params?: unknown[]): Promise<T[]> },
    private readonly tables: Tables,
    prefetched: readonly MemoryAddress[] = [],
    rows: readonly { scope: string; name: string; data: Json }[] = [],
  ) {
    for (const address of prefetched) this.known.set(memoryAddressKey(address), undefined);
    for (const row of rows) this.known.set(memoryAddressKey(row), row.data);
  }

  async read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    const missing = addresses.filter((a) => !this.known.has(memoryAddressKey(a)));
    if (missing.length > 0) {
      const rows = await this.runner.query<{ scope: string; name: string; data: Json }>(memorySelect(this.tables), [
        JSON.stringify(missing),
      ]);
      for (const a of missing) this.known.set(memoryAddressKey(a), undefined);
      for (const row of rows) this.known.set(memoryAddressKey(row), row.data);
    }
    return addresses.map((a) => structuredClone(this.known.get(memoryAddressKey(a))));
  }
}
