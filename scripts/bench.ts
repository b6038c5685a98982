import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Pool } from 'pg';
import { runCommand, UsageError, type CommandSpec, type ParsedCommandLine } from '../apps/api/src/cli/command-line';
import { startServer } from './bench-http';
import { benchSlowNeighbours } from './bench-slow';
import { describeMachine, machineInfo, type MachineInfo } from './bench/machine';
import { PostgresMeter } from './bench/pg-meter';
import { cpuDelta, cpuMsByPid, processTree } from './bench/proc';
import { loadName, parseLoads, positiveInteger, positiveSeconds, type LoadSpec } from './bench/load-spec';
import {
  buildReports,
  formatFirstTurns,
  formatReports,
  goalLines,
  type LoadReport,
  type MeasuredRound,
} from './bench/report';
import { alternatingSchedule } from './bench/schedule';
import { SCENARIOS, TurnLoad, type RoundResult } from './bench/turn-load';
import { UpsertLoad } from './bench/upsert-load';

/**
 * `npm run bench` (not a test): on real PostgreSQL (DATABASE_URL, default the CI database),
 *  1. the engine alone (scripts/bench-engine.ts), the NLU, path-test generation (scripts/bench-paths.ts),
 *  2. HTTP turns through a Parley server process, in the scenarios users run (the juice order with the real NLU,
 *     returning and new users, a turn that calls a service, 1 to 256 concurrent users, the counter bot), each round
 *     of each between two rounds of the physical limit, raw 4 KB jsonb upserts by id through `pg`,
 *  3. a fast user's latency next to 20 users waiting for a slow service or a slow NLU (scripts/bench-slow.ts),
 *  4. outbox claims while a receiver is down, with thousands of conversations waiting (scripts/bench/outbox-claims.ts).
 * Everything runs in fresh schemas, dropped at the end. docs/performance.md says how to read the results.
 */
const CORES = availableParallelism();
// juice@64 on one server process and on one per core, to show what the other cores add.
// juice@64~250: the same 64 users, each pausing ~250 ms between a reply and the next message, for latency under load
// that the server keeps up with (a closed loop with no pause always queues: see goalLines).
const DEFAULT_LOADS = `juice@1,juice@8,juice@64,${CORES > 1 ? `juice@64x${CORES},` : ''}juice@64~250,juice@256,new-user@8,service@8,counter@8`;
const PARTS = ['engine', 'nlu', 'paths', 'turns', 'slow', 'outbox'] as const;
type Part = (typeof PARTS)[number];

export const benchCommand: CommandSpec = {
  name: 'npm run bench --',
  summary:
    'Benchmarks (not tests) on real PostgreSQL: the engine alone, NLU latency, path generation, and HTTP turns through\n' +
    'a Parley server process in the scenarios users run, each in short rounds alternating with raw 4 KB jsonb upserts\n' +
    '(ranges across rounds are printed), and outbox claims while a receiver is down. Runs in fresh schemas, dropped at\n' +
    'the end. See docs/performance.md.',
  options: {
    scenarios: {
      type: 'string',
      value: 'list',
      default: DEFAULT_LOADS,
      description: `HTTP loads, scenario@users, scenario@usersxprocesses (users spread over that many server processes) or scenario@users~ms (each user pauses ~ms between a reply and the next message), comma-separated (users default 8, processes --instances, no pause); scenarios: ${Object.keys(SCENARIOS).join(', ')}`,
    },
    round: { type: 'string', value: 'seconds', default: '2', description: 'length of one round of one load' },
    rounds: {
      type: 'string',
      value: 'n',
      default: '5',
      description: 'rounds of every load (and of the upserts between them)',
    },
    warmup: { type: 'string', value: 'seconds', default: '2', description: 'warm-up of each load before its rounds' },
    'upsert-connections': {
      type: 'string',
      value: 'n',
      default: '8',
      description: 'connections of the raw-upsert baseline',
    },
    instances: {
      type: 'string',
      value: 'n',
      description: 'server processes sharing the load (default BENCH_INSTANCES or 1)',
    },
    parts: { type: 'string', value: 'list', default: PARTS.join(','), description: 'which benchmarks to run' },
    'outbox-lanes': {
      type: 'string',
      value: 'list',
      default: '1000,10000',
      description: 'outbox part: how many conversations wait behind a receiver that is down, per measurement',
    },
    json: { type: 'boolean', description: 'print the results as JSON on stdout (progress goes to stderr)' },
  },
  environment: {
    DATABASE_URL: 'the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test)',
    BENCH_INSTANCES: 'server processes sharing the load (default 1; --instances wins)',
    BENCH_SECONDS: 'seconds of each phase of the slow-neighbours part (default 20)',
    BENCH_SERVER_NODE_OPTIONS: 'extra node flags for the server processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"',
  },
  notes: [
    'Scenarios:' +
      Object.entries(SCENARIOS)
        .map(([name, what]) => `\n  ${name}: ${what}`)
        .join(''),
    '',
    'A quick look (about a minute): npm run bench -- --parts turns --scenarios juice,new-user --round 1 --rounds 2',
  ],
};

