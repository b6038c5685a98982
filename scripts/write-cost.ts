import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { findBot } from '@parley/machines';
import { createApp } from '../apps/api/src/app.factory';
import { loadConfig } from '../apps/api/src/config/app.config';
import { SchedulerService } from '../apps/api/src/jobs/scheduler.service';
import { JsonLogger } from '../apps/api/src/logging/json.logger';
import { OutboxDispatcher } from '../apps/api/src/outbox/outbox.dispatcher';
import { startOwnPostgres } from '../test/helpers/own-postgres';

/**
 * What a turn costs PostgreSQL in writes: WAL bytes and CPU (every process of the cluster) per turn of the juice
 * order (real NLU, over HTTP; returning users, then a new user for every order), next to a raw 4 KB jsonb upsert by
 * id. Runs on a PostgreSQL cluster of its own (initdb in a temp directory, as root: see
 * test/helpers/own-postgres.ts), so that nothing else writes WAL.
 *   node -r ./scripts/register-ts.js scripts/write-cost.ts   (WRITE_COST_USERS, default 8; WRITE_COST_ORDERS, default 20)
 * WRITE_COST_DETAIL=1 adds the WAL by record type and table; WRITE_COST_STATEMENTS=1 the time PostgreSQL spent
 * planning and running each statement (pg_stat_statements, loaded into the cluster for this).
 */
const USERS = Number(process.env.WRITE_COST_USERS ?? 8);
const ORDERS = Number(process.env.WRITE_COST_ORDERS ?? 20);
const ORDER = ['我想买果汁', '苹果', '不加冰', '杯装', '不用了', '好的'];

