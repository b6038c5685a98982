import type { Pool, PoolClient } from 'pg';

/**
 * Counts the round trips a `pg` pool makes: every `query` call on one of its connections is one (a simple query with
 * several statements travels as one message, a prepared statement's parse/bind/execute as one flush). Connections
 * are instrumented as the pool hands them out (its public 'acquire' event), so `pool.query` and checked-out clients
 * are both counted, once.
 */
export interface RoundTrips {
  /** Round trips since the last `reset`, with the first line of each statement. */
  readonly statements: string[];
  /** Of those, the ones sent as a named prepared statement (PostgreSQL plans it once per connection, not every time). */
  readonly prepared: string[];
  reset(): void;
}

export function countRoundTrips(pool: Pool): RoundTrips {
  const statements: string[] = [];
  const prepared: string[] = [];
  const seen = new WeakSet<PoolClient>();
  pool.on('acquire', (client: PoolClient) => {
    if (seen.has(client)) return;
    seen.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text: string; name?: string };
      const line = (typeof first === 'string' ? first : first.text).replace(/\s+/g, ' ').trim().slice(0, 120);
      statements.push(line);
      if (typeof first !== 'string' && first.name) prepared.push(line);
      return query(...args);
    };
  });
  return {
    statements,
    prepared,
    reset: () => {
      statements.splice(0);
      prepared.splice(0);
    },
  };
}
