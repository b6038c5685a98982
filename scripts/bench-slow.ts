import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { Pool } from 'pg';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';
import { postJson, startServer } from './bench-http';

/**
 * A fast user next to slow ones: one user sends ordinary turns as fast as the replies come, while 20 others each wait
 * for a dependency that takes BENCH_SLOW_MS (default 3,000 ms) — a slow service, then a slow NLU. Reports the fast
 * user's p50/p99 and /health's p99 alone and in each neighbourhood. A turn that held a database connection or its
 * conversation's lock while waiting would take the pool (10 connections) from everyone else.
 *
 * Part of `npm run bench`; alone: `npm run bench:slow` (BENCH_SECONDS, BENCH_SLOW_MS, BENCH_SLOW_USERS).
 */
const SLOW_USERS = Number(process.env.BENCH_SLOW_USERS ?? 20);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 3000);

interface Phase {
  name: string;
  /** What each slow user says (undefined: no slow users). */
  slowText?: string;
}

export async function benchSlowNeighbours(url: string, seconds: number): Promise<void> {
  // Each phase long enough for the slow users to finish several turns.
  const ms = Math.max(2 * SLOW_MS, (seconds * 1000) / 3);
  const phases: Phase[] = [
    { name: 'alone' },
    { name: `with ${SLOW_USERS} users waiting on a ${SLOW_MS} ms service`, slowText: 'slow' },
    { name: `with ${SLOW_USERS} users waiting on a ${SLOW_MS} ms NLU`, slowText: 'add slowly' },
  ];
  console.log(`\nfast user next to slow ones (${(ms / 1000).toFixed(0)} s each):`);
  await runPhase(url, { name: 'warm-up' }, 1000);
  for (const phase of phases) {
    const r = await runPhase(url, phase, ms);
    console.log(
      `  ${phase.name}: fast user ${r.turns} turns, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}; ` +
        `/health p99 ${r.healthP99.toFixed(1)} ms; slow turns done ${r.slowDone}`,
    );
  }
}

async function runPhase(url: string, phase: Phase, ms: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: SLOW_USERS + 2 });
  const run = randomBytes(3).toString('hex');
  const until = Date.now() + ms;
  const latencies: number[] = [];
  const health: number[] = [];
  let errors = 0;
  let slowDone = 0;
  const slow = phase.slowText
    ? Array.from({ length: SLOW_USERS }, async (_, i) => {
        for (let n = 0; Date.now() < until; n++) {
          const status = await postJson(agent, `${url}/channels/rest/bench`, { userId: `slow-${run}-${i}`, messageId: `s-${n}`, text: phase.slowText });
          if (status === 200) slowDone++;
        }
      })
    : [];
  // Let the slow users' turns reach their dependency before measuring.
  await new Promise((resolve) => setTimeout(resolve, Math.min(500, ms / 4)));
  const fast = (async () => {
    for (let n = 0; Date.now() < until; n++) {
      const started = performance.now();
      const status = await postJson(agent, `${url}/channels/rest/bench`, { userId: `fast-${run}`, messageId: `f-${n}`, text: 'add' });
      latencies.push(performance.now() - started);
      if (status !== 200) errors++;
    }
  })();
  const probe = (async () => {
    while (Date.now() < until) {
      const started = performance.now();
      await fetch(`${url}/health`);
      health.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await Promise.all([fast, probe, ...slow]);
  agent.destroy();
  const q = (values: number[], at: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(at * values.length))] ?? NaN;
  return { turns: latencies.length, p50: q(latencies, 0.5), p99: q(latencies, 0.99), errors, healthP99: q(health, 0.99), slowDone };
}

/** `npm run bench:slow`: on its own server and schema. */
async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  const { child, url } = await startServer(databaseUrl, schema);
  try {
    await benchSlowNeighbours(url, Number(process.env.BENCH_SECONDS ?? 20));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

export const benchSlowCommand: CommandSpec = {
  name: 'npm run bench:slow --',
  summary:
    "A fast user's turns (p50, p99) and /health alone, then beside 20 users waiting on a slow service, then beside 20\n" +
    'waiting on a slow NLU: slow dependencies must not hold database connections or locks that others need.',
  environment: {
    DATABASE_URL: 'the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test)',
    BENCH_SECONDS: 'seconds of each phase (default 20)',
  },
};

if (require.main === module) {
  runCommand(benchSlowCommand, async () => {
    await main();
    return 0;
  });
}
