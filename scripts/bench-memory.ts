import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { Pool } from 'pg';
import { runCommand, UsageError, type CommandSpec, type ParsedCommandLine } from '../apps/api/src/cli/command-line';
import { startServer } from './bench-http';
import { JUICE_ORDER } from './bench/juice-order';
import { describeMachine, machineInfo } from './bench/machine';
import { processTree, rssBytes } from './bench/proc';
import { formatNumber, formatTable } from './bench/stats';
import { postTurn } from './bench/turn-load';

/**
 * `npm run bench:memory` (not a test): the server's memory over many conversations, each of a new user (the juice
 * order's first turns over HTTP): resident set size (RSS, from /proc) and the live heap (after a full GC, asked of
 * the server over IPC) sampled as the conversations go by. A cache bounded in bytes shows as an RSS that levels off;
 * one bounded only by count keeps growing until the count is reached.
 */
export const benchMemoryCommand: CommandSpec = {
  name: 'npm run bench:memory --',
  summary:
    "A Parley server's RSS and live heap (after GC) over many conversations of new users (the juice order's first\n" +
    'turns, real NLU, over HTTP), sampled as they go, to show whether memory levels off. Runs in a fresh schema.',
  options: {
    conversations: { type: 'string', value: 'n', default: '20000', description: 'conversations, each of a new user' },
    turns: {
      type: 'string',
      value: 'n',
      default: '3',
      description: `turns of each (1–${JUICE_ORDER.length}, from the juice order)`,
    },
    users: { type: 'string', value: 'n', default: '16', description: 'conversations in flight at once' },
    samples: { type: 'string', value: 'n', default: '20', description: 'memory readings along the way' },
    json: { type: 'boolean', description: 'print the samples as JSON on stdout (progress goes to stderr)' },
  },
  environment: {
    DATABASE_URL: 'the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test)',
    CACHE_MAX_MB: "passed on to the server (the conversation cache's bound, where the server supports it)",
  },
};

interface Settings {
  conversations: number;
  turns: number;
  users: number;
  samples: number;
  json: boolean;
}

function settingsFrom({ values }: ParsedCommandLine): Settings {
  const whole = (name: string, max = Infinity) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new UsageError(
        `--${name} must be a whole number from 1${max < Infinity ? ` to ${max}` : ''}, not '${String(values[name])}'.`,
      );
    }
    return n;
  };
  return {
    conversations: whole('conversations'),
    turns: whole('turns', JUICE_ORDER.length),
    users: whole('users'),
    samples: whole('samples'),
    json: values.json === true,
  };
}

export interface MemorySample {
  conversations: number;
  turns: number;
  seconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

/** The server's memory: RSS of its processes from /proc, heap from the server itself (after a GC). */
function readMemory(child: ChildProcess): Promise<Omit<MemorySample, 'conversations' | 'turns' | 'seconds'>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; usage?: NodeJS.MemoryUsage }) => {
      if (message.type !== 'memory' || !message.usage) return;
      child.off('message', onMessage);
      const rss = processTree(child.pid!).reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
      resolve({
        rssBytes: rss || message.usage.rss,
        heapUsedBytes: message.usage.heapUsed,
        heapTotalBytes: message.usage.heapTotal,
        externalBytes: message.usage.external,
      });
    };
    child.on('message', onMessage);
    if (!child.send({ type: 'memory' })) reject(new Error('the server has no IPC channel'));
  });
}

