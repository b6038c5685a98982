import { bots } from '@parley/machines';
import { pathsConfigs } from '../machines/paths.config';
import { BuiltinNlu } from '@parley/nlu';
import { generatePaths } from '@parley/paths';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PathsBenchResult {
  bot: string;
  paths: number;
  states: number;
  turns: number;
  /** Wall-clock time of the whole generation (exploration, selection, replay, checks). */
  wallMs: number;
  /** CPU time of this process over the same span: on a shared machine, the fairer figure. */
  cpuMs: number;
  exploreMs: number;
  /** Of the exploration, the walks of the recorded graph that find the edges still to run. */
  traversalMs: number;
}

/**
 * Path-test generation (`npm run paths -- <bot> --check` minus the file comparison), timed: how long `npm run paths`
 * takes for a bot, and how many paths and turns. The NLU is trained before the clock starts.
 */
export async function benchPaths(botIds: readonly string[] = ['juice']): Promise<PathsBenchResult[]> {
  const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-bench-nlu-')), log: () => undefined });
  const results: PathsBenchResult[] = [];
  for (const id of botIds) {
    const bot = bots.find((b) => b.id === id)!;
    const corpus = await nlu.corpus(id);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { report, stats } = await generatePaths({ bot, nlu, corpus, config: pathsConfigs[id] });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    results.push({
      bot: id,
      paths: report.paths,
      states: report.graph.states,
      turns: stats.turns,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      exploreMs: stats.ms,
      traversalMs: stats.traversalMs,
    });
  }
  return results;
}

export function formatPathsBench(results: readonly PathsBenchResult[]): string {
  return results
    .map(
      (r) =>
        `path tests (${r.bot}): ${r.paths} paths from ${r.states} states and ${r.turns} real turns in ` +
        `${(r.wallMs / 1000).toFixed(1)} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s; exploration ${(r.exploreMs / 1000).toFixed(1)} s, of which finding pending edges ${(r.traversalMs / 1000).toFixed(2)} s)` +
        (r.bot === 'juice' ? ' (goal < 30 s)' : ''),
    )
    .join('\n');
}

export const benchPathsCommand: CommandSpec = {
  name: 'npm run bench:paths --',
  summary:
    'Time path-test generation (exploration, selection, replay, checks) for a bot: wall clock, CPU, paths, states and\n' +
    'real turns. A benchmark, not a test: run it on a quiet machine.',
  positionals: [{ name: 'bot', required: false, description: `${bots.map((b) => b.id).join(', ')} (default juice)` }],
};

if (require.main === module) {
  runCommand(benchPathsCommand, async ({ positionals }) => {
    const bot = positionals[0] ?? 'juice';
    if (!bots.some((b) => b.id === bot)) {
      process.stderr.write(`No bot '${bot}'. Bots: ${bots.map((b) => b.id).join(', ')}\n`);
      return 2;
    }
    console.log(formatPathsBench(await benchPaths([bot])));
    return 0;
  });
}
