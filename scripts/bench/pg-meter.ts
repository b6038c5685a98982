import { Pool } from 'pg';
import { cpuDelta, cpuMsByPid, localPorts, processName } from './proc';

/** A reading of what PostgreSQL spent on some clients: their backends' CPU and the WAL position. */
export interface PostgresReading {
  cpuMs: Map<number, number>;
  walLsn: string;
}

/**
 * PostgreSQL's share of a load, per round: the CPU of the backends serving the given client processes (found by
 * matching `pg_stat_activity.client_port` with the processes' own TCP ports, so that other users of the same
 * database are not counted) and the WAL written (`pg_current_wal_lsn()` before and after: the whole server's WAL,
 * so another client writing at the same time adds to it). CPU reads need the database on this machine (/proc);
 * otherwise `cpuMs` stays empty and the tables print —.
 */
export class PostgresMeter {
  // Its own connection, always the one left out: a connection shared with the load would sometimes be counted and
  // sometimes not, and one counted only at the end would add its whole lifetime's CPU.
  private readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 1 });
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  async read(clientPids: readonly number[]): Promise<PostgresReading> {
    const ports = [...new Set(clientPids.flatMap((pid) => [...localPorts(pid)]))];
    const { rows } = await this.pool.query<{ pid: number; lsn: string }>(
      `SELECT a.pid, pg_current_wal_lsn()::text AS lsn FROM pg_stat_activity a
        WHERE a.client_port = ANY($1::int[]) AND a.pid <> pg_backend_pid()
       UNION ALL SELECT NULL, pg_current_wal_lsn()::text`,
      [ports],
    );
    // A database on another machine has its own pids: only processes here that are PostgreSQL's are read.
    const pids = rows.filter((r) => r.pid !== null && processName(r.pid) === 'postgres').map((r) => r.pid);
    return { cpuMs: cpuMsByPid(pids), walLsn: rows[rows.length - 1]!.lsn };
  }

  /** CPU ms of the backends and WAL bytes between two readings. */
  async between(before: PostgresReading, after: PostgresReading): Promise<{ cpuMs: number; walBytes: number }> {
    const { rows } = await this.pool.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text AS bytes',
      [after.walLsn, before.walLsn],
    );
    return { cpuMs: after.cpuMs.size ? cpuDelta(before.cpuMs, after.cpuMs) : NaN, walBytes: Number(rows[0]!.bytes) };
  }
}