function parseParts(list: string): Set<Part> {
  const parts = list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part))
      throw new UsageError(`Unknown part '${part}': one of ${PARTS.join(', ')}.`);
  }
  return new Set(parts as Part[]);
}

interface Settings {
  loads: LoadSpec[];
  roundMs: number;
  rounds: number;
  warmupMs: number;
  upsertConnections: number;
  instances: number;
  parts: Set<Part>;
  outboxLanes: number[];
  json: boolean;
}

function settingsFrom({ values }: ParsedCommandLine): Settings {
  return {
    loads: parseLoads(String(values.scenarios)),
    roundMs: positiveSeconds(String(values.round), '--round') * 1000,
    rounds: positiveInteger(String(values.rounds), '--rounds'),
    warmupMs: positiveSeconds(String(values.warmup), '--warmup') * 1000,
    upsertConnections: positiveInteger(String(values['upsert-connections']), '--upsert-connections'),
    instances: positiveInteger(String(values.instances ?? process.env.BENCH_INSTANCES ?? '1'), '--instances'),
    parts: parseParts(String(values.parts)),
    outboxLanes: String(values['outbox-lanes'])
      .split(',')
      .map((n) => positiveInteger(n.trim(), '--outbox-lanes')),
    json: values.json === true,
  };
}

/** What `--json` prints. */
export interface BenchOutput {
  machine: MachineInfo;
  command: string;
  settings: { roundSeconds: number; rounds: number; upsertConnections: number; instances: number };
  loads: LoadReport[];
}

