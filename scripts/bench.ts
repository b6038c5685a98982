import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Pool } from 'pg';

/**
 * `npm run bench` (not a test): on real PostgreSQL (DATABASE_URL, default the CI database),
 *  1. the engine alone (scripts/bench-engine.ts, when present),
 *  2. the physical limit: 4 KB jsonb upserts by id through `pg`, 8 connections,
 *  3. HTTP turns through a Parley server process, 8 concurrent conversations (each waits for its reply),
 * and the ratio of 3 to 2 (goal ≥ 35%, p99 < 50 ms). Everything runs in one fresh schema, dropped at the end.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 8;
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);

async function main(): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: CONCURRENCY });
  const servers: ChildProcess[] = [];
  try {
    const version = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    console.log(`Parley benchmark — PostgreSQL ${version}, ${SECONDS} s per measurement, ${CONCURRENCY} concurrent`);
    await runEngineBench();
    await runNluBench();

    await pool.query(`CREATE SCHEMA "${schema}"`);
    const upserts = await benchUpserts(pool, schema);
    console.log(`\nraw upsert (4 KB jsonb by id, pg, ${CONCURRENCY} connections): ${upserts.toFixed(0)}/s`);

    const urls: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const { child, url } = await startServer(schema);
      servers.push(child);
      urls.push(url);
    }
    const turns = await benchTurns(urls);
    console.log(
      `HTTP turns (${CONCURRENCY} conversations, ${INSTANCES} server process${INSTANCES > 1 ? 'es' : ''}, LOG_LEVEL=warn): ` +
        `${turns.rate.toFixed(0)} turns/s, p50 ${turns.p50.toFixed(1)} ms, p99 ${turns.p99.toFixed(1)} ms, errors ${turns.errors}`,
    );
    const ratio = turns.rate / upserts;
    console.log(
      `ratio turns/upserts: ${(ratio * 100).toFixed(1)}% (goal ≥ 35%) · p99 ${turns.p99 < 50 ? '<' : '≥'} 50 ms (goal < 50 ms)`,
    );
  } finally {
    for (const child of servers) child.kill('SIGTERM');
    await Promise.all(
      servers.map(
        (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
      ),
    );
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

/** The engine's own benchmark (scripts/bench-engine.ts, by the engine's author). */
async function runEngineBench(): Promise<void> {
  const { benchEngine } = await import('./bench-engine');
  const r = await benchEngine();
  console.log(
    `\nengine alone: ${r.perSecond} turns/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms (state ${r.stateBytes} B, one core; goal ≥ 5,000)\n` +
      `bare XState, same turns (restore, send, persist, JSON): ${r.xstateAlonePerSecond}/s — the engine runs at ${((r.perSecond / r.xstateAlonePerSecond) * 100).toFixed(0)}% of it`,
  );
}

/** The built-in NLU after training: `understand()` latency on the demo bots (goal p99 < 5 ms). */
async function runNluBench(): Promise<void> {
  const { benchNlu } = await import('@parley/nlu');
  for (const bot of ['juice', 'pizza']) {
    const r = await benchNlu(bot, 5000, { log: () => undefined });
    console.log(
      `NLU understand() (${bot}, trained): p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, ${r.perSecond.toFixed(0)}/s (goal p99 < 5 ms)`,
    );
  }
}

async function benchUpserts(pool: Pool, schema: string): Promise<number> {
  await pool.query(
    `CREATE TABLE "${schema}".bench_doc (id text PRIMARY KEY, version integer NOT NULL, doc jsonb NOT NULL, updated_at timestamptz NOT NULL)`,
  );
  const doc = JSON.stringify({
    items: Array.from({ length: 40 }, (_, i) => ({ i, name: `item-${i}`, text: 'x'.repeat(80) })),
  });
  const sql = `INSERT INTO "${schema}".bench_doc (id, version, doc, updated_at) VALUES ($1, 1, $2::jsonb, now())
               ON CONFLICT (id) DO UPDATE SET version = bench_doc.version + 1, doc = EXCLUDED.doc, updated_at = now()`;
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        await pool.query(sql, [`k${Math.floor(Math.random() * 10_000)}`, doc]);
        done++;
      }
    }),
  );
  return done / SECONDS;
}

function startServer(schema: string): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_SERVER_NODE_OPTIONS: extra node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeFlags = (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, join(__dirname, 'bench-server.js')], {
    env: { ...process.env, DATABASE_URL, DATABASE_SCHEMA: schema, PORT: '0', LOG_LEVEL: 'warn', DB_POOL_SIZE: '10' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Parley listening on (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}: ${out}`)));
  });
}

async function benchTurns(urls: string[]): Promise<{ rate: number; p50: number; p99: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  const run = async (user: number, until: number, record: boolean) => {
    const url = urls[user % urls.length]!;
    for (let n = 0; Date.now() < until; n++) {
      const started = performance.now();
      const status = await postJson(agent, `${url}/channels/rest/bench`, {
        userId: `bench-${user}`,
        messageId: `${user}-${n}-${record}`,
        text: 'add',
      });
      if (status !== 200) errors++;
      if (record) latencies.push(performance.now() - started);
    }
  };
  // Warm-up (JIT, connections, the conversations' first turns), then the measurement.
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, u) => run(u, Date.now() + 2000, false)));
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, u) => run(u, until, true)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rate: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99), errors };
}

function postJson(agent: Agent, url: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