async function main(settings: Settings): Promise<number> {
  const log = settings.json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  let child: ChildProcess | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: settings.users });
  try {
    const version = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const machine = machineInfo(version);
    log(`Parley server memory — ${describeMachine(machine)}`);
    log(
      `${settings.conversations} conversations of new users, ${settings.turns} turns each, ${settings.users} at once${process.env.CACHE_MAX_MB ? `, CACHE_MAX_MB=${process.env.CACHE_MAX_MB}` : ''}`,
    );
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const server = await startServer(databaseUrl, schema, { ipc: true, nodeFlags: ['--expose-gc'] });
    child = server.child;
    const run = randomBytes(3).toString('hex');
    const samples: MemorySample[] = [];
    const started = performance.now();
    let turns = 0;
    let errors = 0;
    const sample = async (conversations: number) => {
      const s = {
        conversations,
        turns,
        seconds: (performance.now() - started) / 1000,
        ...(await readMemory(server.child)),
      };
      samples.push(s);
      log(
        `  ${formatNumber(conversations)} conversations: RSS ${mb(s.rssBytes)} MB, live heap ${mb(s.heapUsedBytes)} MB`,
      );
    };
    await sample(0);
    const every = Math.max(1, Math.ceil(settings.conversations / settings.samples));
    let next = 0;
    let done = 0;
    let sampling: Promise<void> = Promise.resolve();
    await Promise.all(
      Array.from({ length: settings.users }, async () => {
        while (next < settings.conversations) {
          const n = next++;
          for (const { text } of JUICE_ORDER.slice(0, settings.turns)) {
            const { status } = await postTurn(agent, `${server.url}/channels/rest/juice`, {
              userId: `mem-${run}-${n}`,
              messageId: `m${turns}`,
              text,
            });
            turns++;
            if (status !== 200) errors++;
          }
          done++;
          // Readings are taken while the load goes on (the GC they force pauses the server briefly).
          if (done % every === 0 && done < settings.conversations) sampling = sampling.then(() => sample(done));
        }
      }),
    );
    await sampling;
    await sample(done);
    log(`\n${formatMemorySamples(samples)}`);
    const first = samples[1] ?? samples[0]!;
    const half = samples[Math.floor(samples.length / 2)]!;
    const last = samples[samples.length - 1]!;
    // Flat or not: the growth per 1,000 conversations over the second half of the run, after the start-up's.
    const growth = (to: MemorySample, pick: (s: MemorySample) => number) =>
      to.conversations > half.conversations
        ? ((pick(to) - pick(half)) / (to.conversations - half.conversations)) * 1000
        : NaN;
    log(
      `\nsecond half: RSS ${formatNumber(growth(last, (s) => s.rssBytes) / 2 ** 20, 1)} MB, live heap ` +
        `${formatNumber(growth(last, (s) => s.heapUsedBytes) / 2 ** 20, 1)} MB per 1,000 conversations (flat: about 0)`,
    );
    log(
      `RSS ${mb(first.rssBytes)} MB after ${formatNumber(first.conversations)} conversations → ${mb(half.rssBytes)} MB at ${formatNumber(half.conversations)} → ` +
        `${mb(last.rssBytes)} MB at ${formatNumber(last.conversations)} (goal ≤ 300 MB after 20,000); errors ${errors}`,
    );
    if (settings.json) {
      process.stdout.write(
        `${JSON.stringify({ machine, command: `npm run bench:memory -- ${process.argv.slice(2).join(' ')}`.trim(), samples, errors }, null, 2)}\n`,
      );
    }
    return errors > 0 ? 1 : 0;
  } finally {
    agent.destroy();
    if (child) {
      const exited = new Promise((resolve) =>
        child!.exitCode !== null ? resolve(null) : child!.once('exit', resolve),
      );
      child.kill('SIGTERM');
      await exited;
    }
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

const mb = (bytes: number) => formatNumber(bytes / 2 ** 20);

export function formatMemorySamples(samples: readonly MemorySample[]): string {
  return formatTable(
    ['conversations', 'turns', 'seconds', 'RSS MB', 'live heap MB', 'heap total MB', 'external MB'],
    samples.map((s) => [
      formatNumber(s.conversations),
      formatNumber(s.turns),
      formatNumber(s.seconds, 1),
      mb(s.rssBytes),
      mb(s.heapUsedBytes),
      mb(s.heapTotalBytes),
      mb(s.externalBytes),
    ]),
  );
}

if (require.main === module) {
  runCommand(benchMemoryCommand, async (args) => {
    let settings: Settings;
    try {
      settings = settingsFrom(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`${error.message}\nRun '${benchMemoryCommand.name} --help' for the options.\n`);
      return 2;
    }
    return main(settings);
  });
}
