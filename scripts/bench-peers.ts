import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuiltinNlu } from '@parley/nlu';
import { Pool } from 'pg';
import { runCommand, UsageError, type CommandSpec, type ParsedCommandLine } from '../apps/api/src/cli/command-line';
import { checkReplies, JUICE_ORDER, type ClassifiedTurn, type OrderRunner } from './bench/juice-order';
import { describeMachine, machineInfo, type MachineInfo } from './bench/machine';
import { parleyRunner } from './bench/parley-runners';
import { xstateRunner } from './bench/xstate-runner';
import { PostgresMeter } from './bench/pg-meter';
import { rotated } from './bench/schedule';
import { formatNumber, formatRange, formatTable, range, summarize } from './bench/stats';

/**
 * `npm run bench:peers` (not a test): the same 9-turn juice order (scripts/bench/juice-order.ts) on Parley's engine
 * (restored from JSON each turn, and continuing from the live actor), bare XState (scripts/bench/xstate-runner.ts: the
 * reference for what XState's actors cost on the order), botbuilder-dialogs (MemoryStorage) and
 * LangGraph.js (MemorySaver; PostgresSaver on the same PostgreSQL), one order after another on one core, in
 * alternating rounds. The peers live in bench/peers (their own package.json and lockfile, installed there on first
 * run: not Parley's dependencies).
 */
const PEERS_DIR = resolve(__dirname, '../bench/peers');
const RUNNERS = [
  'parley-restore',
  'parley-live',
  'xstate-restore',
  'xstate-live',
  'botbuilder',
  'langgraph-memory',
  'langgraph-postgres',
] as const;
/** The runners whose framework is installed into bench/peers (the others use Parley's own dependencies). */
const PEER_RUNNERS: readonly string[] = ['botbuilder', 'langgraph-memory', 'langgraph-postgres'];
type RunnerName = (typeof RUNNERS)[number];

export const benchPeersCommand: CommandSpec = {
  name: 'npm run bench:peers --',
  summary:
    "The same 9-turn juice order on Parley's engine (restored from JSON each turn; live actor), bare XState (the same\n" +
    'order as three plain machines, no Parley: the reference for any engine on XState), botbuilder-dialogs\n' +
    '(MemoryStorage) and LangGraph.js (MemorySaver; PostgresSaver on DATABASE_URL), in alternating rounds, every\n' +
    "framework fed the same messages classified once by Parley's NLU. Installs the peers into bench/peers on first run.",
  options: {
    runners: { type: 'string', value: 'list', default: RUNNERS.join(','), description: 'which frameworks to run' },
    round: { type: 'string', value: 'seconds', default: '2', description: 'length of one round of one framework' },
    rounds: { type: 'string', value: 'n', default: '5', description: 'rounds of every framework' },
    warmup: { type: 'string', value: 'seconds', default: '1', description: 'warm-up of each framework' },
    json: { type: 'boolean', description: 'print the results as JSON on stdout (progress goes to stderr)' },
  },
  environment: { DATABASE_URL: 'PostgreSQL for PostgresSaver (default postgres://postgres@127.0.0.1:5432/test)' },
};

interface Settings {
  runners: RunnerName[];
  roundMs: number;
  rounds: number;
  warmupMs: number;
  json: boolean;
}

function settingsFrom({ values }: ParsedCommandLine): Settings {
  const runners = String(values.runners)
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of runners) {
    if (!(RUNNERS as readonly string[]).includes(r))
      throw new UsageError(`Unknown runner '${r}': one of ${RUNNERS.join(', ')}.`);
  }
  if (runners.length === 0) throw new UsageError('--runners names no framework.');
  const seconds = (name: string) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n <= 0)
      throw new UsageError(`--${name} must be a number of seconds > 0, not '${String(values[name])}'.`);
    return n * 1000;
  };
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`--rounds must be a whole number ≥ 1, not '${String(values.rounds)}'.`);
  return {
    runners: runners as RunnerName[],
    roundMs: seconds('round'),
    rounds,
    warmupMs: seconds('warmup'),
    json: values.json === true,
  };
}

