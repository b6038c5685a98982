import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp directory, on a free loopback port), for tests that
 * terminate backends and restart the server: never the shared server that other tests use.
 */
export interface OwnPostgres {
  readonly url: string;
  /** Terminate every backend of connections named `application` (Parley's: 'parley'); how many were. */
  terminate(application?: string): Promise<number>;
  /** Stop the server (fast shutdown: connections are cut). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop, start, and remove the cluster. */
  destroy(): Promise<void>;
}

/** Why the tests cannot start their own cluster here, or undefined when they can (root, and PostgreSQL 15 binaries). */
export function ownPostgresUnavailable(): string | undefined {
  if (!existsSync(join(BIN, 'initdb'))) return `no PostgreSQL binaries in ${BIN}`;
  if (process.getuid?.() !== 0) return 'the tests must run as root to start a cluster as the postgres user';
  return undefined;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const uid = Number(stdout.trim());
  chownSync(dir, uid, uid);
  const data = join(dir, 'data');
  const asPostgres = (command: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]);
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const ctl = (args: string[]) => asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), ...args]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const cluster: OwnPostgres = {
    url,
    async terminate(application = 'parley') {
      const client = new Client({ connectionString: url, application_name: 'parley-test-admin' });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
          [application],
        );
        return rows[0]?.n ?? 0;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await ctl(['-m', 'fast', '-w', 'stop']);
    },
    async start() {
      await ctl(['-o', options, '-w', 'start']);
    },
    async destroy() {
      await ctl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