async function main(): Promise<void> {
  const pg = await startOwnPostgres();
  try {
    const statements = Boolean(process.env.WRITE_COST_STATEMENTS);
    if (statements) {
      const setup = new Client({ connectionString: pg.url });
      await setup.connect();
      await setup.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
      await setup.end();
      await pg.stop();
      await pg.start();
    }
    const admin = new Client({ connectionString: pg.url });
    admin.on('error', () => undefined);
    await admin.connect();
    if (statements) {
      await admin.query('CREATE EXTENSION pg_stat_statements');
      await admin.query('ALTER SYSTEM SET pg_stat_statements.track_planning = on');
      await admin.query('SELECT pg_reload_conf()');
    }
    const dataDir = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    if (process.env.WRITE_COST_DETAIL) await admin.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const lsn = async () => (await admin.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]!.l;
    const walBytes = async (from: string, to: string) =>
      Number((await admin.query<{ b: string }>('SELECT pg_wal_lsn_diff($2, $1)::bigint AS b', [from, to])).rows[0]!.b);
    const measure = async (label: string, units: number, work: () => Promise<void>) => {
      await admin.query('CHECKPOINT');
      if (statements) await admin.query('SELECT pg_stat_statements_reset()');
      const [l0, c0] = [await lsn(), clusterCpuMs(postmaster)];
      await work();
      const [l1, c1] = [await lsn(), clusterCpuMs(postmaster)];
      const wal = await walBytes(l0, l1);
      if (process.env.WRITE_COST_DETAIL) {
        const { rows } = await admin.query<{ r: string; n: string; rec: string; fpi: string }>(
          `SELECT "resource_manager/record_type" AS r, count::text AS n, record_size::text AS rec, fpi_size::text AS fpi
             FROM pg_get_wal_stats($1, $2, true) WHERE count > 0 ORDER BY record_size + fpi_size DESC LIMIT 12`,
          [l0, l1],
        );
        const byRel = await admin.query<{ r: string; rel: string; n: string; bytes: string }>(
          `SELECT w.record_type AS r, coalesce(c.relname, w.rel) AS rel, count(*)::text AS n, sum(w.record_length)::text AS bytes
             FROM (SELECT record_type, record_length, substring(block_ref from 'rel [0-9]+/[0-9]+/([0-9]+)') AS rel
                     FROM pg_get_wal_records_info($1, $2) WHERE resource_manager = 'Heap') w
             LEFT JOIN pg_class c ON c.relfilenode::text = w.rel
            GROUP BY 1, 2 ORDER BY sum(w.record_length) DESC LIMIT 12`,
          [l0, l1],
        );
        for (const r of byRel.rows) process.stdout.write(`  heap ${r.r} on ${r.rel}: ${(Number(r.n) / units).toFixed(2)} records, ${(Number(r.bytes) / units).toFixed(0)} bytes per unit\n`);
        for (const r of rows) process.stdout.write(`  ${r.r}: ${(Number(r.n) / units).toFixed(2)} records, ${(Number(r.rec) / units).toFixed(0)} + ${(Number(r.fpi) / units).toFixed(0)} FPI bytes per unit\n`);
      }
      process.stdout.write(
        `${label}: ${units} in ${USERS} connections — WAL ${(wal / units).toFixed(0)} bytes each, PostgreSQL CPU ${((c1 - c0) / units).toFixed(3)} ms each\n`,
      );
      if (statements) {
        const { rows } = await admin.query<{ calls: string; plans: string; plan: number; exec: number; q: string }>(
          `SELECT calls::text, plans::text, total_plan_time AS plan, total_exec_time AS exec,
                  left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS q
             FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' AND calls > 0
            ORDER BY total_plan_time + total_exec_time DESC LIMIT 6`,
        );
        for (const r of rows) {
          process.stdout.write(
            `  ${r.calls} calls (${r.plans} planned): planning ${(r.plan / units).toFixed(3)} + running ${(r.exec / units).toFixed(3)} ms per unit — ${r.q}\n`,
          );
        }
      }
    };

    // Raw upserts: a 4 KB jsonb document by id, 8 connections.
    await admin.query('CREATE TABLE raw_docs (id text PRIMARY KEY, doc jsonb NOT NULL)');
    const doc = JSON.stringify({ items: Array.from({ length: 64 }, (_, i) => ({ i, text: 'x'.repeat(48) })) });
    const clients = await Promise.all(Array.from({ length: USERS }, async () => {
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      return c;
    }));
    const upserts = USERS * ORDERS * ORDER.length;
    await measure('raw 4 KB jsonb upsert', upserts, async () => {
      await Promise.all(clients.map(async (c, u) => {
        for (let n = 0; n < upserts / USERS; n++) {
          await c.query('INSERT INTO raw_docs (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc', [`d${u}-${n % 50}`, doc]);
        }
      }));
    });
    await Promise.all(clients.map((c) => c.end()));

    const config = loadConfig({ PORT: '0', DATABASE_URL: pg.url, ADMIN_TOKEN: 'write-cost-admin-token', LOG_LEVEL: 'warn', DB_POOL_SIZE: String(USERS) });
    const app = await createApp({ bots: [findBot('juice')!], config, logger: new JsonLogger('warn') });
    try {
      await app.app.get(SchedulerService).stop();
      await app.app.get(OutboxDispatcher).stop();
      const users = Array.from({ length: USERS }, (_, i) => `writer-${i}`);
      let n = 0;
      const say = async (userId: string, text: string) => {
        const res = await fetch(`${app.url}/channels/rest/juice`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId, messageId: `w${++n}`, text }),
        });
        if (res.status !== 200) throw new Error(`turn answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      };
      // Warm-up: every user has a conversation, cached by the server.
      await Promise.all(users.map(async (user) => { for (const text of ORDER) await say(user, text); }));
      await measure('juice turn (returning users, real NLU)', USERS * ORDERS * ORDER.length, async () => {
        await Promise.all(users.map(async (user) => {
          for (let o = 0; o < ORDERS; o++) for (const text of ORDER) await say(user, text);
        }));
      });
      await measure('juice turn (a new user every order, real NLU)', USERS * ORDERS * ORDER.length, async () => {
        await Promise.all(users.map(async (user) => {
          for (let o = 0; o < ORDERS; o++) for (const text of ORDER) await say(`${user}-new-${o}`, text);
        }));
      });
      const sizes = await admin.query<{ t: string; bytes: string }>(
        `SELECT relname AS t, pg_total_relation_size(oid)::text AS bytes FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1`,
      );
      process.stdout.write(`table sizes: ${sizes.rows.map((r) => `${r.t} ${(Number(r.bytes) / 1024).toFixed(0)} KB`).join(', ')}\n`);
    } finally {
      await app.close();
      await admin.end();
    }
  } finally {
    await pg.destroy();
  }
}

/** CPU time (user + system, ms) of the postmaster and all its children so far. */
function clusterCpuMs(postmaster: number): number {
  const tick = 1000 / 100; // USER_HZ
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    if (pid !== postmaster && ppid !== postmaster) continue;
    total += (Number(fields[11]) + Number(fields[12])) * tick;
  }
  return total;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