/** The peers whose installed version is not the one bench/peers/package.json pins (all of them before the first run). */
export function missingPeers(dir: string): string[] {
  const { dependencies } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.entries(dependencies)
    .filter(([name, version]) => {
      const installed = join(dir, 'node_modules', name, 'package.json');
      return (
        !existsSync(installed) ||
        (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version !== version
      );
    })
    .map(([name, version]) => `${name}@${version}`);
}

/** Install the peers into bench/peers unless the pinned versions are there (their own package.json and lockfile). */
function ensurePeersInstalled(log: (line: string) => void): void {
  const missing = missingPeers(PEERS_DIR);
  if (missing.length === 0) return;
  log(`Installing the peers into ${PEERS_DIR} (${missing.join(', ')}) …`);
  // --ignore-scripts: botbuilder-dialogs' postinstall runs `npx rimraf` on a nested copy, which npm 11 refuses to
  // fetch without a prompt; the copy it would delete does no harm.
  const npm = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--ignore-scripts'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (npm.status !== 0) throw new Error(`npm install --prefix ${PEERS_DIR} failed (exit ${npm.status}).`);
}

/** The order's messages as Parley's NLU reads them: what every framework is given. */
async function classifyOrder(): Promise<ClassifiedTurn[]> {
  const nlu = new BuiltinNlu({ cacheDir: join(tmpdir(), 'parley-bench-nlu'), log: () => undefined });
  return Promise.all(
    JUICE_ORDER.map(async ({ text }) => {
      const u = await nlu.understand(text, {
        bot: 'juice',
        locale: 'zh-CN',
        openIntents: [],
        timeZone: 'Asia/Shanghai',
      });
      return { text, intent: u.intent, entities: u.entities };
    }),
  );
}

interface PeerModules {
  botbuilder: { botbuilderRunner(): OrderRunner };
  langgraph: {
    langgraphRunner(saver: 'memory' | 'postgres', databaseUrl: string, schema: string): Promise<OrderRunner>;
  };
}

/** The peers' code is loaded from bench/peers at run time (Parley's type-check does not see their packages). */
async function loadPeer<K extends keyof PeerModules>(name: K): Promise<PeerModules[K]> {
  return (await import(join(PEERS_DIR, `${name}.peer.ts`))) as PeerModules[K];
}

async function createRunner(name: RunnerName, databaseUrl: string, schema: string): Promise<OrderRunner> {
  switch (name) {
    case 'parley-restore':
      return parleyRunner('restore');
    case 'parley-live':
      return parleyRunner('live');
    case 'xstate-restore':
      return xstateRunner('restore');
    case 'xstate-live':
      return xstateRunner('live');
    case 'botbuilder':
      return (await loadPeer('botbuilder')).botbuilderRunner();
    case 'langgraph-memory':
      return (await loadPeer('langgraph')).langgraphRunner('memory', databaseUrl, schema);
    case 'langgraph-postgres':
      return (await loadPeer('langgraph')).langgraphRunner('postgres', databaseUrl, schema);
  }
}

/** One framework's orders for `ms`, one after another, each as a new user; every turn's latency. */
async function runOrders(runner: OrderRunner, order: readonly ClassifiedTurn[], ms: number, next: () => number) {
  const latencies: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ms) {
    const n = next();
    for (const input of order) {
      const t0 = performance.now();
      await runner.turn(`c${n}`, `u${n}`, input);
      latencies.push(performance.now() - t0);
    }
    runner.ended?.(`c${n}`);
  }
  return { turns: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}

export interface PeerReport {
  runner: string;
  description: string;
  rate: number;
  ratePerRound: number[];
  p50Ms: number;
  p99Ms: number;
  /** PostgreSQL backends' CPU per turn (langgraph-postgres; NaN for the others). */
  postgresCpuMsPerTurn: number;
  /** CPU of this process per turn (the framework's own work, whatever it waits for). */
  cpuMsPerTurn: number;
  /** Parley restored from JSON ÷ this framework, turns/s in the same round. */
  restoreOverPerRound: number[];
  liveOverPerRound: number[];
}

async function main(settings: Settings): Promise<number> {
  const log = settings.json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
  if (settings.runners.some((r) => PEER_RUNNERS.includes(r))) ensurePeersInstalled(log);
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_peers_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const runners: OrderRunner[] = [];
  let meter: PostgresMeter | undefined;
  try {
    let machine: MachineInfo;
    const usesPostgres = settings.runners.includes('langgraph-postgres');
    if (usesPostgres) {
      machine = machineInfo(
        (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
      );
      await pool.query(`CREATE SCHEMA "${schema}"`);
    } else {
      machine = machineInfo();
    }
    log(`Parley vs peers, the 9-turn juice order — ${describeMachine(machine)}`);
    const order = await classifyOrder();
    log(
      `messages as Parley's NLU reads them (given to every framework): ${order.map((t) => `${t.text}→${t.intent ?? 'none'}`).join(' ')}`,
    );
    for (const name of settings.runners) runners.push(await createRunner(name, databaseUrl, schema));

    // Every framework must answer the order as the juice bot does before it is timed.
    let conversation = 0;
    const next = () => conversation++;
    for (const runner of runners) {
      const n = next();
      for (const [step, input] of order.entries())
        checkReplies(runner.name, step, await runner.turn(`c${n}`, `u${n}`, input));
    }
    for (const runner of runners) await runOrders(runner, order, settings.warmupMs, next);

    meter = usesPostgres ? new PostgresMeter(databaseUrl) : undefined;
    const rounds = new Map<
      string,
      { turns: number; seconds: number; latencies: number[]; postgresCpuMs: number; cpuMs: number }[]
    >();
    for (let round = 0; round < settings.rounds; round++) {
      for (const runner of rotated(runners, round)) {
        const before = meter ? await meter.read([process.pid]) : undefined;
        const cpuBefore = process.cpuUsage();
        const r = await runOrders(runner, order, settings.roundMs, next);
        const cpu = process.cpuUsage(cpuBefore);
        const pg = meter && before ? await meter.between(before, await meter.read([process.pid])) : { cpuMs: NaN };
        rounds.set(runner.name, [
          ...(rounds.get(runner.name) ?? []),
          {
            ...r,
            postgresCpuMs: runner.name === 'langgraph-postgres' ? pg.cpuMs : NaN,
            cpuMs: (cpu.user + cpu.system) / 1000,
          },
        ]);
      }
      log(
        `  round ${round + 1}/${settings.rounds}: ${runners.map((r) => `${r.name} ${formatNumber(rate(rounds.get(r.name)!.at(-1)!))}/s`).join(', ')}`,
      );
    }
    const reports = runners.map((runner): PeerReport => {
      const list = rounds.get(runner.name)!;
      const per = list.map(rate);
      const over = (name: string) => (rounds.get(name) ?? []).map((r, i) => rate(r) / per[i]!);
      const latency = summarize(list.flatMap((r) => r.latencies));
      const turns = list.reduce((t, r) => t + r.turns, 0);
      return {
        runner: runner.name,
        description: runner.description,
        rate: turns / list.reduce((t, r) => t + r.seconds, 0),
        ratePerRound: per,
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        postgresCpuMsPerTurn: list.reduce((t, r) => t + r.postgresCpuMs, 0) / turns,
        cpuMsPerTurn: list.reduce((t, r) => t + r.cpuMs, 0) / turns,
        restoreOverPerRound: over('parley-restore'),
        liveOverPerRound: over('parley-live'),
      };
    });
    log(`\n${formatPeerReports(reports)}`);
    const bb = reports.find((r) => r.runner === 'botbuilder');
    const restore = reports.find((r) => r.runner === 'parley-restore');
    const live = reports.find((r) => r.runner === 'parley-live');
    // CPU per turn, the other view: on a busy machine a runner's wall time includes waiting for a core.
    const cpuRatio = (parley?: PeerReport) =>
      bb && parley
        ? `; CPU per turn, botbuilder ÷ ${parley.runner}: ${(bb.cpuMsPerTurn / parley.cpuMsPerTurn).toFixed(2)}×`
        : '';
    if (bb?.restoreOverPerRound.length) {
      log(
        `\nParley restored from JSON ÷ botbuilder-dialogs, per round: ${formatRange(range(bb.restoreOverPerRound), 2)}× (goal ≥ 3×)${cpuRatio(restore)}`,
      );
    }
    if (bb?.liveOverPerRound.length) {
      log(
        `Parley live ÷ botbuilder-dialogs, per round: ${formatRange(range(bb.liveOverPerRound), 2)}× (goal ≥ 5×)${cpuRatio(live)}`,
      );
    }
    // Bare XState on the same order: how far any engine built on XState's actors could go.
    for (const mode of ['restore', 'live'] as const) {
      const bare = rounds.get(`xstate-${mode}`);
      const theirs = rounds.get('botbuilder');
      if (!bare || !theirs) continue;
      const ratios = bare.map((r, i) => rate(r) / rate(theirs[i]!));
      log(
        `Bare XState (${mode}) ÷ botbuilder-dialogs, per round: ${formatRange(range(ratios), 2)}× (no goal: what an engine on XState's actors could reach at most)`,
      );
    }
    if (settings.json) {
      const command = `npm run bench:peers -- ${process.argv.slice(2).join(' ')}`.trim();
      process.stdout.write(
        `${JSON.stringify({ machine, command, settings: { roundSeconds: settings.roundMs / 1000, rounds: settings.rounds }, runners: reports }, null, 2)}\n`,
      );
    }
    return 0;
  } finally {
    for (const runner of runners) await runner.close?.();
    await meter?.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

const rate = (r: { turns: number; seconds: number }) => r.turns / r.seconds;

export function formatPeerReports(reports: readonly PeerReport[]): string {
  const table = formatTable(
    [
      'framework',
      'turns/s (rounds)',
      'p50 ms',
      'p99 ms',
      'CPU ms/turn',
      'PG CPU ms/turn',
      'parley-restore ÷ it',
      'parley-live ÷ it',
    ],
    reports.map((r) => [
      r.runner,
      formatRange(range(r.ratePerRound)),
      formatNumber(r.p50Ms, 3),
      formatNumber(r.p99Ms, 3),
      formatNumber(r.cpuMsPerTurn, 3),
      formatNumber(r.postgresCpuMsPerTurn, 2),
      r.restoreOverPerRound.length ? `${formatRange(range(r.restoreOverPerRound), 2)}×` : '—',
      r.liveOverPerRound.length ? `${formatRange(range(r.liveOverPerRound), 2)}×` : '—',
    ]),
  );
  return `${table}\n\n${reports.map((r) => `${r.runner}: ${r.description}`).join('\n')}`;
}

if (require.main === module) {
  runCommand(benchPeersCommand, async (args) => {
    let settings: Settings;
    try {
      settings = settingsFrom(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`${error.message}\nRun '${benchPeersCommand.name} --help' for the options.\n`);
      return 2;
    }
    return main(settings);
  });
}