async function main(settings: Settings): Promise<number> {
  const log = settings.json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: databaseUrl, max: settings.upsertConnections });
  const servers: ChildProcess[] = [];
  // Server processes by group size: the loads with the same number of processes share them.
  const groups = new Map<number, ServerGroup>();
  try {
    const version = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const machine = machineInfo(version);
    log(`Parley benchmark — ${describeMachine(machine)}`);
    if (settings.parts.has('engine')) await runEngineBench(log);
    if (settings.parts.has('nlu')) await runNluBench(log);
    if (settings.parts.has('paths')) await runPathsBench(log);
    if (settings.parts.has('outbox')) await runOutboxBench(databaseUrl, settings.outboxLanes, log);

    const sizes = new Set<number>();
    if (settings.parts.has('slow')) sizes.add(settings.instances);
    if (settings.parts.has('turns')) for (const spec of settings.loads) sizes.add(spec.processes ?? settings.instances);
    if (sizes.size) await pool.query(`CREATE SCHEMA "${schema}"`);
    // All at once (they boot in parallel; migrations take an advisory lock); every one that started is stopped at
    // the end even if another failed.
    const started = await Promise.allSettled(
      [...sizes].flatMap((size) =>
        Array.from({ length: size }, () => startServer(databaseUrl, schema).then((s) => ({ size, ...s }))),
      ),
    );
    for (const result of started) {
      if (result.status === 'rejected') continue;
      const { size, child, url } = result.value;
      servers.push(child);
      const group = groups.get(size) ?? { children: [], urls: [] };
      group.children.push(child);
      group.urls.push(url);
      groups.set(size, group);
    }
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    let code = 0;
    if (settings.parts.has('turns')) {
      const reports = await runTurns(settings, databaseUrl, pool, schema, groups, log);
      log(`\n${formatReports(reports)}`);
      const firsts = formatFirstTurns(reports);
      if (firsts.length) log(`\n${firsts.join('\n')}`);
      log(goalLines(reports).join('\n'));
      if (settings.json) {
        const output: BenchOutput = {
          machine,
          command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
          settings: {
            roundSeconds: settings.roundMs / 1000,
            rounds: settings.rounds,
            upsertConnections: settings.upsertConnections,
            instances: settings.instances,
          },
          loads: reports,
        };
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      }
      if (reports.some((r) => r.errors > 0 || r.unexpected > 0)) code = 1;
    }
    if (settings.parts.has('slow')) {
      await benchSlowNeighbours(groups.get(settings.instances)!.urls[0]!, Number(process.env.BENCH_SECONDS ?? 20));
    }
    return code;
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

/** Server processes on the benchmark's schema that a load's users are spread over. */
interface ServerGroup {
  children: ChildProcess[];
  urls: string[];
}

/**
 * The HTTP loads and the raw upserts, alternating (scripts/bench/schedule.ts): each round of each load between two
 * upsert rounds, with CPU read from /proc around every round: the load generator (this process), the server
 * processes (and their children), PostgreSQL's backends serving either.
 */
async function runTurns(
  settings: Settings,
  databaseUrl: string,
  pool: Pool,
  schema: string,
  groups: ReadonlyMap<number, ServerGroup>,
  log: (line: string) => void,
): Promise<LoadReport[]> {
  const upserts = new UpsertLoad(pool, schema, settings.upsertConnections);
  await upserts.prepare();
  const run = randomBytes(3).toString('hex');
  const loads = new Map<string, { load: TurnLoad; servers: ServerGroup }>();
  for (const spec of settings.loads) {
    const servers = groups.get(spec.processes ?? settings.instances)!;
    loads.set(loadName(spec), {
      load: new TurnLoad(spec.scenario, spec.users, servers.urls, run, loadName(spec), spec.thinkMs),
      servers,
    });
  }
  const meter = new PostgresMeter(databaseUrl);
  const serverPids = (group: ServerGroup) =>
    group.children.flatMap((child) => (child.pid ? processTree(child.pid) : []));
  try {
    log(`\nwarm-up: upserts, then ${[...loads.keys()].join(', ')} (${settings.warmupMs / 1000} s each)`);
    await upserts.run(settings.warmupMs);
    for (const { load } of loads.values()) await load.warmUp(settings.warmupMs);

    const steps = alternatingSchedule(upserts.name, [...loads.keys()], settings.rounds);
    log(
      `${settings.rounds} rounds of ${settings.roundMs / 1000} s per load, each between two rounds of raw upserts ` +
        `(${steps.length} steps, about ${Math.ceil((steps.length * settings.roundMs) / 1000)} s)`,
    );
    const measured: MeasuredRound[] = [];
    for (const step of steps) {
      const turns = loads.get(step.load);
      const load = turns?.load ?? upserts;
      const pids = turns ? serverPids(turns.servers) : [];
      const clientPids = step.load === upserts.name ? [process.pid] : pids;
      const pgBefore = await meter.read(clientPids);
      const serverBefore = cpuMsByPid(pids);
      const clientBefore = process.cpuUsage();
      const result: RoundResult = await load.run(settings.roundMs);
      const client = process.cpuUsage(clientBefore);
      const serverCpuMs = pids.length ? cpuDelta(serverBefore, cpuMsByPid(pids)) : NaN;
      const pg = await meter.between(pgBefore, await meter.read(clientPids));
      measured.push({
        ...result,
        clientCpuMs: (client.user + client.system) / 1000,
        serverCpuMs,
        postgresCpuMs: pg.cpuMs,
        walBytes: pg.walBytes,
      });
      if (step.load !== upserts.name) {
        log(
          `  round ${step.round + 1}/${settings.rounds} ${step.load}: ${(result.ops / result.seconds).toFixed(0)}/s, errors ${result.errors + result.unexpected}`,
        );
      }
    }
    return buildReports(steps, measured, upserts.name);
  } finally {
    for (const { load } of loads.values()) load.close();
    await meter.close();
  }
}

/** The engine's own benchmark (scripts/bench-engine.ts, by the engine's author). */
async function runEngineBench(log: (line: string) => void): Promise<void> {
  const { benchEngine } = await import('./bench-engine');
  const r = await benchEngine();
  log(
    `\nengine alone: ${r.perSecond} turns/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms (state ${r.stateBytes} B, one core; goal ≥ 5,000)\n` +
      (Number.isNaN(r.xstateAlonePerSecond)
        ? "bare XState, same turns: not measured (the bot's machines need Parley's turn scope: they run only in runTurn)\n"
        : `bare XState, same turns (restore, send, persist, JSON): ${r.xstateAlonePerSecond}/s — the engine runs at ${((r.perSecond / r.xstateAlonePerSecond) * 100).toFixed(0)}% of it\n`) +
      `engine continuing from live trees (no restore; what the server's cache does): ${r.livePerSecond} turns/s`,
  );
}

/** The built-in NLU after training: `understand()` latency on the demo bots (goal p99 < 5 ms). */
async function runNluBench(log: (line: string) => void): Promise<void> {
  const { benchNlu } = await import('@parley/nlu');
  for (const bot of ['juice', 'pizza']) {
    const r = await benchNlu(bot, 5000, { log: () => undefined });
    log(
      `NLU understand() (${bot}, trained): p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, ${r.perSecond.toFixed(0)}/s (goal p99 < 5 ms)`,
    );
  }
}

/** Outbox claims with thousands of conversations waiting behind a receiver that is down (scripts/bench/outbox-claims.ts). */
async function runOutboxBench(databaseUrl: string, lanes: readonly number[], log: (line: string) => void): Promise<void> {
  const { benchOutboxClaims, formatOutboxClaims } = await import('./bench/outbox-claims');
  log(`\n${formatOutboxClaims(await benchOutboxClaims(databaseUrl, lanes))}`);
}

/** Path-test generation for juice (scripts/bench-paths.ts): wall and CPU time, paths, states, turns (goal < 30 s). */
async function runPathsBench(log: (line: string) => void): Promise<void> {
  const { benchPaths, formatPathsBench } = await import('./bench-paths');
  log(formatPathsBench(await benchPaths(['juice'])));
}

if (require.main === module) {
  runCommand(benchCommand, async (args) => {
    let settings: Settings;
    try {
      settings = settingsFrom(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`${error.message}\nRun '${benchCommand.name} --help' for the options.\n`);
      return 2;
    }
    return main(settings);
  });
}
